package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
)

// Defaults of the reconciler's timings.
const (
	defaultDebounce    = time.Second
	defaultPassTimeout = 5 * time.Minute
)

// queueKey is the one work item: every Node event asks for the same thing, "bring the leaves and
// Calico in step with the Nodes", so a burst of events coalesces into one pass.
const queueKey = "nodes"

// reconciler keeps leaves and Calico in step with the Kubernetes Nodes carrying the rack label.
// Its configuration fields are set before Run and not changed after.
type reconciler struct {
	// Base is the design whose cluster.nodes are replaced by the labelled Nodes. Required.
	Base *design.Design
	// Switches reach every leaf of Base, by leaf name.
	Switches map[string]*nxos.Client
	// Calico reaches the cluster's Calico API.
	Calico *calico.Client
	// Core reads and watches Nodes, holds the Lease and receives Node labels and annotations.
	Core kubernetes.Interface
	// Password is the BGP password when Base names a password secret; when it is zero the
	// secret is read with nxcalico.ReadPassword on the first pass.
	Password design.Secret
	// Lease configures leader election.
	Lease leaseConfig
	// Resync, when positive, is how often every leaf is planned again (drift correction), even
	// when no Node changed.
	Resync time.Duration
	// Debounce is how long a Node event waits for more events before the pass runs; 0 means
	// defaultDebounce.
	Debounce time.Duration
	// PassTimeout bounds one pass; 0 means defaultPassTimeout.
	PassTimeout time.Duration
	// Logger receives the reconciler's records; nil discards.
	Logger *slog.Logger

	mu       sync.Mutex
	applied  membership // per pair, the nodes last brought in step; nil = unknown
	full     bool       // the next pass plans every pair
	password design.Secret
	passes   []pass
}

// pass is the outcome of one reconciliation pass.
type pass struct {
	// Pairs are the pairs the pass planned; empty when nothing had changed.
	Pairs []string
	// Leaves are the switches the pass talked to.
	Leaves []string
	// Changed is true when the pass applied a non-empty plan.
	Changed bool
	// Problems is set when the design derived from the Nodes did not validate.
	Problems error
	// Err is the pass's failure; the pass is then retried with backoff.
	Err error
}

func (r *reconciler) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// history returns the outcome of every pass so far, oldest first.
func (r *reconciler) history() []pass {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]pass(nil), r.passes...)
}

// Run runs the reconciler until ctx ends: it campaigns for the Lease and, while leading, watches
// Nodes and reconciles. It returns nil after a clean shutdown (ctx ended, the Lease released)
// and an error when leadership was lost or the Node informer could not start.
func (r *reconciler) Run(ctx context.Context) error {
	if r.Base == nil {
		return errors.New("nodewatch: no base design")
	}
	return lead(ctx, r.Core, r.Lease, r.logger(), r.work)
}

// work is what the leader does: start a Node informer filtered on the rack label, feed a
// rate-limited queue from it and from the resync ticker, and run passes from the queue until
// ctx ends. The queue is shut down and the informer stopped before it returns.
func (r *reconciler) work(ctx context.Context) error {
	log := r.logger()
	ctx, cancel := context.WithCancel(ctx)
	r.mu.Lock()
	r.applied = nil // a new leader knows nothing of what the last one did
	r.mu.Unlock()

	queue := workqueue.NewTypedRateLimitingQueueWithConfig(
		workqueue.DefaultTypedControllerRateLimiter[string](),
		workqueue.TypedRateLimitingQueueConfig[string]{Name: "nodewatch"},
	)
	defer queue.ShutDown()

	factory := informers.NewSharedInformerFactoryWithOptions(r.Core, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = calico.LeafPairLabel }))
	defer factory.Shutdown()
	defer cancel() // runs first: the informer stops before factory.Shutdown waits for it
	informer := factory.Core().V1().Nodes()
	lister := informer.Lister()
	debounce := r.Debounce
	if debounce <= 0 {
		debounce = defaultDebounce
	}
	gw := r.Base.Fabric.AnycastGateway
	enqueue := func() { queue.AddAfter(queueKey, debounce) }
	if _, err := informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(any) { enqueue() },
		UpdateFunc: func(oldObj, newObj any) {
			o, ok1 := oldObj.(*corev1.Node)
			n, ok2 := newObj.(*corev1.Node)
			if !ok1 || !ok2 || viewOf(gw, o) != viewOf(gw, n) {
				enqueue()
			}
		},
		DeleteFunc: func(any) { enqueue() },
	}); err != nil {
		return fmt.Errorf("nodewatch: watching Nodes: %w", err)
	}
	factory.Start(ctx.Done())
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("nodewatch: the %v informer did not sync", typ)
		}
	}
	log.Info("nodewatch: watching Nodes", "label", calico.LeafPairLabel)
	queue.Add(queueKey) // the first pass plans every pair

	var wg sync.WaitGroup
	if r.Resync > 0 {
		wg.Go(func() {
			t := time.NewTicker(r.Resync)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					r.mu.Lock()
					r.full = true
					r.mu.Unlock()
					queue.Add(queueKey)
				}
			}
		})
	}
	wg.Go(func() {
		<-ctx.Done()
		queue.ShutDown()
	})
	for {
		key, shutdown := queue.Get()
		if shutdown {
			break
		}
		p := r.pass(ctx, lister)
		switch {
		case p.Err != nil && ctx.Err() == nil:
			log.Error("nodewatch: pass failed; retrying", "pairs", p.Pairs, "err", p.Err, "retries", queue.NumRequeues(key))
			queue.AddRateLimited(key)
		default:
			queue.Forget(key)
		}
		queue.Done(key)
	}
	wg.Wait()
	log.Info("nodewatch: stopped watching Nodes")
	return nil
}

