package nxostest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for token expiry.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestLogin(t *testing.T) {
	s := NewServer(WithCredentials("ops", `p"w`))
	defer s.Close()
	c := s.Client()
	ctx := context.Background()

	for _, path := range []string{"/api/aaaLogin.json", "/api/mo/aaaLogin.json"} {
		st, body, err := DoJSON(ctx, c, http.MethodPost, s.URL()+path, []byte(`{"aaaUser":{"attributes":{"name":"ops","pwd":"p\"w"}}}`))
		if err != nil || st != http.StatusOK {
			t.Fatalf("%s: %d %s %v", path, st, body, err)
		}
		var ans struct {
			Imdata []struct {
				AaaLogin struct {
					Attributes map[string]string `json:"attributes"`
				} `json:"aaaLogin"`
			} `json:"imdata"`
		}
		if err := json.Unmarshal(body, &ans); err != nil || len(ans.Imdata) != 1 {
			t.Fatalf("%s: %s", path, body)
		}
		a := ans.Imdata[0].AaaLogin.Attributes
		if a["token"] == "" || a["refreshTimeoutSeconds"] != "600" {
			t.Errorf("%s: attributes %v", path, a)
		}
		u, _ := http.NewRequest(http.MethodGet, s.URL(), nil)
		var cookie string
		for _, ck := range c.Jar.Cookies(u.URL) {
			if ck.Name == CookieName {
				cookie = ck.Value
			}
		}
		if cookie != a["token"] {
			t.Errorf("%s: cookie %q, token %q", path, cookie, a["token"])
		}
	}

	se := &session{t: t, s: s, c: c}
	if objs := se.get("/api/mo/sys.json"); len(objs) != 1 || objs[0].Class != "topSystem" {
		t.Errorf("GET sys after login: %v", objs)
	}
	// Wrong credentials: 401 with an NX-OS error body.
	st, e := (&session{t: t, s: s, c: s.Client()}).fail(http.MethodPost, "/api/aaaLogin.json", `{"aaaUser":{"attributes":{"name":"ops","pwd":"admin"}}}`)
	if st != http.StatusUnauthorized || e.Code != "401" {
		t.Errorf("bad password: %d %+v", st, e)
	}
	// No cookie: 403 everywhere but login.
	anon := &session{t: t, s: s, c: &http.Client{}}
	for _, p := range []string{"/api/mo/sys.json", "/api/class/bgpPeer.json", "/api/aaaRefresh.json", "/api/node/mo/sys.json"} {
		if st, e := anon.fail(http.MethodGet, p, ""); st != http.StatusForbidden || e.Code != "403" {
			t.Errorf("anonymous GET %s: %d %+v", p, st, e)
		}
	}
	// Logout ends the session.
	if st, _ := se.do(http.MethodPost, "/api/aaaLogout.json", ""); st != http.StatusOK {
		t.Errorf("logout: %d", st)
	}
	if st, _ := se.fail(http.MethodGet, "/api/mo/sys.json", ""); st != http.StatusForbidden {
		t.Errorf("after logout: %d", st)
	}
}

func TestTokenLifetimeRefreshExpire(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s, se := start(t, WithClock(clk.now), WithTokenLifetime(100*time.Second))
	clk.add(90 * time.Second)
	st, body := se.do(http.MethodGet, "/api/aaaRefresh.json", "")
	if st != http.StatusOK || !strings.Contains(string(body), `"aaaRefresh"`) || !strings.Contains(string(body), `"refreshTimeoutSeconds":"100"`) {
		t.Fatalf("refresh: %d %s", st, body)
	}
	clk.add(90 * time.Second) // 180 s after login, 90 s after refresh
	se.get("/api/mo/sys.json")
	clk.add(11 * time.Second)
	if st, e := se.fail(http.MethodGet, "/api/mo/sys.json", ""); st != http.StatusForbidden || !strings.Contains(e.Text, "Token") {
		t.Errorf("expired token: %d %+v", st, e)
	}
	se = login(t, s)
	se.get("/api/mo/sys.json")
	if s.ValidTokens() != 1 {
		t.Errorf("ValidTokens = %d", s.ValidTokens())
	}
	s.ExpireTokens()
	if st, _ := se.fail(http.MethodGet, "/api/mo/sys.json", ""); st != http.StatusForbidden {
		t.Errorf("after ExpireTokens: %d", st)
	}
	login(t, s).get("/api/mo/sys.json")
}

func TestTLS(t *testing.T) {
	s := NewTLSServer(WithHostname("leaf2101"))
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "https://") || s.Certificate() == nil || s.CertPool() == nil {
		t.Fatalf("TLS server: %s", s.URL())
	}
	if _, _, err := DoJSON(context.Background(), &http.Client{}, http.MethodPost, s.URL()+"/api/aaaLogin.json", nil); err == nil {
		t.Error("an unverifying client reached the TLS server")
	}
	se := login(t, s)
	if objs := se.get("/api/mo/sys.json"); objs[0].Get("name") != "leaf2101" {
		t.Errorf("hostname: %v", objs[0])
	}
	plain := NewServer()
	defer plain.Close()
	if plain.CertPool() != nil || plain.Certificate() != nil {
		t.Error("plain server has a certificate")
	}
}
