package nxostest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Server is a simulated NX-OS switch speaking NX-API REST over HTTP(S): one
// Server holds one DME tree. It is safe for concurrent use; writes are
// serialised as on a device and every POST is applied all-or-nothing.
type Server struct {
	hs       *httptest.Server
	user     string
	password string
	lifetime time.Duration
	hostname string
	now      func() time.Time
	log      *slog.Logger

	treeMu sync.RWMutex // write lock serialises configuration changes
	tree   *tree

	peerMu     sync.Mutex
	peerStates map[string]string // vrf|addr key -> forced operSt
	peersAlive bool
	// sessionSigs are the session settings each configured neighbor last had (vrf|addr key ->
	// signature), guarded by treeMu: a change resets the session (see syncPeers).
	sessionSigs map[string]string

	auth authState

	reqCount atomic.Int64
	faults   faultState

	logMu    sync.Mutex
	requests []Request

	hooks hookState
}

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the user name and password the switch accepts (default admin/admin).
func WithCredentials(user, password string) Option {
	return func(s *Server) { s.user, s.password = user, password }
}

// WithTokenLifetime sets how long a session token stays valid without refresh
// (default 600 s, reported as refreshTimeoutSeconds). Non-positive values are ignored.
func WithTokenLifetime(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.lifetime = d
		}
	}
}

// WithHostname sets the switch name, reported as topSystem.name (default "nxos-sim").
func WithHostname(name string) Option {
	return func(s *Server) {
		if name != "" {
			s.hostname = name
		}
	}
}

// WithClock replaces the clock used for token expiry and lastFlapTs, so tests
// can move time forward without waiting.
func WithClock(now func() time.Time) Option {
	return func(s *Server) {
		if now != nil {
			s.now = now
		}
	}
}

// WithLogger sets a logger for one debug line per request (default: discard).
// Request bodies and credentials are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) {
		if l != nil {
			s.log = l
		}
	}
}

func newServer(opts []Option) *Server {
	s := &Server{
		user: "admin", password: "admin", lifetime: 600 * time.Second, hostname: "nxos-sim",
		now: time.Now, log: slog.New(slog.DiscardHandler), peerStates: map[string]string{}, sessionSigs: map[string]string{},
	}
	for _, o := range opts {
		o(s)
	}
	s.tree = newTree(s.hostname)
	s.auth.tokens = map[string]time.Time{}
	return s
}

// NewServer starts a simulated switch on a plain-HTTP loopback listener.
func NewServer(opts ...Option) *Server {
	s := newServer(opts)
	s.hs = s.unstarted()
	s.hs.Start()
	return s
}

// NewTLSServer starts a simulated switch over HTTPS with a self-signed
// certificate; use CertPool or Client to verify it properly.
func NewTLSServer(opts ...Option) *Server {
	s := newServer(opts)
	s.hs = s.unstarted()
	s.hs.StartTLS()
	return s
}

// unstarted builds the HTTP server; its own error log (TLS handshake failures,
// aborted handlers) goes to the injected logger at debug level, never to stderr.
func (s *Server) unstarted() *httptest.Server {
	hs := httptest.NewUnstartedServer(s)
	hs.Config.ErrorLog = slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)
	return hs
}

// URL returns the base URL, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.hs.URL }

// Close shuts the server down and blocks until outstanding requests have completed.
func (s *Server) Close() {
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// Certificate returns the TLS certificate of a NewTLSServer (nil for plain HTTP).
func (s *Server) Certificate() *x509.Certificate { return s.hs.Certificate() }

// CertPool returns a pool holding the server certificate, for tls.Config.RootCAs
// (nil for plain HTTP).
func (s *Server) CertPool() *x509.CertPool {
	c := s.hs.Certificate()
	if c == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(c)
	return p
}

// Client returns a new HTTP client with a cookie jar (as go-nxos uses) that
// trusts the server certificate.
func (s *Server) Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	if pool := s.CertPool(); pool != nil {
		c.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	}
	return c
}

// response is what a handler produces; ServeHTTP writes it (slowly if asked).
type response struct {
	status int
	body   []byte
	cookie *http.Cookie
}

func jsonOK(body []byte) response { return response{status: http.StatusOK, body: body} }

func errResp(status int, code, text string) response {
	return response{status: status, body: (&dme.Error{Code: code, Text: text}).Body()}
}

var emptyAnswer = []byte(`{"totalCount":"0","imdata":[]}`)

