package node

import (
	"errors"
	"fmt"
	"log/slog"

	"k8s.io/client-go/kubernetes"
	listersv1 "k8s.io/client-go/listers/core/v1"
)

// DefaultConcurrency is how many Node patches a Client has in flight at most when
// Options.Concurrency is zero, like calico.DefaultConcurrency.
const DefaultConcurrency = 8

// Options configures a Client. The zero value is ready to use: Nodes read with one List, eight
// patches in flight, nothing logged.
type Options struct {
	// Lister, when set, answers Plan's reads of Nodes from an informer's cache (one map lookup per
	// node, no copy of the Node list); the cache must hold the Nodes' labels and annotations.
	// Patches still go to the API server.
	Lister listersv1.NodeLister
	// Concurrency bounds the patches in flight at once; 0 means DefaultConcurrency, negative is
	// an error.
	Concurrency int
	// Logger receives one Debug record per Node patched; nil discards.
	Logger *slog.Logger
}

// Client plans and applies the label and annotations of a cluster's Nodes. It is safe for
// concurrent use.
type Client struct {
	core        kubernetes.Interface
	lister      listersv1.NodeLister
	concurrency int
	log         *slog.Logger
}

// NewClient returns a Client patching Nodes through core (kubernetes.NewForConfig, or a fake in
// tests). It makes no request.
func NewClient(core kubernetes.Interface, opts Options) (*Client, error) {
	if core == nil {
		return nil, errors.New("node: NewClient: nil Kubernetes client")
	}
	if opts.Concurrency < 0 {
		return nil, fmt.Errorf("node: Options.Concurrency %d: must not be negative", opts.Concurrency)
	}
	c := &Client{core: core, lister: opts.Lister, concurrency: opts.Concurrency, log: opts.Logger}
	if c.concurrency == 0 {
		c.concurrency = DefaultConcurrency
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}
