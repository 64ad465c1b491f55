package twin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/nxcalico/nxcalico/design"
)

// Lab is a running twin: the namespaces of a Topology and, unless Options.TopologyOnly, the
// leaves' FRR daemons behind their NX-API fronts and the nodes' BIRD daemons driven by the
// cluster. Close removes all of it. Its own work (reading the cluster, the daemons' sessions)
// runs in the background; Check, Grow, Shrink and Change are for one caller at a time.
type Lab struct {
	// Topology is what the lab built.
	Topology *Topology
	// Dir is the lab's private temporary directory (0711, one 0700 directory per daemon in it),
	// removed by Close.
	Dir string
	// Started is how long Start took.
	Started time.Duration

	intent *design.Intent
	opts   Options
	log    *slog.Logger

	password design.Secret
	alloc    *allocation
	bgctx    context.Context // the lab's background work; cancelled by Close

	// shapeMu guards leaves, nodes, Topology and intent against Reshape.
	shapeMu sync.RWMutex
	leaves  map[string]*Leaf
	nodes   map[string]*Node
	// next and nextIntent are what Grow built towards, until Shrink completes it.
	next       *Topology
	nextIntent *design.Intent

	cancel context.CancelFunc // stops the lab's background work
	bg     sync.WaitGroup

	closeMu sync.Mutex
	closed  bool
	stops   []func(ctx context.Context) error // run in reverse order by Close
}

// Start checks the machine (Preflight), computes the lab of in and refuses it when it cannot be
// built, then creates it: namespaces, links, addresses and routes, and, unless
// opts.TopologyOnly, one FRR leaf behind an NX-API front per leaf and one BIRD node per node,
// reconfigured whenever the cluster changes. On error everything created so far is removed.
func Start(ctx context.Context, in *design.Intent, opts Options) (_ *Lab, err error) {
	begin := time.Now()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := Preflight(); err != nil {
		return nil, err
	}
	prefix := opts.Prefix
	if prefix == "" {
		var b [3]byte
		_, _ = rand.Read(b[:])
		prefix = "nxt" + hex.EncodeToString(b[:])
	}
	prefix += "-"
	alloc := newAllocation()
	topo, err := planTopology(in, prefix, opts.MaxNamespaces, opts.FabricIPv4, opts.FabricIPv6, alloc)
	if err != nil {
		return nil, err
	}
	if existing, _ := os.ReadDir(netnsDir); len(existing) > 0 {
		for _, e := range existing {
			if len(e.Name()) >= len(prefix) && e.Name()[:len(prefix)] == prefix {
				return nil, fmt.Errorf("twin: network namespace %s already exists: another lab uses the prefix %q", e.Name(), prefix)
			}
		}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Lab{Topology: topo, intent: in, opts: opts, log: log, alloc: alloc, leaves: map[string]*Leaf{}, nodes: map[string]*Node{}}
	defer func() {
		if err != nil {
			if cerr := l.Close(); cerr != nil {
				err = errors.Join(err, cerr)
			}
		}
	}()
	if l.Dir, err = os.MkdirTemp(opts.Dir, "nxcalico-twin-"); err != nil {
		return nil, fmt.Errorf("twin: temporary directory: %w", err)
	}
	// Searchable, not readable, by others: FRR's daemons run as user frr inside their own 0700
	// directory below it; files holding a password are 0600 in 0700 directories.
	if err := os.Chmod(l.Dir, 0o711); err != nil {
		return nil, fmt.Errorf("twin: temporary directory: %w", err)
	}
	l.stops = append(l.stops, func(context.Context) error { return os.RemoveAll(l.Dir) })
	l.stops = append(l.stops, func(ctx context.Context) error { return teardown(ctx, prefix) })
	log.DebugContext(ctx, "twin: building the topology", "namespaces", len(topo.Namespaces()))
	if err := topo.build(ctx, opts.TopologyOnly); err != nil {
		return nil, err
	}
	bgctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l.cancel, l.bgctx = cancel, bgctx
	l.stops = append(l.stops, func(context.Context) error { cancel(); l.bg.Wait(); return nil })
	if !opts.TopologyOnly {
		if err := l.startLeaves(ctx, bgctx); err != nil {
			return nil, err
		}
		if err := l.startNodes(ctx, bgctx); err != nil {
			return nil, err
		}
	}
	l.Started = time.Since(begin)
	return l, nil
}

// Close stops every daemon and NX-API front, deletes every namespace (with its links) and
// removes the temporary directory. It is safe to call twice and after a failed Start; the second
// call does nothing.
func (l *Lab) Close() error {
	l.closeMu.Lock()
	defer l.closeMu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	for i := len(l.stops) - 1; i >= 0; i-- {
		if err := l.stops[i](ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Intent returns the design intent the lab was started with.
func (l *Lab) Intent() *design.Intent {
	l.shapeMu.RLock()
	defer l.shapeMu.RUnlock()
	return l.intent
}
