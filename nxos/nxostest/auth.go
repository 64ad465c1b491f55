package nxostest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// CookieName is the session cookie NX-OS hands out at login.
const CookieName = "APIC-cookie"

type authState struct {
	mu     sync.Mutex
	tokens map[string]time.Time // token -> expiry
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// issue creates a token and the answer carrying it under class (aaaLogin or aaaRefresh).
func (s *Server) issue(class string) response {
	tok := newToken()
	now := s.now()
	s.auth.mu.Lock()
	s.auth.tokens[tok] = now.Add(s.lifetime)
	s.auth.mu.Unlock()
	secs := strconv.Itoa(int(s.lifetime / time.Second))
	o := dme.New(class,
		"token", tok,
		"refreshTimeoutSeconds", secs,
		"maximumLifetimeSeconds", "86400",
		"userName", s.user,
		"creationTime", strconv.FormatInt(now.Unix(), 10),
	).Add(dme.New("aaaUserDomain", "name", "all", "rolesR", "admin", "rolesW", "admin"))
	b, _ := o.MarshalJSON()
	body := append([]byte(`{"totalCount":"1","imdata":[`), b...)
	body = append(body, "]}"...)
	return response{
		status: http.StatusOK,
		body:   body,
		cookie: &http.Cookie{Name: CookieName, Value: tok, Path: "/", HttpOnly: true, Secure: s.hs != nil && s.hs.TLS != nil},
	}
}

func (s *Server) login(body []byte) response {
	var o dme.Object
	if err := o.UnmarshalJSON(body); err != nil || o.Class != "aaaUser" {
		return errResp(http.StatusBadRequest, "400", "login body must be {\"aaaUser\":{\"attributes\":{\"name\":…,\"pwd\":…}}}")
	}
	userOK := subtle.ConstantTimeCompare([]byte(o.Get("name")), []byte(s.user)) == 1
	pwdOK := subtle.ConstantTimeCompare([]byte(o.Get("pwd")), []byte(s.password)) == 1
	if !userOK || !pwdOK {
		return errResp(http.StatusUnauthorized, "401", "Username or password is incorrect - FAILED local authentication")
	}
	return s.issue("aaaLogin")
}

// valid returns the token of r if it is known and unexpired.
func (s *Server) valid(r *http.Request) (string, bool, bool) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return "", false, false
	}
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	exp, ok := s.auth.tokens[c.Value]
	if !ok {
		return c.Value, true, false
	}
	if !s.now().Before(exp) {
		delete(s.auth.tokens, c.Value)
		return c.Value, true, false
	}
	return c.Value, true, true
}

// authorize answers 403 with an NX-OS error body unless r carries a valid session cookie.
func (s *Server) authorize(r *http.Request) (response, bool) {
	_, present, ok := s.valid(r)
	if ok {
		return response{}, true
	}
	if !present {
		return errResp(http.StatusForbidden, "403", "Need a valid webtoken cookie (named APIC-Cookie) or a signed request with signature in the cookie."), false
	}
	return errResp(http.StatusForbidden, "403", "Token was invalid (Error: Token timeout)"), false
}

func (s *Server) refresh(r *http.Request) response {
	if resp, ok := s.authorize(r); !ok {
		return resp
	}
	return s.issue("aaaRefresh")
}

func (s *Server) logout(r *http.Request) response {
	tok, _, ok := s.valid(r)
	if !ok {
		resp, _ := s.authorize(r)
		return resp
	}
	s.auth.mu.Lock()
	delete(s.auth.tokens, tok)
	s.auth.mu.Unlock()
	return jsonOK(emptyAnswer)
}

// ExpireTokens invalidates every session now, as a switch reboot or a
// server-side timeout would; clients must log in again.
func (s *Server) ExpireTokens() {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	clear(s.auth.tokens)
}

// ValidTokens returns the number of NX-API logins whose token is still valid (login sessions, not
// BGP sessions).
func (s *Server) ValidTokens() int {
	now := s.now()
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	n := 0
	for _, exp := range s.auth.tokens {
		if now.Before(exp) {
			n++
		}
	}
	return n
}