// ServeHTTP implements http.Handler, so a Server can also be mounted in another mux.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.reqCount.Add(1)
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
	if hook := s.faults.hook(); hook != nil {
		hook(r)
	}
	if d := s.faults.latency(); d > 0 {
		if err := sleep(r.Context(), d); err != nil {
			rec.Status = 499
			s.record(rec)
			return
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		rec.Status = http.StatusBadRequest
		s.record(rec)
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	if f, ok := s.faults.match(r); ok {
		if f.Reset {
			rec.Status = 0
			s.record(rec)
			hijackClose(w)
			return
		}
		resp := errResp(f.Status, strconv.Itoa(f.Status), http.StatusText(f.Status))
		rec.Status = resp.status
		s.record(rec)
		s.write(r.Context(), w, resp)
		return
	}
	resp := s.route(r, body, &rec)
	rec.Status = resp.status
	s.record(rec)
	s.log.LogAttrs(r.Context(), slog.LevelDebug, "nxostest request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", resp.status))
	s.write(r.Context(), w, resp)
}

func hijackClose(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

func (s *Server) write(ctx context.Context, w http.ResponseWriter, resp response) {
	if resp.cookie != nil {
		http.SetCookie(w, resp.cookie)
	}
	w.Header().Set("Content-Type", "application/json")
	chunk, delay := s.faults.slowBody()
	if chunk <= 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(resp.body)))
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.body)
		return
	}
	w.WriteHeader(resp.status)
	bw := bufio.NewWriterSize(w, chunk)
	flusher, _ := w.(http.Flusher)
	for b := resp.body; len(b) > 0; {
		n := min(chunk, len(b))
		_, _ = bw.Write(b[:n])
		_ = bw.Flush()
		if flusher != nil {
			flusher.Flush()
		}
		b = b[n:]
		if len(b) > 0 && sleep(ctx, delay) != nil {
			return
		}
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// route dispatches one request after fault handling.
func (s *Server) route(r *http.Request, body []byte, rec *Request) response {
	p := r.URL.Path
	if strings.HasPrefix(p, "/api/node/") {
		p = "/api/" + strings.TrimPrefix(p, "/api/node/")
	}
	if !strings.HasPrefix(p, "/api/") || !strings.HasSuffix(p, ".json") {
		return errResp(http.StatusBadRequest, "400", fmt.Sprintf("unsupported URL %q (expected /api/…/….json)", r.URL.Path))
	}
	p = strings.TrimSuffix(strings.TrimPrefix(p, "/api/"), ".json")
	switch p {
	case "aaaLogin", "mo/aaaLogin":
		if r.Method != http.MethodPost {
			return errResp(http.StatusBadRequest, "400", "aaaLogin requires POST")
		}
		return s.login(body)
	case "aaaRefresh", "mo/aaaRefresh":
		return s.refresh(r)
	case "aaaLogout", "mo/aaaLogout":
		return s.logout(r)
	}
	if resp, ok := s.authorize(r); !ok {
		return resp
	}
	switch {
	case strings.HasPrefix(p, "mo/"):
		d, err := dme.ParseDN(strings.TrimPrefix(p, "mo/"))
		if err != nil {
			return errResp(http.StatusBadRequest, "400", err.Error())
		}
		rec.DN = d.String()
		switch r.Method {
		case http.MethodGet:
			s.refreshLive()
			return s.getMO(d, r.URL.Query())
		case http.MethodPost:
			rec.Body = string(body)
			return s.afterCommit(s.post(d, body))
		case http.MethodDelete:
			return s.afterCommit(s.deleteMO(d))
		}
		return errResp(http.StatusBadRequest, "400", fmt.Sprintf("method %s is not supported on %q", r.Method, d.String()))
	case strings.HasPrefix(p, "class/"):
		class := strings.TrimPrefix(p, "class/")
		rec.Class = class
		if r.Method != http.MethodGet {
			return errResp(http.StatusBadRequest, "400", fmt.Sprintf("method %s is not supported on class queries", r.Method))
		}
		s.refreshLive()
		return s.getClass(class, r.URL.Query())
	}
	return errResp(http.StatusBadRequest, "400", fmt.Sprintf("unsupported URL %q", r.URL.Path))
}

// post applies a POST body at d: check everything, apply to a copy, swap in.
func (s *Server) post(d dme.DN, body []byte) response {
	var root dme.Object
	if err := root.UnmarshalJSON(body); err != nil {
		return errResp(http.StatusBadRequest, "400", fmt.Sprintf("JSON parse error: %v", err))
	}
	if err := s.applyAt(d, &root, false); err != nil {
		var de *dme.Error
		if errors.As(err, &de) {
			return response{status: http.StatusBadRequest, body: de.Body()}
		}
		return errResp(http.StatusBadRequest, "400", err.Error())
	}
	return jsonOK([]byte(`{"totalCount":"0","imdata":[]}`))
}

// applyAt validates root as the object at d and merges it all-or-nothing.
// With preload set (Load), operational classes may be written and missing
// parents are created.
func (s *Server) applyAt(d dme.DN, root *dme.Object, preload bool) error {
	rns := d.RNs()
	last := rns[len(rns)-1]
	parentDN := d.Parent()
	s.treeMu.Lock()
	defer s.treeMu.Unlock()
	parentClass := ""
	c, _, err := dme.ResolveDN(d)
	if err != nil {
		return err
	}
	if !parentDN.IsZero() && !preload && s.tree.lookup(parentDN) == nil {
		return &dme.Error{Code: "102", Text: fmt.Sprintf("configured object ((Dn0)) not found Dn0=%s, ", d.String())}
	}
	if !parentDN.IsZero() {
		pc, _, _ := dme.ResolveDN(parentDN)
		parentClass = pc.Name
	}
	if root.Class != c.Name {
		return fmt.Errorf("body class %q does not match DN %q (class %s)", root.Class, d.String(), c.Name)
	}
	if dn := root.Get("dn"); dn != "" {
		bd, err := dme.ParseDN(dn)
		if err != nil || !bd.Equal(d) {
			return fmt.Errorf("body dn %q does not match URL DN %q", dn, d.String())
		}
	}
	root = root.Clone()
	if rn := root.Get("rn"); rn == "" || len(c.Naming) > 0 {
		root.Set("rn", last)
	}
	if err := rejection(d, dme.Check(parentClass, root), preload); err != nil {
		return err
	}
	next := s.tree.clone()
	var parent *node
	if parentDN.IsZero() {
		parent = next.top
	} else if parent = next.lookup(parentDN); parent == nil {
		if parent, err = next.ensure(parentDN); err != nil {
			return err
		}
	}
	if root.Get("status") == "deleted" && parentDN.IsZero() {
		return &dme.Error{Code: "107", Text: "cannot delete object of class topSystem"}
	}
	if err := apply(parent, root); err != nil {
		return err
	}
	s.syncPeers(next)
	s.tree = next
	return nil
}

func (s *Server) deleteMO(d dme.DN) response {
	if d.Parent().IsZero() {
		return errResp(http.StatusBadRequest, "107", "cannot delete object of class topSystem")
	}
	s.treeMu.Lock()
	defer s.treeMu.Unlock()
	if n := s.tree.lookup(d); n != nil && n.class.Operational {
		return errResp(http.StatusBadRequest, "107", fmt.Sprintf("cannot delete operational object %s", d.String()))
	}
	if parent := s.tree.lookup(d.Parent()); parent != nil {
		k, _ := dme.RNKey(d.Last())
		parent.remove(k)
	}
	return jsonOK(emptyAnswer)
}

// Get returns a deep copy of the subtree at dn as stored (write-only
// properties included, no dn/rn properties), or nil if there is none.
func (s *Server) Get(dn string) *dme.Object {
	d, err := dme.ParseDN(dn)
	if err != nil {
		return nil
	}
	s.treeMu.RLock()
	defer s.treeMu.RUnlock()
	n := s.tree.lookup(d)
	if n == nil || n.class == nil {
		return nil
	}
	return render{}.object(n, -1)
}

// Dump returns a deep copy of the whole tree from "sys", as Get("sys").
func (s *Server) Dump() *dme.Object { return s.Get("sys") }

// Load preloads state, e.g. a foreign neighbor or route-map the code under test
// must leave alone. obj is placed at its "dn" property, or at "sys" when it is a
// topSystem; missing parents are created. It is checked like a POST except that
// operational classes (bgpPeerEntry) may be loaded.
func (s *Server) Load(obj *dme.Object) error {
	if obj == nil {
		return fmt.Errorf("nxostest: Load: nil object")
	}
	dn := obj.Get("dn")
	if dn == "" {
		if obj.Class != "topSystem" {
			return fmt.Errorf("nxostest: Load: %s object without \"dn\" property", obj.Class)
		}
		dn = "sys"
	}
	d, err := dme.ParseDN(dn)
	if err != nil {
		return fmt.Errorf("nxostest: Load: %w", err)
	}
	if err := s.applyAt(d, obj, true); err != nil {
		return fmt.Errorf("nxostest: Load %q: %w", dn, err)
	}
	return nil
}

// DoJSON is a small helper for tests and examples: it sends method to
// s.URL()+path with body through c and returns the status and answer.
func DoJSON(ctx context.Context, c *http.Client, method, u string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
