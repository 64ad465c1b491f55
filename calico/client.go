package calico

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// Default client settings for bulk work. Concurrency, not the rate, is the primary bound: at most
// DefaultConcurrency requests are in flight at once. The client-side rate limit sits above what
// that many requests normally reach on a healthy API server (a few milliseconds each), so it only
// caps bursts, and the server's API Priority and Fairness still sheds load with 429 responses that
// client-go retries. client-go's own defaults (5 QPS, burst 10) would make a 1,000-object apply
// take minutes.
const (
	// DefaultConcurrency is how many requests a Client has in flight at most when
	// Options.Concurrency is zero. (nxos.DefaultConcurrency, the switches a fleet works on at
	// once, is another bound of the same name and meaning.)
	DefaultConcurrency = 8
	// DefaultQPS is the client-side request rate limit NewClient sets when Options.QPS is zero.
	DefaultQPS = 400
	// DefaultBurst is the client-side burst NewClient sets when Options.Burst is zero.
	DefaultBurst = 800
)

// Options configures a Client. The zero value is ready to use: discovery picks the API group,
// eight requests in parallel, no forced apply, and nothing is logged.
type Options struct {
	// Logger receives one Debug record per request batch and per object applied or deleted; nil
	// discards.
	Logger *slog.Logger
	// Concurrency bounds the requests in flight at once; 0 means DefaultConcurrency, negative
	// is an error.
	Concurrency int
	// QPS and Burst are the client-side rate limit set on the copied rest.Config; 0 means
	// DefaultQPS and DefaultBurst. A negative QPS disables client-side rate limiting.
	QPS   float32
	Burst int
	// Force takes over fields another field manager owns instead of failing with a
	// *ConflictError (server-side apply's force). Leave it off unless the design is meant to
	// overrule whoever set those fields.
	Force bool
	// Group selects the API: GroupV3 or GroupV1. Empty means discover it (see Client.Group).
	Group Group
}

// validate checks opts without any I/O.
func (o Options) validate() error {
	var errs []error
	if o.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("calico: Options.Concurrency %d: must not be negative", o.Concurrency))
	}
	if o.Burst < 0 {
		errs = append(errs, fmt.Errorf("calico: Options.Burst %d: must not be negative", o.Burst))
	}
	switch o.Group {
	case "", GroupV3, GroupV1:
	default:
		errs = append(errs, fmt.Errorf("calico: Options.Group %q: want %q, %q or empty (discover)", string(o.Group), GroupV3, GroupV1))
	}
	return errors.Join(errs...)
}

// Client plans and applies Calico objects on one cluster, reads back what nxcalico manages there,
// patches core Nodes and reads BGP session state. It is safe for concurrent use. Every method that
// talks to the cluster takes a context first and honours its cancellation.
type Client struct {
	log         *slog.Logger
	concurrency int
	force       bool

	cfg   *rest.Config
	disc  *discovery.DiscoveryClient
	typed clientset.Interface
	dyn   dynamic.Interface

	mu    sync.Mutex
	group Group
	api   *api // set once the group is known
}

// NewClient returns a Client for the cluster cfg points at. It copies cfg and sets QPS and Burst
// on the copy (see DefaultQPS); it makes no request: the API group is discovered on first use
// unless opts.Group names it.
func NewClient(cfg *rest.Config, opts Options) (*Client, error) {
	if cfg == nil {
		return nil, errors.New("calico: NewClient: nil rest.Config")
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	c := rest.CopyConfig(cfg)
	c.QPS, c.Burst = opts.QPS, opts.Burst
	if c.QPS == 0 {
		c.QPS = DefaultQPS
	}
	if c.Burst == 0 {
		c.Burst = DefaultBurst
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	par := opts.Concurrency
	if par == 0 {
		par = DefaultConcurrency
	}
	// One HTTP client (one connection pool) shared by the discovery, typed and dynamic clients.
	httpClient, err := rest.HTTPClientFor(c)
	if err != nil {
		return nil, fmt.Errorf("calico: HTTP client for %s: %w", c.Host, err)
	}
	disc, err := discovery.NewDiscoveryClientForConfigAndClient(c, httpClient)
	if err != nil {
		return nil, fmt.Errorf("calico: discovery client: %w", err)
	}
	typed, err := clientset.NewForConfigAndClient(c, httpClient)
	if err != nil {
		return nil, fmt.Errorf("calico: projectcalico.org/v3 clientset: %w", err)
	}
	dyn, err := dynamic.NewForConfigAndClient(c, httpClient)
	if err != nil {
		return nil, fmt.Errorf("calico: dynamic client: %w", err)
	}
	cl := &Client{
		log:         log,
		concurrency: par,
		force:       opts.Force,
		cfg:         c,
		disc:        disc,
		typed:       typed,
		dyn:         dyn,
	}
	if opts.Group != "" {
		cl.group = opts.Group
		cl.api = cl.newAPI(opts.Group)
	}
	return cl, nil
}

// Config returns a copy of the rest.Config the Client uses, with the QPS and Burst it set.
func (c *Client) Config() *rest.Config { return rest.CopyConfig(c.cfg) }
