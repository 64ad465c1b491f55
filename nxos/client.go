package nxos

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	gonxos "github.com/netascode/go-nxos"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Defaults for Options fields left zero.
const (
	DefaultTimeout      = 60 * time.Second
	DefaultRetries      = 3
	DefaultRetryMin     = 500 * time.Millisecond
	DefaultRetryMax     = 15 * time.Second
	DefaultRefreshAfter = 480 * time.Second
)

// Options configure a Client. They are validated by NewClient, which does no I/O.
type Options struct {
	// URL is the switch's NX-API base URL, "https://leaf1.example.net" or with a
	// port; no path.
	URL string
	// Credentials log in to the switch.
	Credentials Credentials
	// Insecure turns TLS certificate verification off. Verification is on
	// unless this is set; prefer RootCAs for switches with private certificates.
	Insecure bool
	// RootCAs verifies the switch's certificate; nil means the system pool.
	RootCAs *x509.CertPool
	// Timeout bounds each HTTP attempt; 0 means DefaultTimeout.
	Timeout time.Duration
	// Retries is how many times a request that is safe to repeat is retried
	// after a transport error or a 5xx answer; 0 means DefaultRetries,
	// negative means none.
	Retries int
	// RetryMin and RetryMax bound the exponential backoff between retries;
	// 0 means DefaultRetryMin / DefaultRetryMax.
	RetryMin, RetryMax time.Duration
	// RefreshAfter is the token age after which it is refreshed before the
	// next request; 0 means DefaultRefreshAfter (NX-OS tokens live 600 s).
	// A switch that announces a shorter refreshTimeoutSeconds at login is
	// refreshed after four fifths of that.
	RefreshAfter time.Duration
	// Logger receives debug records of requests (method, DN, status, time;
	// never bodies, tokens or passwords). Nil discards.
	Logger *slog.Logger
	// Transport replaces the HTTP transport (proxies, tests); Insecure and
	// RootCAs are then the transport's business.
	Transport http.RoundTripper
}

func (o *Options) retries() int {
	if o.Retries < 0 {
		return 0
	}
	return o.Retries
}

// validate checks o and fills defaults.
func (o *Options) validate() error {
	u, err := url.Parse(o.URL)
	if err != nil {
		return fmt.Errorf("nxos: Options.URL %q: %w", o.URL, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("nxos: Options.URL %q: scheme must be https or http", o.URL)
	}
	if u.Host == "" {
		return fmt.Errorf("nxos: Options.URL %q: no host", o.URL)
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("nxos: Options.URL %q: must be scheme://host[:port] only", o.URL)
	}
	o.URL = strings.TrimSuffix(o.URL, "/")
	if o.Credentials.Username == "" {
		return fmt.Errorf("nxos: Options.Credentials.Username is empty")
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"Timeout", o.Timeout}, {"RetryMin", o.RetryMin}, {"RetryMax", o.RetryMax}, {"RefreshAfter", o.RefreshAfter}} {
		if d.v < 0 {
			return fmt.Errorf("nxos: Options.%s %v is negative", d.name, d.v)
		}
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	if o.RetryMin == 0 {
		o.RetryMin = DefaultRetryMin
	}
	if o.RetryMax == 0 {
		o.RetryMax = DefaultRetryMax
	}
	if o.RetryMax < o.RetryMin {
		return fmt.Errorf("nxos: Options.RetryMax %v is below RetryMin %v", o.RetryMax, o.RetryMin)
	}
	if o.RefreshAfter == 0 {
		o.RefreshAfter = DefaultRefreshAfter
	}
	return nil
}

// Client talks NX-API REST to one switch. It is safe for concurrent use.
//
// It is built on github.com/netascode/go-nxos (client construction and request
// building) but drives authentication, cookies, retries and logging itself:
// login JSON is escaped properly, a session the switch dropped is
// re-established once per request, a token refresh can never deadlock, every
// wait honours the context, and nothing is written to stdout, stderr or the
// global log package.
type Client struct {
	opts Options
	nx   *gonxos.Client
	log  *slog.Logger
	now  func() time.Time

	authSem      chan struct{} // guards token, issued and refreshAfter; a channel so waiting honours ctx
	token        string
	issued       time.Time
	refreshAfter time.Duration // token age that triggers a refresh

	requests, retries, logins atomic.Int64
}

// NewClient validates opts and returns a Client. It does no I/O: the first
// request logs in.
func NewClient(opts Options) (*Client, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	// The password is not handed to go-nxos: its Login (Sprintf JSON) is never used.
	nx, err := gonxos.NewClient(opts.URL, opts.Credentials.Username, "", opts.Insecure, gonxos.MaxRetries(0))
	if err != nil {
		return nil, fmt.Errorf("nxos: %w", err)
	}
	nx.HttpClient.Timeout = opts.Timeout // a time.Duration, not go-nxos's seconds multiplier
	nx.HttpClient.Jar = nil              // the session cookie is set per request
	if opts.Transport != nil {
		nx.HttpClient.Transport = opts.Transport
	} else if tr, ok := nx.HttpClient.Transport.(*http.Transport); ok {
		tr.TLSClientConfig = &tls.Config{
			MinVersion:         tls.VersionTLS12,
			RootCAs:            opts.RootCAs,
			InsecureSkipVerify: opts.Insecure, //nolint:gosec // explicit opt-in
			ClientSessionCache: tls.NewLRUClientSessionCache(0),
		}
	}
	lg := opts.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Client{opts: opts, nx: nx, log: lg, now: time.Now, authSem: make(chan struct{}, 1), refreshAfter: opts.RefreshAfter}, nil
}

// URL returns the switch's base URL.
func (c *Client) URL() string { return c.opts.URL }

// Stats counts a client's HTTP traffic since it was created.
type Stats struct {
	Requests int64 // HTTP attempts, logins and retries included
	Retries  int64 // attempts that repeated an earlier one
	Logins   int64 // successful logins
}

// Stats returns the client's request counters.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.requests.Load(), Retries: c.retries.Load(), Logins: c.logins.Load()}
}

