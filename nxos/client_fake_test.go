package nxos

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeNXAPI is a minimal NX-API endpoint for transport tests: it checks logins
// strictly (JSON decoded with encoding/json), hands out numbered tokens as the
// APIC-cookie, and answers other requests through a per-test hook.
type fakeNXAPI struct {
	t        *testing.T
	user     string
	password string

	mu       sync.Mutex
	tokens   map[string]bool
	next     int
	logins   atomic.Int64
	refresh  atomic.Int64
	requests atomic.Int64
	// answer handles authenticated non-auth requests; nil answers {"imdata":[]}.
	answer func(w http.ResponseWriter, r *http.Request, n int64)
}

func newFakeNXAPI(t *testing.T, user, password string) (*fakeNXAPI, *httptest.Server) {
	f := &fakeNXAPI{t: t, user: user, password: password, tokens: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeNXAPI) issue() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	tok := "tok-" + strconv.Itoa(f.next) + "-secretvalue"
	f.tokens[tok] = true
	return tok
}

// expireAll invalidates every token, as a switch that dropped its sessions.
func (f *fakeNXAPI) expireAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = map[string]bool{}
}

func (f *fakeNXAPI) valid(r *http.Request) bool {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens[ck.Value]
}

func writeErr(w http.ResponseWriter, status int, code, text string) {
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"imdata": []any{map[string]any{"error": map[string]any{"attributes": map[string]string{"code": code, "text": text}}}}})
	_, _ = w.Write(b)
}

func (f *fakeNXAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.requests.Add(1)
	switch r.URL.Path {
	case "/api/aaaLogin.json":
		var body struct {
			AaaUser struct {
				Attributes struct {
					Name string `json:"name"`
					Pwd  string `json:"pwd"`
				} `json:"attributes"`
			} `json:"aaaUser"`
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			writeErr(w, http.StatusBadRequest, "400", "malformed login JSON: "+err.Error())
			return
		}
		if body.AaaUser.Attributes.Name != f.user || body.AaaUser.Attributes.Pwd != f.password {
			writeErr(w, http.StatusUnauthorized, "401", "Authentication failed")
			return
		}
		f.logins.Add(1)
		tok := f.issue()
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: tok})
		_, _ = w.Write([]byte(`{"imdata":[{"aaaLogin":{"attributes":{"token":"` + tok + `","refreshTimeoutSeconds":"600"}}}]}`))
		return
	case "/api/aaaRefresh.json":
		if !f.valid(r) {
			writeErr(w, http.StatusForbidden, "403", "Token was invalid (Error: Token timeout)")
			return
		}
		f.refresh.Add(1)
		tok := f.issue()
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: tok})
		_, _ = w.Write([]byte(`{"imdata":[{"aaaRefresh":{"attributes":{"token":"` + tok + `"}}}]}`))
		return
	}
	if !f.valid(r) {
		writeErr(w, http.StatusForbidden, "403", "Token was invalid (Error: Token timeout)")
		return
	}
	if f.answer != nil {
		f.answer(w, r, n)
		return
	}
	_, _ = w.Write([]byte(`{"totalCount":"0","imdata":[]}`))
}

// hasAny reports whether s contains any of the needles.
func hasAny(s string, needles ...string) (string, bool) {
	for _, n := range needles {
		if n != "" && strings.Contains(s, n) {
			return n, true
		}
	}
	return "", false
}
