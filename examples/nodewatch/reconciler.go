package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
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
	// Retired reach the leaves Base lists in fabric.retiredLeaves, by leaf name: the passes that
	// plan every pair (the first of a leader, a resync) also remove what the design configured
	// there (nxcalico.Syncer.Retired).
	Retired map[string]*nxos.Client
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
	// Metrics receives the reconciler's metrics; nil keeps them on a registry of its own.
	Metrics *metrics
	// Recorder writes Kubernetes Events; nil makes Run record through Core (and reconcile alone
	// records none).
	Recorder record.EventRecorder
	// Health is told the leader's state for /healthz and /readyz; nil ignores it.
	Health *health
	// Verify, when set, reads the sessions of the pairs a pass planned after it applied, for the
	// sessions gauges.
	Verify bool

	mu      sync.Mutex
	applied membership // per pair, the nodes last brought in step; nil = unknown
	// calico are the Calico objects the last pass that planned Calico brought the cluster to;
	// nil = unknown.
	calico   []calico.Object
	views    viewCache // the passes' Node views; only the pass goroutine uses it
	full     bool      // the next pass plans every pair
	password design.Secret
	passes   []pass
	reported map[string]nodeProblem // the problem last reported per skipped Node
	unusable string                 // the design-wide problem last reported; "" when usable
	initOnce sync.Once
}