// Get reads the object at dn with the query parameters q (rsp-subtree,
// query-target, …) and returns the objects of the answer. A DN that does not
// exist yields no objects and no error. GETs are retried on 5xx and transport
// errors.
func (c *Client) Get(ctx context.Context, dn string, q url.Values) ([]*dme.Object, error) {
	if _, err := dme.ParseDN(dn); err != nil {
		return nil, fmt.Errorf("nxos: Get: %w", err)
	}
	return c.get(ctx, "/api/mo/"+dn, dn, q)
}

// GetClass reads every object of class with the query parameters q.
func (c *Client) GetClass(ctx context.Context, class string, q url.Values) ([]*dme.Object, error) {
	if class == "" || strings.ContainsAny(class, "/?#") {
		return nil, fmt.Errorf("nxos: GetClass: bad class name %q", class)
	}
	return c.get(ctx, "/api/class/"+class, "class/"+class, q)
}

func (c *Client) get(ctx context.Context, path, dn string, q url.Values) ([]*dme.Object, error) {
	b, err := c.do(ctx, http.MethodGet, path, dn, q, nil, true)
	if err != nil {
		return nil, err
	}
	objs, err := dme.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("nxos: GET %q: %w", dn, err)
	}
	return objs, nil
}

// Post merges obj into the tree at dn (obj's class must be the class of dn).
// The switch applies one POST as one transaction. A POST is retried on 5xx
// and transport errors: its body states the complete wanted value of every
// property and object it names (deletions included), so applying it twice
// leaves the same tree as applying it once.
func (c *Client) Post(ctx context.Context, dn string, obj *dme.Object) error {
	if _, err := dme.ParseDN(dn); err != nil {
		return fmt.Errorf("nxos: Post: %w", err)
	}
	body, err := obj.MarshalJSON()
	if err != nil {
		return fmt.Errorf("nxos: Post %q: %w", dn, err)
	}
	_, err = c.do(ctx, http.MethodPost, "/api/mo/"+dn, dn, nil, body, true)
	return err
}

// Delete removes dn and its subtree.
func (c *Client) Delete(ctx context.Context, dn string) error {
	if _, err := dme.ParseDN(dn); err != nil {
		return fmt.Errorf("nxos: Delete: %w", err)
	}
	_, err := c.do(ctx, http.MethodDelete, "/api/mo/"+dn, dn, nil, nil, true)
	return err
}
