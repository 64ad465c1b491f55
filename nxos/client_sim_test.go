package nxos

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// fakeClock is a clock shared by the simulator and the client.
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

func TestClientRefreshesBeforeTheSwitchLifetime(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	sim := newSim(t, nxostest.WithTokenLifetime(60*time.Second), nxostest.WithClock(clk.now))
	c := simClient(t, sim, nil)
	c.now = clk.now
	ctx := context.Background()
	for i := 0; i < 5; i++ { // 5 × 50 s: far beyond one token lifetime
		if _, err := c.Get(ctx, "sys", nil); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		clk.add(50 * time.Second)
	}
	logins, refreshes := 0, 0
	for _, r := range sim.Requests() {
		switch {
		case r.Status == http.StatusForbidden:
			t.Fatalf("the switch refused an expired token: %+v", r)
		case r.Path == "/api/aaaLogin.json":
			logins++
		case r.Path == "/api/aaaRefresh.json":
			refreshes++
		}
	}
	if logins != 1 || refreshes != 4 {
		t.Fatalf("logins %d, refreshes %d; want 1 login and a refresh before each later request", logins, refreshes)
	}
}

func TestClientOverTLSWithSimulator(t *testing.T) {
	const pw = `ad"m\in`
	sim := nxostest.NewTLSServer(nxostest.WithCredentials("admin", pw))
	defer sim.Close()
	mk := func(mod func(*Options)) *Client {
		return simClient(t, sim, func(o *Options) {
			o.Credentials.Password = design.NewSecret(pw)
			o.Retries = -1
			if mod != nil {
				mod(o)
			}
		})
	}
	ctx := context.Background()
	var ua x509.UnknownAuthorityError
	if _, err := mk(nil).Get(ctx, "sys", nil); !errors.As(err, &ua) {
		t.Fatalf("default client trusted a self-signed switch: %v", err)
	}
	if _, err := mk(func(o *Options) { o.RootCAs = sim.CertPool() }).Get(ctx, "sys", nil); err != nil {
		t.Fatalf("client with the switch's CA (password with quote and backslash): %v", err)
	}
	var ae *AuthError
	if err := mk(func(o *Options) { o.RootCAs = sim.CertPool(); o.Credentials.Password = design.NewSecret(`ad"m\i`) }).Login(ctx); !errors.As(err, &ae) {
		t.Fatalf("wrong password: %v, want *AuthError", err)
	}
}