// pass is the outcome of one reconciliation pass.
type pass struct {
	// Pairs are the pairs the pass planned; empty when nothing had changed.
	Pairs []string
	// Leaves are the switches the pass talked to.
	Leaves []string
	// Changed is true when the pass applied a non-empty plan.
	Changed bool
	// Skipped are the labelled Nodes left out of the design, with their problem.
	Skipped []nodeProblem
	// Problems is set when the design is unusable whatever the Nodes say (a *designError).
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

// metrics returns r.Metrics, creating it on first use.
func (r *reconciler) metrics() *metrics {
	r.initOnce.Do(func() {
		if r.Metrics == nil {
			r.Metrics = newMetrics()
		}
	})
	return r.Metrics
}

// event records an Event on obj when the reconciler has a recorder.
func (r *reconciler) event(obj *corev1.ObjectReference, eventType, reason, format string, args ...any) {
	if r.Recorder != nil {
		r.Recorder.Eventf(obj, eventType, reason, format, args...)
	}
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
	r.metrics()
	if r.Recorder == nil {
		rec, stop := newRecorder(r.Core)
		defer stop()
		r.Recorder = rec
	}
	if r.Health != nil {
		r.Health.setRunning(true)
		defer r.Health.setRunning(false)
	}
	return lead(ctx, r.Core, r.Lease, r.logger(), func(ctx context.Context) error {
		r.metrics().leader.Set(1)
		defer r.metrics().leader.Set(0)
		return r.work(ctx)
	})
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

	informer := nodeInformer(r.Core, r.metrics())
	var informerDone sync.WaitGroup
	defer informerDone.Wait()
	defer cancel() // runs first: the informer stops before its goroutine is waited for
	lister := listersv1.NewNodeLister(informer.GetIndexer())
	if r.Health != nil {
		r.Health.setLeading(true, informer)
		defer r.Health.setLeading(false, nil)
	}
	debounce := r.Debounce
	if debounce <= 0 {
		debounce = defaultDebounce
	}
	gw := r.Base.Fabric.AnycastGateway
	enqueue := func() { queue.AddAfter(queueKey, debounce) }
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
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
	informerDone.Go(func() { informer.RunWithContext(ctx) })
	if !cache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
		if ctx.Err() != nil {
			return nil
		}
		return errors.New("nodewatch: the Node informer did not sync")
	}
	log.Info("nodewatch: watching Nodes", "label", node.LeafPairLabel)
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

// pass runs one reconciliation, records its outcome and its metrics.
func (r *reconciler) pass(ctx context.Context, lister listersv1.NodeLister) pass {
	timeout := r.PassTimeout
	if timeout <= 0 {
		timeout = defaultPassTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	p := r.reconcile(ctx, lister)
	elapsed := time.Since(start)
	r.mu.Lock()
	r.passes = append(r.passes, p)
	r.mu.Unlock()
	m := r.metrics()
	switch {
	case p.Problems != nil:
		m.passes.WithLabelValues(resultDesignInvalid).Inc()
	case p.Err != nil:
		m.passes.WithLabelValues(resultFailed).Inc()
		m.passErrors.WithLabelValues(errorKind(p.Err)).Inc()
		if ctx.Err() == nil {
			r.event(leaseRef(r.Lease), corev1.EventTypeWarning, reasonPassFailed, "pass for pairs %v failed; retrying: %v", p.Pairs, p.Err)
		}
	case len(p.Pairs) == 0:
		m.passes.WithLabelValues(resultInStep).Inc()
	default:
		m.passes.WithLabelValues(resultApplied).Inc()
	}
	if len(p.Pairs) > 0 {
		m.passDuration.Observe(elapsed.Seconds())
	}
	if p.Err == nil && p.Problems == nil && len(p.Pairs) > 0 {
		r.logger().Info("nodewatch: pass done", "pairs", p.Pairs, "changed", p.Changed, "elapsed", elapsed.Round(time.Millisecond))
	}
	return p
}

// reconcile is one pass: derive the design from the Nodes, leaving out (and reporting) every Node
// whose label or addresses the design rejects, find the pairs whose nodes changed since the last
// pass that succeeded, and plan and apply those pairs' leaves and the Calico objects. Only a
// design that is unusable whatever the Nodes say stops the pass before anything is applied.
func (r *reconciler) reconcile(ctx context.Context, lister listersv1.NodeLister) pass {
	log := r.logger()
	nodes, err := lister.List(labels.Everything())
	if err != nil {
		return pass{Err: fmt.Errorf("listing Nodes from the cache: %w", err)}
	}
	list, skipped := designNodes(r.Base.Fabric.AnycastGateway, nodes, &r.views)
	in, isolated, err := isolate(r.Base, list)
	skipped = append(skipped, isolated...)
	r.reportSkipped(nodes, skipped)
	if err != nil {
		r.reportDesign(err)
		return pass{Skipped: skipped, Problems: err}
	}
	r.reportDesign(nil)

	want := membershipOf(in)
	r.mu.Lock()
	applied, full := r.applied, r.full
	r.full = false
	r.mu.Unlock()
	departed := departedNodes(applied, want) // known also on a full pass
	if full {
		applied = nil
	}
	pairs := affectedPairs(applied, want)
	if len(pairs) == 0 {
		log.Debug("nodewatch: every pair in step")
		return pass{Skipped: skipped}
	}
	p := r.sync(ctx, lister, in, nodes, applied, want, pairs, full, departed)
	p.Skipped = skipped
	if p.Err != nil && full {
		r.mu.Lock()
		r.full = true // the resync is still owed
		r.mu.Unlock()
	}
	return p
}

// sync plans and applies the leaves of pairs and the Calico objects, on a pass that plans every
// pair also the retired leaves, clears the address annotations of the departed nodes, and on
// success records want as brought in step for those pairs. Every applied change is reported by an Event: a leaf's
// on the Nodes of its pair that caused it, or on the Lease when no existing Node did (a full
// pass, a Node deleted).
func (r *reconciler) sync(ctx context.Context, lister listersv1.NodeLister, in *design.Intent, nodes []*corev1.Node, applied, want membership, pairs []string, full bool, departed []design.Node) pass {
	log := r.logger()
	m := r.metrics()
	p := pass{Pairs: pairs}
	password, err := r.bgpPassword(ctx, in)
	if err != nil {
		p.Err = err
		return p
	}
	sub := scoped(in, pairs)
	switches := make(map[string]*nxos.Client, len(sub.Leaves))
	pairOf := make(map[string]string, len(sub.Leaves))
	for _, l := range sub.Leaves {
		switches[l.Name] = r.Switches[l.Name]
		pairOf[l.Name] = l.Pair
		p.Leaves = append(p.Leaves, l.Name)
	}
	var retired map[string]*nxos.Client
	if full || applied == nil { // every pair is planned: so are the retired leaves
		retired = r.Retired
		p.Leaves = append(p.Leaves, slices.Sorted(maps.Keys(retired))...)
	}
	log.Info("nodewatch: planning", "pairs", pairs, "leaves", p.Leaves, "nodes", len(in.Nodes))
	// A Node whose pair label changed has been recabled already: its sessions to the old pair are
	// gone whatever nodewatch does, so the outage Plan would refuse is allowed.
	// The Nodes are read from the informer's cache, which keeps their labels and the
	// annotations nxcalico writes (see slimNode).
	nodeClient, err := node.NewClient(r.Core, node.Options{Lister: lister, Logger: log})
	if err != nil {
		p.Err = err
		return p
	}
	// Calico's objects depend on the pairs, the cluster and the peering, not on which nodes a
	// pair has: a pass that plans some pairs leaves them alone while they are those the last
	// pass that planned Calico brought the cluster to. A full pass plans them, and corrects drift.
	objects, err := calico.Render(sub)
	if err != nil {
		p.Err = err
		return p
	}
	r.mu.Lock()
	calicoInStep := !full && r.calico != nil && reflect.DeepEqual(r.calico, objects.All())
	r.calico = nil // set again once this pass is through
	r.mu.Unlock()
	s := &nxcalico.Syncer{Switches: switches, Retired: retired, Calico: r.Calico, CalicoInStep: calicoInStep, Nodes: nodeClient,
		Password: password, Logger: log, AllowOutage: true}
	if !full && applied != nil {
		// Only these pairs' nodes changed since the last pass: the others' Nodes are in step.
		s.NodePairs = pairs
	}
	plan, err := s.Plan(ctx, sub)
	if err != nil {
		p.Err = err
		return p
	}
	for _, l := range p.Leaves {
		m.switches.WithLabelValues(l, "planned").Inc()
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
			r.reportApplied(rep, pairOf, causes(nodes, applied, want, pairs, full))
		}
		if err != nil {
			p.Err = err
			return p
		}
		p.Changed = true
	}
	if len(departed) > 0 {
		// The departed nodes' neighbors and BGPPeer selection are gone: their Calico address
		// annotations go too. A failure leaves r.applied as it was, so the next pass retries.
		cleared, err := r.clearDeparted(ctx, departed)
		m.objects.WithLabelValues("node", "update").Add(float64(len(cleared)))
		if err != nil {
			p.Err = err
			return p
		}
		p.Changed = p.Changed || len(cleared) > 0
	}
	r.mu.Lock()
	r.calico = objects.All()
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
	if r.Verify {
		r.verify(ctx, s, in, pairs)
	}
	return p
}

// reportApplied counts and reports what Apply did: per leaf an Event on the Nodes of its pair
// that caused the change (on the Lease when none did), for its additions and, apart, for its
// removals (retired leaves have only those), the Calico objects on the Lease, and the Nodes
// labelled on themselves.
func (r *reconciler) reportApplied(rep *nxcalico.Report, pairOf map[string]string, cause map[string][]*corev1.Node) {
	m := r.metrics()
	for i, l := range slices.Concat(rep.Leaves, rep.LeavesRemoved) {
		switch {
		case l.Err != nil || l.Restored:
			m.switches.WithLabelValues(l.Switch, "failed").Inc()
		case l.Applied && !l.Plan.Empty():
			m.switches.WithLabelValues(l.Switch, "applied").Inc()
			c, u, d := l.Plan.Counts()
			m.objects.WithLabelValues("switch", "create").Add(float64(c))
			m.objects.WithLabelValues("switch", "update").Add(float64(u))
			m.objects.WithLabelValues("switch", "delete").Add(float64(d))
		default:
			continue // unchanged, or not started because another leaf failed
		}
		typ, reason, msg := leafText(l, pairOf[l.Switch], i >= len(rep.Leaves))
		if on := cause[pairOf[l.Switch]]; len(on) > 0 {
			for _, n := range on {
				r.event(nodeRef(n), typ, reason, "%s", msg)
			}
		} else {
			r.event(leaseRef(r.Lease), typ, reason, "%s", msg)
		}
	}
	if rep.CalicoRemoved != nil || rep.CalicoApplied != nil {
		c, u, d := calicoCounts(rep)
		m.objects.WithLabelValues("calico", "create").Add(float64(c))
		m.objects.WithLabelValues("calico", "update").Add(float64(u))
		m.objects.WithLabelValues("calico", "delete").Add(float64(d))
		if c+u+d > 0 {
			r.event(leaseRef(r.Lease), corev1.EventTypeNormal, reasonCalicoApplied, "calico: %d created, %d updated, %d deleted", c, u, d)
		}
	}
	m.objects.WithLabelValues("node", "update").Add(float64(len(rep.Nodes)))
	for _, name := range rep.Nodes {
		r.event(&corev1.ObjectReference{Kind: "Node", APIVersion: "v1", Name: name}, corev1.EventTypeNormal, reasonNodesLabelled, "labels and annotations for its leaf pair applied")
	}
}

// causes returns, per pair of pairs (the pairs a pass planned), the existing Nodes whose join,
// move or address change made the pair differ from what was applied, sorted by name; none on a
// full pass (every pair is planned, no Node caused it).
func causes(nodes []*corev1.Node, applied, want membership, pairs []string, full bool) map[string][]*corev1.Node {
	if full || applied == nil {
		return nil
	}
	changed := map[string]string{} // node → pair
	for _, pair := range pairs {
		before := map[string]design.Node{}
		for _, n := range applied[pair] {
			before[n.Name] = n
		}
		for _, n := range want[pair] {
			if old, ok := before[n.Name]; !ok || old != n {
				changed[n.Name] = pair
			}
		}
	}
	out := map[string][]*corev1.Node{}
	for _, n := range nodes {
		if pair, ok := changed[n.Name]; ok {
			out[pair] = append(out[pair], n)
		}
	}
	for _, on := range out {
		slices.SortFunc(on, func(a, b *corev1.Node) int { return strings.Compare(a.Name, b.Name) })
	}
	return out
}

// reportSkipped reports the labelled Nodes left out of the design: a Warning Event on the Node
// and a log record when its problem is new or changed, a Normal Event when a Node reported before
// is taken back, and the nodewatch_nodes_skipped gauge by code.
func (r *reconciler) reportSkipped(nodes []*corev1.Node, skipped []nodeProblem) {
	log := r.logger()
	byName := make(map[string]*corev1.Node, len(nodes))
	for _, n := range nodes {
		byName[n.Name] = n
	}
	now := make(map[string]nodeProblem, len(skipped))
	counts := map[design.Code]int{}
	for _, p := range skipped {
		if _, dup := now[p.Node]; !dup {
			now[p.Node] = p // a Node with several problems is reported with its first
		}
		counts[p.Code]++
	}
	r.mu.Lock()
	before := r.reported
	r.reported = now
	r.mu.Unlock()
	m := r.metrics()
	m.nodesSkipped.Reset()
	for code, n := range counts {
		m.nodesSkipped.WithLabelValues(string(code)).Set(float64(n))
	}
	for name, p := range now {
		if before[name] == p {
			continue
		}
		log.Warn("nodewatch: labelled node skipped", "node", name, "code", p.Code, "problem", p.Message)
		if n := byName[name]; n != nil {
			r.event(nodeRef(n), corev1.EventTypeWarning, reasonNodeSkipped, "left out of the design: %s", p)
		}
	}
	for name := range before {
		if _, still := now[name]; still {
			continue
		}
		if n := byName[name]; n != nil {
			log.Info("nodewatch: labelled node taken back into the design", "node", name)
			r.event(nodeRef(n), corev1.EventTypeNormal, reasonNodeAccepted, "taken back into the design")
		}
	}
}

// reportDesign reports a design-wide problem (err non-nil) or its end (err nil), once per change:
// a log record, an Event on the Lease and the nodewatch_design_unusable gauge.
func (r *reconciler) reportDesign(err error) {
	text := ""
	if err != nil {
		text = err.Error()
	}
	r.mu.Lock()
	before := r.unusable
	r.unusable = text
	r.mu.Unlock()
	m := r.metrics()
	if err == nil {
		m.designUnusable.Set(0)
		if before != "" {
			r.logger().Info("nodewatch: the design is usable again")
			r.event(leaseRef(r.Lease), corev1.EventTypeNormal, reasonDesignUsable, "the design is usable again; passes apply changes")
		}
		return
	}
	m.designUnusable.Set(1)
	if text == before {
		return
	}
	if ps, ok := design.AsProblems(errors.Unwrap(err)); ok {
		for _, pr := range ps {
			r.logger().Error("nodewatch: design problem; nothing applied", "problem", pr.Error())
		}
	} else {
		r.logger().Error("nodewatch: design problem; nothing applied", "err", err)
	}
	r.event(leaseRef(r.Lease), corev1.EventTypeWarning, reasonDesignUnusable, "nothing is applied until it is fixed: %v", err)
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
