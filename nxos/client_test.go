package nxos

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/design"
)

const trickyPassword = `pa"ss\word\"}` + "\n" + `,"x":"`

func newTestClient(t *testing.T, url, user, password string, mod func(*Options)) *Client {
	t.Helper()
	o := Options{URL: url, Credentials: Credentials{Username: user, Password: design.NewSecret(password)},
		RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond}
	if mod != nil {
		mod(&o)
	}
	c, err := NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoginEscapesPassword(t *testing.T) {
	f, srv := newFakeNXAPI(t, `ad"min`, trickyPassword)
	c := newTestClient(t, srv.URL, `ad"min`, trickyPassword, nil)
	if _, err := c.Get(context.Background(), "sys/bgp", nil); err != nil {
		t.Fatalf("GET after login with a password holding quotes and backslashes: %v", err)
	}
	if got := f.logins.Load(); got != 1 {
		t.Fatalf("logins = %d, want 1", got)
	}

	bad := newTestClient(t, srv.URL, `ad"min`, `wrong"\`, nil)
	err := bad.Login(context.Background())
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.User != `ad"min` {
		t.Fatalf("wrong password: got %v, want *AuthError with status 401", err)
	}
	if strings.Contains(err.Error(), `wrong"\`) {
		t.Fatalf("error reveals the password: %v", err)
	}
}

func TestTokenRefreshAfterLifetimeDoesNotDeadlock(t *testing.T) {
	f, srv := newFakeNXAPI(t, "admin", "pw")
	c := newTestClient(t, srv.URL, "admin", "pw", nil)
	now := time.Now()
	c.now = func() time.Time { return now }
	ctx := context.Background()
	if _, err := c.Get(ctx, "sys", nil); err != nil {
		t.Fatal(err)
	}
	now = now.Add(DefaultRefreshAfter + 20*time.Second) // the token is now older than 480 s
	done := make(chan error, 1)
	go func() { _, err := c.Get(ctx, "sys", nil); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("request with a token older than 480 s did not return (deadlock)")
	}
	if f.refresh.Load() != 1 || f.logins.Load() != 1 {
		t.Fatalf("refreshes = %d, logins = %d; want 1 refresh and 1 login", f.refresh.Load(), f.logins.Load())
	}

	// A refresh the switch refuses (token expired there) falls back to a login.
	f.expireAll()
	now = now.Add(DefaultRefreshAfter + time.Second)
	if _, err := c.Get(ctx, "sys", nil); err != nil {
		t.Fatal(err)
	}
	if f.logins.Load() != 2 {
		t.Fatalf("logins = %d after a refused refresh, want 2", f.logins.Load())
	}
}

func TestTimeoutIsADuration(t *testing.T) {
	f, srv := newFakeNXAPI(t, "admin", "pw")
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.answer = func(w http.ResponseWriter, r *http.Request, _ int64) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	c := newTestClient(t, srv.URL, "admin", "pw", func(o *Options) { o.Timeout = 100 * time.Millisecond; o.Retries = -1 })
	if c.nx.HttpClient.Timeout != 100*time.Millisecond {
		t.Fatalf("http.Client.Timeout = %v, want 100ms", c.nx.HttpClient.Timeout)
	}
	start := time.Now()
	_, err := c.Get(context.Background(), "sys", nil)
	if err == nil {
		t.Fatal("GET of a hanging switch succeeded")
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("timeout of 100ms took %v", el)
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		failures  int // answers of status before success
		status    int
		retries   int
		wantErr   bool
		wantCalls int64
	}{
		{"GET 503 twice then success", http.MethodGet, 2, 503, 3, false, 3},
		{"POST 500 once then success", http.MethodPost, 1, 500, 3, false, 2},
		{"GET 503 beyond the retry budget", http.MethodGet, 5, 503, 2, true, 3},
		{"POST 400 is never retried", http.MethodPost, 5, 400, 3, true, 1},
		{"GET 404 is never retried", http.MethodGet, 5, 404, 3, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeNXAPI(t, "admin", "pw")
			var calls atomic.Int64
			f.answer = func(w http.ResponseWriter, r *http.Request, _ int64) {
				if calls.Add(1) <= int64(tt.failures) {
					writeErr(w, tt.status, "1", "busy")
					return
				}
				_, _ = w.Write([]byte(`{"imdata":[]}`))
			}
			c := newTestClient(t, srv.URL, "admin", "pw", func(o *Options) { o.Retries = tt.retries })
			var err error
			if tt.method == http.MethodGet {
				_, err = c.Get(context.Background(), "sys", nil)
			} else {
				err = c.Post(context.Background(), "sys", nil)
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if calls.Load() != tt.wantCalls {
				t.Fatalf("switch saw %d attempts, want %d", calls.Load(), tt.wantCalls)
			}
			var ae *APIError
			if tt.wantErr && (!errors.As(err, &ae) || ae.Status != tt.status || ae.Code != "1" || ae.Text != "busy" || ae.DN != "sys") {
				t.Fatalf("err = %#v, want *APIError{Status: %d, Code: 1, Text: busy, DN: sys}", err, tt.status)
			}
		})
	}
}

func TestBackoffHonoursContext(t *testing.T) {
	f, srv := newFakeNXAPI(t, "admin", "pw")
	f.answer = func(w http.ResponseWriter, r *http.Request, _ int64) { writeErr(w, 503, "1", "busy") }
	c := newTestClient(t, srv.URL, "admin", "pw", func(o *Options) {
		o.Retries = 10
		o.RetryMin, o.RetryMax = time.Minute, time.Hour
	})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Get(ctx, "sys", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("cancelled retry wait took %v", el)
	}
}

func TestReloginOnceWhenSessionDropped(t *testing.T) {
	f, srv := newFakeNXAPI(t, "admin", "pw")
	c := newTestClient(t, srv.URL, "admin", "pw", nil)
	ctx := context.Background()
	if _, err := c.Get(ctx, "sys", nil); err != nil {
		t.Fatal(err)
	}
	f.expireAll() // the switch rebooted
	if err := c.Post(ctx, "sys", nil); err != nil {
		t.Fatalf("POST after the switch dropped the session: %v", err)
	}
	if f.logins.Load() != 2 {
		t.Fatalf("logins = %d, want 2", f.logins.Load())
	}

	// A switch that refuses every request even after a fresh login: one re-login, then *APIError.
	f.answer = func(w http.ResponseWriter, r *http.Request, _ int64) { writeErr(w, 403, "403", "not authorized") }
	err := c.Post(ctx, "sys", nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 403 {
		t.Fatalf("err = %v, want *APIError status 403", err)
	}
	if f.logins.Load() != 3 {
		t.Fatalf("logins = %d, want exactly one more (3)", f.logins.Load())
	}
}

func TestErrorBodyIn2xx(t *testing.T) {
	f, srv := newFakeNXAPI(t, "admin", "pw")
	f.answer = func(w http.ResponseWriter, r *http.Request, _ int64) {
		_, _ = w.Write([]byte(`{"imdata":[{"error":{"attributes":{"code":"102","text":"configured object ((Dn0)) not found Dn0=sys\/ipv4\/inst\/dom-x, "}}}]}`))
	}
	c := newTestClient(t, srv.URL, "admin", "pw", nil)
	err := c.Post(context.Background(), "sys/ipv4/inst/dom-x", nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 200 || ae.Code != "102" || !strings.Contains(ae.Text, "sys/ipv4/inst/dom-x") || ae.DN != "sys/ipv4/inst/dom-x" {
		t.Fatalf("err = %#v", err)
	}
}

func TestTLSVerification(t *testing.T) {
	f := &fakeNXAPI{t: t, user: "admin", password: "pw", tokens: map[string]bool{}}
	srv := httptest.NewUnstartedServer(f)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	ctx := context.Background()

	// Retries stay at their default: an untrusted certificate is not a passing fault, so the
	// client must fail at once instead of backing off.
	def := newTestClient(t, srv.URL, "admin", "pw", func(o *Options) { o.RetryMin, o.RetryMax = time.Second, time.Second })
	start := time.Now()
	err := def.Login(ctx)
	var uerr x509.UnknownAuthorityError
	if !errors.As(err, &uerr) {
		t.Fatalf("default client accepted a self-signed certificate: err = %v", err)
	}
	if d := time.Since(start); d > 900*time.Millisecond || def.Stats().Retries != 0 {
		t.Errorf("certificate error retried: %d retries in %s", def.Stats().Retries, d)
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	withCA := newTestClient(t, srv.URL, "admin", "pw", func(o *Options) { o.RootCAs = pool })
	if err := withCA.Login(ctx); err != nil {
		t.Fatalf("client with the server's CA: %v", err)
	}
	insecure := newTestClient(t, srv.URL, "admin", "pw", func(o *Options) { o.Insecure = true })
	if err := insecure.Login(ctx); err != nil {
		t.Fatalf("insecure client: %v", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	cred := Credentials{Username: "admin", Password: design.NewSecret("pw")}
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no scheme", Options{URL: "leaf1", Credentials: cred}, `"leaf1"`},
		{"path", Options{URL: "https://leaf1/api", Credentials: cred}, `"https://leaf1/api"`},
		{"no user", Options{URL: "https://leaf1"}, "Username"},
		{"negative timeout", Options{URL: "https://leaf1", Credentials: cred, Timeout: -time.Second}, "Timeout"},
		{"max below min", Options{URL: "https://leaf1", Credentials: cred, RetryMin: time.Second, RetryMax: time.Millisecond}, "RetryMax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewClient(tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want mention of %s", err, tt.want)
			}
		})
	}
	c, err := NewClient(Options{URL: "https://leaf1:8443/", Credentials: cred})
	if err != nil {
		t.Fatal(err)
	}
	if c.URL() != "https://leaf1:8443" || c.opts.Timeout != DefaultTimeout || c.opts.Retries != DefaultRetries {
		t.Fatalf("defaults not applied: %+v", c.opts)
	}
}

func TestCredentialsRedact(t *testing.T) {
	cr := Credentials{Username: "admin", Password: design.NewSecret("hunter2")}
	var buf bytes.Buffer
	lg := slog.New(slog.NewJSONHandler(&buf, nil))
	lg.Info("x", "creds", cr)
	lg.Info("y", slog.Any("creds", cr))
	for _, s := range []string{fmt.Sprint(cr), fmt.Sprintf("%v %+v %#v %s", cr, cr, cr, cr), buf.String(), cr.String()} {
		if strings.Contains(s, "hunter2") {
			t.Fatalf("credentials leaked: %s", s)
		}
		if !strings.Contains(s, "admin") {
			t.Fatalf("user name missing: %s", s)
		}
	}
}

// TestNoOutputAndNoSecretsInLogs runs logins, refreshes, retries, a dropped
// session and refused requests with a debug logger, while the global log
// package and os.Stdout/os.Stderr are redirected: nothing may reach them, and
// the debug records must not contain the password, any token or the cookie.
func TestNoOutputAndNoSecretsInLogs(t *testing.T) {
	const password = `s3cr"et\pw`
	f, srv := newFakeNXAPI(t, "admin", password)
	var calls atomic.Int64
	f.answer = func(w http.ResponseWriter, r *http.Request, _ int64) {
		n := calls.Add(1)
		switch {
		case n%3 == 1:
			writeErr(w, 503, "1", "busy")
		case r.Method == http.MethodPost && n%2 == 0:
			writeErr(w, 400, "107", "bad value")
		default:
			_, _ = w.Write([]byte(`{"imdata":[]}`))
		}
	}

	var logs bytes.Buffer
	lg := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, srv.URL, "admin", password, func(o *Options) { o.Logger = lg })
	now := time.Now()
	c.now = func() time.Time { return now }

	var global bytes.Buffer
	log.SetOutput(&global)
	defer log.SetOutput(os.Stderr)
	stdout, stderr := os.Stdout, os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout, os.Stderr = w, w
	captured := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); captured <- b }()

	ctx := context.Background()
	for i := 0; i < 6; i++ {
		_, _ = c.Get(ctx, "sys/bgp", nil)
		_ = c.Post(ctx, "sys", nil)
		if i == 2 {
			f.expireAll()
		}
		if i == 3 {
			now = now.Add(10 * time.Minute)
		}
	}
	_ = c.Logout(ctx)

	os.Stdout, os.Stderr = stdout, stderr
	_ = w.Close()
	out := <-captured
	if len(out) > 0 || global.Len() > 0 {
		t.Fatalf("client wrote output: stdout/stderr %q, global log %q", out, global.String())
	}
	if f.logins.Load() < 2 || f.refresh.Load() < 1 || c.Stats().Retries < 1 {
		t.Fatalf("the run did not exercise re-login, refresh and retries: logins %d, refreshes %d, %+v", f.logins.Load(), f.refresh.Load(), c.Stats())
	}
	text := logs.String()
	if !strings.Contains(text, `"level":"DEBUG"`) {
		t.Fatalf("no debug records were logged: %q", text)
	}
	var tokens []string
	for i := 1; i <= 20; i++ {
		tokens = append(tokens, fmt.Sprintf("tok-%d-secretvalue", i))
	}
	if n, ok := hasAny(text, append(tokens, password, `s3cr\"et`, "secretvalue", cookieName)...); ok {
		t.Fatalf("debug log contains %q:\n%s", n, text)
	}
}

func TestFirstIsError(t *testing.T) {
	for _, tc := range []struct {
		body string
		want bool
	}{
		{`{"imdata":[{"error":{"attributes":{"code":"102","text":"not found"}}}]}`, true},
		{`{"totalCount":"1","imdata":[{"error":{"attributes":{"code":"1","text":"x"}}}]}`, true},
		{`{"totalCount":"1","imdata":[{"bgpPeer":{"attributes":{"name":"error","descr":"\"error\""}}}]}`, false},
		{`{"totalCount":"0","imdata":[]}`, false},
		{`{"imdata":[{"topSystem":{"children":[{"error":{"attributes":{}}}]}}]}`, false},
		{`not json "error"`, false},
	} {
		if got := firstIsError([]byte(tc.body)); got != tc.want {
			t.Errorf("firstIsError(%s) = %v, want %v", tc.body, got, tc.want)
		}
	}
}