// pass runs one reconciliation and records its outcome.
func (r *reconciler) pass(ctx context.Context, lister listersv1.NodeLister) pass {
	timeout := r.PassTimeout
	if timeout <= 0 {
		timeout = defaultPassTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	p := r.reconcile(ctx, lister)
	r.mu.Lock()
	r.passes = append(r.passes, p)
	r.mu.Unlock()
	if p.Err == nil && p.Problems == nil && len(p.Pairs) > 0 {
		r.logger().Info("nodewatch: pass done", "pairs", p.Pairs, "changed", p.Changed, "elapsed", time.Since(start).Round(time.Millisecond))
	}
	return p
}

// reconcile is one pass: derive the design from the Nodes, find the pairs whose nodes changed
// since the last pass that succeeded, and plan and apply those pairs' leaves and the Calico
// objects. A design that does not validate is logged and nothing is applied.
func (r *reconciler) reconcile(ctx context.Context, lister listersv1.NodeLister) pass {
	log := r.logger()
	nodes, err := lister.List(labels.Everything())
	if err != nil {
		return pass{Err: fmt.Errorf("listing Nodes from the cache: %w", err)}
	}
	list, skipped := designNodes(r.Base.Fabric.AnycastGateway, nodes)
	for _, s := range skipped {
		log.Warn("nodewatch: labelled node skipped", "node", s.Name, "reason", s.Reason)
	}
	d := *r.Base
	d.Cluster.Nodes = list
	in, err := design.Derive(&d)
	if err != nil {
		if ps, ok := design.AsProblems(err); ok {
			for _, pr := range ps {
				log.Error("nodewatch: design problem; nothing applied", "problem", pr.Error())
			}
		} else {
			log.Error("nodewatch: design problem; nothing applied", "err", err)
		}
		return pass{Problems: err}
	}

	want := membershipOf(in)
	r.mu.Lock()
	applied, full := r.applied, r.full
	r.full = false
	if full {
		applied = nil
	}
	r.mu.Unlock()
	pairs := affectedPairs(applied, want)
	if len(pairs) == 0 {
		log.Debug("nodewatch: every pair in step")
		return pass{}
	}
	p := r.sync(ctx, in, want, pairs, full)
	if p.Err != nil && full {
		r.mu.Lock()
		r.full = true // the resync is still owed
		r.mu.Unlock()
	}
	return p
}

// sync plans and applies the leaves of pairs and the Calico objects, and on success records
// want as brought in step for those pairs.
func (r *reconciler) sync(ctx context.Context, in *design.Intent, want membership, pairs []string, full bool) pass {
	log := r.logger()
	p := pass{Pairs: pairs}
	password, err := r.bgpPassword(ctx, in)
	if err != nil {
		p.Err = err
		return p
	}
	sub := scoped(in, pairs)
	switches := make(map[string]*nxos.Client, len(sub.Leaves))
	for _, l := range sub.Leaves {
		switches[l.Name] = r.Switches[l.Name]
		p.Leaves = append(p.Leaves, l.Name)
	}
	log.Info("nodewatch: planning", "pairs", pairs, "leaves", p.Leaves, "nodes", len(in.Nodes))
	s := &nxcalico.Syncer{Switches: switches, Calico: r.Calico, Nodes: r.Core, Password: password, Logger: log}
	plan, err := s.Plan(ctx, sub)
	if err != nil {
		p.Err = err
		return p
	}
	if !plan.Empty() {
		c, u, del := plan.Counts()
		log.Info("nodewatch: applying", "create", c, "update", u, "delete", del)
		rep, err := s.Apply(ctx, plan)
		if rep != nil {
			for _, line := range strings.Split(strings.TrimSpace(rep.String()), "\n") {
				if line != "" {
					log.Info("nodewatch: applied", "result", line)
				}
			}
		}
		if err != nil {
			p.Err = err
			return p
		}
		p.Changed = true
	}
	r.mu.Lock()
	if r.applied == nil || full {
		r.applied = membership{}
	}
	for _, pair := range pairs {
		if nodes, ok := want[pair]; ok {
			r.applied[pair] = nodes
		} else {
			delete(r.applied, pair)
		}
	}
	r.mu.Unlock()
	return p
}

// bgpPassword returns the BGP password when the design names a password secret: the one given,
// or else the one read from the Secret (read once, then kept).
func (r *reconciler) bgpPassword(ctx context.Context, in *design.Intent) (design.Secret, error) {
	if in.Cluster.PasswordSecret == nil {
		return design.Secret{}, nil
	}
	if !r.Password.IsZero() {
		return r.Password, nil
	}
	r.mu.Lock()
	pw := r.password
	r.mu.Unlock()
	if !pw.IsZero() {
		return pw, nil
	}
	pw, err := nxcalico.ReadPassword(ctx, r.Core, in.Cluster.PasswordSecret)
	if err != nil {
		return design.Secret{}, err
	}
	r.mu.Lock()
	r.password = pw
	r.mu.Unlock()
	return pw, nil
}
