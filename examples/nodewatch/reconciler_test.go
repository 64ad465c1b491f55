package main

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/lab"
	"github.com/nxcalico/nxcalico/node"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

const leaseNS = "kube-system"

// world is the state a test expects: the design nodes by name.
type world map[string]design.Node

func (w world) list() []design.Node {
	var out []design.Node
	for _, n := range w {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b design.Node) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (w world) pair(p string) []design.Node {
	var out []design.Node
	for _, n := range w.list() {
		if n.LeafPair == p {
			out = append(out, n)
		}
	}
	return out
}

// inStep reports whether every leaf holds exactly the neighbors of its pair's nodes.
func inStep(env *lab.Lab, w world) (bool, string) {
	for pair, leaves := range map[string][]string{"rack1": rack1Leaves, "rack2": rack2Leaves} {
		want := addrs(w.pair(pair)...)
		for _, l := range leaves {
			if got := neighbors(env.Sims[l]); !slices.Equal(got, want) {
				return false, fmt.Sprintf("%s neighbors %v, want %v", l, got, want)
			}
		}
	}
	return true, ""
}

func designNode(name, pair, v4, v6 string) design.Node {
	return design.Node{Name: name, LeafPair: pair, IPv4: netip.MustParseAddr(v4), IPv6: netip.MustParseAddr(v6)}
}

func newTestReconciler(t *testing.T, env *lab.Lab, base *design.Design, id, lease string) *reconciler {
	return &reconciler{
		Base: base, Switches: env.Switches, Calico: env.Calico, Core: env.Core,
		Lease:    leaseConfig{Namespace: leaseNS, Name: lease, ID: id, Duration: 2 * time.Second, RenewDeadline: 1500 * time.Millisecond, RetryPeriod: 100 * time.Millisecond},
		Debounce: 50 * time.Millisecond,
		Logger:   testLogger(t).With("replica", id),
		Health:   &health{},
		Verify:   true,
	}
}

// running is a reconciler started in the background.
type running struct {
	r    *reconciler
	stop context.CancelFunc
	done chan error
}

func start(r *reconciler) *running {
	ctx, stop := context.WithCancel(context.Background())
	run := &running{r: r, stop: stop, done: make(chan error, 1)}
	go func() { run.done <- r.Run(ctx) }()
	return run
}

// shutdown cancels the reconciler as SIGTERM would and returns Run's result.
func (run *running) shutdown(t *testing.T) error {
	t.Helper()
	run.stop()
	select {
	case err := <-run.done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10 s of shutdown")
		return nil
	}
}

// awaitFirstPass waits until the reconciler leads and has made its first pass.
func (run *running) awaitFirstPass(t *testing.T) {
	t.Helper()
	eventually(t, 5*time.Second, "the replica leads", func() (bool, string) {
		_, n := lastPass(run.r)
		return n > 0, fmt.Sprintf("%d passes", n)
	})
}

func lastPass(r *reconciler) (pass, int) {
	h := r.history()
	if len(h) == 0 {
		return pass{}, 0
	}
	return h[len(h)-1], len(h)
}

func holder(t *testing.T, env *lab.Lab, lease string) string {
	t.Helper()
	l, err := env.Core.CoordinationV1().Leases(leaseNS).Get(context.Background(), lease, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the Lease: %v", err)
	}
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

func bgpPeerNames(t *testing.T, env *lab.Lab) []string {
	t.Helper()
	list, err := env.Clientset.ProjectcalicoV3().BGPPeers().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list.Items {
		names = append(names, p.Name+" "+p.Spec.NodeSelector+" "+p.Spec.PeerIP)
	}
	slices.Sort(names)
	return names
}

func annotation(t *testing.T, env *lab.Lab, node, key string) string {
	t.Helper()
	n, err := env.Core.CoreV1().Nodes().Get(context.Background(), node, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return n.Annotations[key]
}

// leftTheDesign checks that a Node that left the design no longer carries the Calico address
// annotations nxcalico set and that no BGPPeer selects it: per-pair peers select on the rack label,
// which it lacks or which names a pair the design does not have, and no peer is global. It
// returns the Node's labels.
func leftTheDesign(t *testing.T, env *lab.Lab, name string) map[string]string {
	t.Helper()
	n, err := env.Core.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{node.IPv4AddressAnnotation, node.IPv6AddressAnnotation} {
		if v, ok := n.Annotations[key]; ok {
			t.Errorf("%s still carries %s=%s after leaving the design", name, key, v)
		}
	}
	peers, err := env.Clientset.ProjectcalicoV3().BGPPeers().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(peers.Items) == 0 {
		t.Fatal("no BGPPeers")
	}
	for _, p := range peers.Items {
		pair := p.Labels[node.LeafPairLabel]
		if p.Spec.NodeSelector == "" || p.Spec.NodeSelector != calico.PairSelector(pair) {
			t.Errorf("BGPPeer %s selects %q, want the per-pair selector", p.Name, p.Spec.NodeSelector)
			continue
		}
		if v, ok := n.Labels[node.LeafPairLabel]; ok && v == pair {
			t.Errorf("BGPPeer %s (%s) still selects %s", p.Name, p.Spec.NodeSelector, name)
		}
	}
	return n.Labels
}

// TestNodewatch runs the reconciler end to end on simulated leaves (two pairs), Calico objects on
// an in-process API server and Nodes in client-go's fake clientset, through the real informer,
// workqueue and leader election, and reads the state back after every Node change.
func TestNodewatch(t *testing.T) {
	started := time.Now()
	ctx := context.Background()
	base := twoPairDesign()
	w := world{
		"master": designNode("master", "rack1", "192.168.1.10", "2001:192:168:1::10"),
		"node01": designNode("node01", "rack1", "192.168.1.11", "2001:192:168:1::11"),
		"node02": designNode("node02", "rack1", "192.168.1.13", "2001:192:168:1::13"),
		"node11": designNode("node11", "rack2", "192.168.1.21", "2001:192:168:1::21"),
	}
	env, err := lab.Start(ctx, intentOf(t, base, w.list()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Close() })
	for _, n := range w.list() {
		putNode(t, env, nodeOf(n))
	}
	// An unlabelled Node that must never reach the leaves.
	putNode(t, env, k8sNode("stranger", "-", "192.168.1.99"))
	watching := watchStarted(env)
	t.Logf("lab up in %s", time.Since(started).Round(time.Millisecond))

	a := start(newTestReconciler(t, env, base, "replica-a", "nodewatch"))
	select {
	case <-watching:
	case <-time.After(10 * time.Second):
		t.Fatal("the leader did not start watching Nodes within 10 s")
	}
	eventually(t, 10*time.Second, "first pass brings every leaf in step", func() (bool, string) { return inStep(env, w) })
	eventually(t, 5*time.Second, "first pass recorded", func() (bool, string) {
		_, n := lastPass(a.r)
		return n >= 1, fmt.Sprintf("%d passes", n)
	})
	if p := a.r.history()[0]; !reflect.DeepEqual(p.Pairs, []string{"rack1", "rack2"}) || !p.Changed || p.Err != nil {
		t.Fatalf("first pass = %+v, want both pairs, changed", p)
	}
	if got := holder(t, env, "nodewatch"); got != "replica-a" {
		t.Fatalf("Lease holder = %q, want replica-a", got)
	}
	peers := bgpPeerNames(t, env)
	if len(peers) == 0 {
		t.Fatal("no BGPPeers after the first pass")
	}

	// change makes one Node change and checks that exactly the pairs named are planned, their
	// leaves reach the expected neighbors, and the other pair's leaves see no request at all.
	change := func(t *testing.T, what func(), pairs []string) {
		t.Helper()
		_, before := lastPass(a.r)
		resetRequests(env)
		what()
		eventually(t, 10*time.Second, "leaves in step", func() (bool, string) { return inStep(env, w) })
		var planned []pass // the passes since the change that planned something
		eventually(t, 5*time.Second, "pass recorded", func() (bool, string) {
			planned = nil
			for _, p := range a.r.history()[before:] {
				if len(p.Pairs) > 0 || p.Err != nil || p.Problems != nil {
					planned = append(planned, p)
				}
			}
			return len(planned) > 0, fmt.Sprintf("%+v", planned)
		})
		if len(planned) != 1 || !reflect.DeepEqual(planned[0].Pairs, pairs) || !planned[0].Changed || planned[0].Err != nil {
			t.Errorf("passes = %+v, want one that planned and changed pairs %v", planned, pairs)
		}
		var touched, untouched []string
		for pair, leaves := range map[string][]string{"rack1": rack1Leaves, "rack2": rack2Leaves} {
			if slices.Contains(pairs, pair) {
				touched = append(touched, leaves...)
			} else {
				untouched = append(untouched, leaves...)
			}
		}
		if r := requests(env, untouched); len(r) > 0 {
			t.Errorf("leaves of unaffected pairs received %d requests: %v", len(r), r)
		}
		if n := posts(env, touched); n == 0 {
			t.Errorf("affected leaves %v received no configuration POST", touched)
		}
		if got := bgpPeerNames(t, env); !slices.Equal(got, peers) {
			t.Errorf("BGPPeers changed:\n%v\nwant\n%v", got, peers)
		}
	}

	t.Run("metrics, health and events of the first pass", func(t *testing.T) {
		hctx, stop := context.WithCancel(ctx)
		defer stop()
		addr, err := serveHTTP(hctx, "127.0.0.1:0", a.r.Health, a.r.metrics(), discard())
		if err != nil {
			t.Fatal(err)
		}
		base := "http://" + addr.String()
		if code, body := get(t, base+"/healthz"); code != 200 {
			t.Errorf("/healthz = %d %q, want 200", code, body)
		}
		if code, body := get(t, base+"/readyz"); code != 200 || !strings.Contains(body, "leader") {
			t.Errorf("/readyz = %d %q, want 200 naming the leader", code, body)
		}
		got := scrape(t, base+"/metrics")
		for series, want := range map[string]float64{
			`nodewatch_leader`:                                           1,
			`nodewatch_passes_total{result="applied"}`:                   1,
			`nodewatch_switches_total{leaf="Leaf2101",result="planned"}`: 1,
			`nodewatch_switches_total{leaf="Leaf2201",result="applied"}`: 1,
			`nodewatch_design_unusable`:                                  0,
			`nodewatch_node_lists_total`:                                 1,
			// two leaves, two families, three rack1 nodes; the sessions are down until the
			// calico-node stand-in reports them
			`nodewatch_sessions_expected{pair="rack1"}`: 12,
		} {
			if got[series] != want {
				t.Errorf("%s = %v, want %v", series, got[series], want)
			}
		}
		for _, series := range []string{
			`nodewatch_objects_total{op="create",side="switch"}`,
			`nodewatch_objects_total{op="create",side="calico"}`,
			`nodewatch_objects_total{op="update",side="node"}`,
			`nodewatch_pass_duration_seconds_count`,
		} {
			if got[series] < 1 {
				t.Errorf("%s = %v, want at least 1", series, got[series])
			}
		}
		if queueMetricsActive { // see queueMetricsActive: the test binary links the API server
			if got[`workqueue_adds_total{name="nodewatch"}`] < 1 {
				t.Errorf("workqueue_adds_total{name=\"nodewatch\"} = %v, want at least 1", got[`workqueue_adds_total{name="nodewatch"}`])
			}
		} else {
			t.Log("workqueue metrics: another provider was installed first in this test binary; the e2e module checks them on the nodewatch binary")
		}
		for series := range got {
			if strings.Contains(series, lab.Password) {
				t.Errorf("a metric shows the NX-API password: %s", series)
			}
		}
		// The first pass was a full one: the leaves' changes are reported on the Lease, and each
		// labelled Node on itself.
		ev := eventOn(t, env, "Lease", "nodewatch", reasonLeafApplied)
		if !strings.Contains(ev.Message, "applied: ") || ev.Type != "Normal" {
			t.Errorf("Lease event %s %q, want a Normal leaf applied with counts", ev.Type, ev.Message)
		}
		eventOn(t, env, "Lease", "nodewatch", reasonCalicoApplied)
		eventOn(t, env, "Node", "node01", reasonNodesLabelled)
		assertNoSecretInEvents(t, env)
	})

	t.Run("a node joins its pair's leaves and its sessions come up", func(t *testing.T) {
		n := designNode("node03", "rack1", "192.168.1.14", "2001:192:168:1::14")
		change(t, func() { w[n.Name] = n; putNode(t, env, nodeOf(n)) }, []string{"rack1"})
		if got := annotation(t, env, "node03", node.IPv4AddressAnnotation); got != "192.168.1.14/24" {
			t.Errorf("node03 %s = %q, want 192.168.1.14/24", node.IPv4AddressAnnotation, got)
		}

		rctx, stopReporter := context.WithCancel(ctx)
		defer stopReporter()
		go env.Reporter.Run(rctx, 100*time.Millisecond)
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		in := intentOf(t, base, w.list())
		v, err := env.Syncer().WaitEstablished(wctx, in, 100*time.Millisecond)
		if err != nil {
			t.Fatalf("sessions: %v\n%v", err, v)
		}
		var mine int
		for _, s := range v.Sessions {
			if s.Node == "node03" {
				mine++
				if !s.Established() || !slices.Contains(rack1Leaves, s.Leaf) {
					t.Errorf("node03 session %+v: want up, on a rack1 leaf", s)
				}
			}
		}
		if mine != 4 { // two leaves, two families
			t.Errorf("node03 has %d sessions, want 4:\n%v", mine, v)
		}
	})

	t.Run("an address change moves the neighbor", func(t *testing.T) {
		n := designNode("node01", "rack1", "192.168.1.20", "2001:192:168:1::20")
		change(t, func() { w[n.Name] = n; putNode(t, env, nodeOf(n)) }, []string{"rack1"})
		if got := annotation(t, env, "node01", node.IPv6AddressAnnotation); got != "2001:192:168:1::20/64" {
			t.Errorf("node01 %s = %q, want 2001:192:168:1::20/64", node.IPv6AddressAnnotation, got)
		}
	})

	t.Run("a node moving to another pair changes both pairs", func(t *testing.T) {
		n := designNode("node02", "rack2", "192.168.1.13", "2001:192:168:1::13")
		change(t, func() { w[n.Name] = n; putNode(t, env, nodeOf(n)) }, []string{"rack1", "rack2"})
	})

	t.Run("a deleted node leaves", func(t *testing.T) {
		change(t, func() {
			delete(w, "node03")
			if err := env.Core.CoreV1().Nodes().Delete(ctx, "node03", metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}, []string{"rack1"})
	})

	t.Run("an unlabelled node leaves and stops peering", func(t *testing.T) {
		if got := annotation(t, env, "node11", node.IPv4AddressAnnotation); got != "192.168.1.21/24" {
			t.Fatalf("node11 %s = %q before it leaves, want 192.168.1.21/24", node.IPv4AddressAnnotation, got)
		}
		change(t, func() {
			delete(w, "node11")
			putNode(t, env, k8sNode("node11", "-", "192.168.1.21", "2001:192:168:1::21"))
		}, []string{"rack2"})
		if labels := leftTheDesign(t, env, "node11"); labels[node.LeafPairLabel] != "" {
			t.Errorf("node11 labels %v: nxcalico labelled it again", labels)
		}
		if ev := eventOn(t, env, "Node", "node11", reasonNodeCleared); !strings.Contains(ev.Message, node.IPv6AddressAnnotation) {
			t.Errorf("node11 event %q, want the annotations removed", ev.Message)
		}
	})

	t.Run("a node the design rejects is skipped, the others are reconciled", func(t *testing.T) {
		_, before := lastPass(a.r)
		resetRequests(env)
		// node99 names a pair the fabric does not have; node04 joins rack2 at the same time.
		putNode(t, env, k8sNode("node99", "rack9", "192.168.1.99"))
		n4 := designNode("node04", "rack2", "192.168.1.24", "2001:192:168:1::24")
		w[n4.Name] = n4
		putNode(t, env, nodeOf(n4))
		eventually(t, 10*time.Second, "leaves in step without node99", func() (bool, string) { return inStep(env, w) })
		eventually(t, 5*time.Second, "pass that skipped node99", func() (bool, string) {
			p, n := lastPass(a.r)
			return n > before && p.Problems == nil && p.Err == nil && skippedCode(p, "node99") == design.CodeUnknownLeafPair, fmt.Sprintf("%d passes, last %+v", n, p)
		})
		if r := requests(env, rack1Leaves); len(r) > 0 {
			t.Errorf("rack1 leaves received %d requests: %v", len(r), r)
		}
		ev := eventOn(t, env, "Node", "node99", reasonNodeSkipped)
		if ev.Type != "Warning" || !strings.Contains(ev.Message, string(design.CodeUnknownLeafPair)) || !strings.Contains(ev.Message, "rack9") {
			t.Errorf("node99 event = %s %q, want a Warning naming %s and rack9", ev.Type, ev.Message, design.CodeUnknownLeafPair)
		}
		if got := testutil.ToFloat64(a.r.metrics().nodesSkipped.WithLabelValues(string(design.CodeUnknownLeafPair))); got != 1 {
			t.Errorf("nodewatch_nodes_skipped{code=unknown-leaf-pair} = %v, want 1", got)
		}
		ev = eventOn(t, env, "Node", "node04", reasonLeafApplied)
		if !strings.Contains(ev.Message, "(pair rack2): applied: ") {
			t.Errorf("node04 event %q, want the rack2 leaf it changed and the counts", ev.Message)
		}

		// Fixing the label takes the node in without a restart.
		n99 := designNode("node99", "rack1", "192.168.1.99", "2001:192:168:1::99")
		change(t, func() { w[n99.Name] = n99; putNode(t, env, nodeOf(n99)) }, []string{"rack1"})
		eventOn(t, env, "Node", "node99", reasonNodeAccepted)
		if got := testutil.ToFloat64(a.r.metrics().nodesSkipped.WithLabelValues(string(design.CodeUnknownLeafPair))); got != 0 {
			t.Errorf("nodewatch_nodes_skipped{code=unknown-leaf-pair} = %v after the fix, want 0", got)
		}
	})

	t.Run("a node whose label the design rejects leaves and stops peering", func(t *testing.T) {
		// Another writer's address annotation is not nxcalico's to remove.
		n, err := env.Core.CoreV1().Nodes().Get(ctx, "node99", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n.Annotations[node.IPv6AddressAnnotation] = "2001:192:168:1::199/64"
		if _, err := env.Core.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		change(t, func() {
			delete(w, "node99")
			putNode(t, env, k8sNode("node99", "rack9", "192.168.1.99", "2001:192:168:1::99"))
		}, []string{"rack1"})
		n, err = env.Core.CoreV1().Nodes().Get(ctx, "node99", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if v := n.Annotations[node.IPv4AddressAnnotation]; v != "" {
			t.Errorf("node99 still carries %s=%s after leaving the design", node.IPv4AddressAnnotation, v)
		}
		if v := n.Annotations[node.IPv6AddressAnnotation]; v != "2001:192:168:1::199/64" {
			t.Errorf("node99 %s = %q, want the value another writer set", node.IPv6AddressAnnotation, v)
		}
		if n.Labels[node.LeafPairLabel] != "rack9" {
			t.Errorf("node99 labels %v: the rack label is the user's, want rack9 kept", n.Labels)
		}
		// Put it back where it was, so the next steps start from a design without skipped Nodes.
		n99 := designNode("node99", "rack1", "192.168.1.99", "2001:192:168:1::99")
		change(t, func() { w[n99.Name] = n99; putNode(t, env, nodeOf(n99)) }, []string{"rack1"})
	})

	t.Run("a burst of Node events coalesces", func(t *testing.T) {
		_, before := lastPass(a.r)
		burst := []design.Node{
			designNode("node05", "rack1", "192.168.1.30", "2001:192:168:1::30"),
			designNode("node06", "rack1", "192.168.1.31", "2001:192:168:1::31"),
			designNode("node07", "rack2", "192.168.1.32", "2001:192:168:1::32"),
		}
		for _, n := range burst {
			w[n.Name] = n
			putNode(t, env, nodeOf(n))
		}
		eventually(t, 10*time.Second, "leaves in step", func() (bool, string) { return inStep(env, w) })
		var planned int
		eventually(t, 5*time.Second, "passes recorded", func() (bool, string) {
			planned = 0
			pairs := map[string]bool{}
			for _, p := range a.r.history()[before:] {
				if p.Changed {
					planned++
					for _, pr := range p.Pairs {
						pairs[pr] = true
					}
				}
			}
			return pairs["rack1"] && pairs["rack2"], fmt.Sprintf("%+v", a.r.history()[before:])
		})
		// Three events within the debounce make one pass; a scheduling hiccup may make two, never
		// one per event.
		if planned >= len(burst) {
			t.Errorf("%d passes for a burst of %d events: %+v", planned, len(burst), a.r.history()[before:])
		}
		t.Logf("%d events → %d pass(es)", len(burst), planned)
	})

	t.Run("a failed pass is retried until the leaves are in step", func(t *testing.T) {
		_, before := lastPass(a.r)
		env.Sims["Leaf2201"].FailNext(1, 400) // the plan's read of Leaf2201 is refused once
		n := designNode("node12", "rack2", "192.168.1.22", "2001:192:168:1::22")
		w[n.Name] = n
		putNode(t, env, nodeOf(n))
		eventually(t, 10*time.Second, "leaves in step", func() (bool, string) { return inStep(env, w) })
		var failed, succeeded int
		eventually(t, 5*time.Second, "retry recorded", func() (bool, string) {
			failed, succeeded = 0, 0
			for _, p := range a.r.history()[before:] {
				switch {
				case p.Err != nil:
					failed++
				case p.Changed:
					succeeded++
					if !reflect.DeepEqual(p.Pairs, []string{"rack2"}) {
						t.Errorf("retry planned %v, want [rack2]", p.Pairs)
					}
				}
			}
			return succeeded > 0, fmt.Sprintf("%+v", a.r.history()[before:])
		})
		if failed != 1 || succeeded != 1 {
			t.Errorf("%d failed and %d successful passes, want 1 and 1: %+v", failed, succeeded, a.r.history()[before:])
		}
	})

	t.Run("shutdown stops cleanly and releases the Lease", func(t *testing.T) {
		if err := a.shutdown(t); err != nil {
			t.Fatalf("Run = %v, want nil after shutdown", err)
		}
		if got := holder(t, env, "nodewatch"); got != "" {
			t.Errorf("Lease holder after shutdown = %q, want released", got)
		}
	})

	t.Run("two replicas: only the leader reconciles, the other takes over", func(t *testing.T) {
		lease := "nodewatch-replicas"
		b := start(newTestReconciler(t, env, base, "replica-b", lease))
		b.awaitFirstPass(t)
		c := start(newTestReconciler(t, env, base, "replica-c", lease))
		defer c.stop()
		n := designNode("node04", "rack2", "192.168.1.15", "2001:192:168:1::15")
		_, before := lastPass(b.r)
		w[n.Name] = n
		putNode(t, env, nodeOf(n))
		eventually(t, 10*time.Second, "leaves in step", func() (bool, string) { return inStep(env, w) })
		eventually(t, 5*time.Second, "replica-b reconciled", func() (bool, string) {
			p, m := lastPass(b.r)
			return m > before && len(p.Pairs) > 0, fmt.Sprintf("%d passes, last %+v", m, p)
		})
		if _, m := lastPass(c.r); m != 0 {
			t.Errorf("replica-c ran %d passes while replica-b led", m)
		}
		if got := holder(t, env, lease); got != "replica-b" {
			t.Errorf("Lease holder = %q, want replica-b", got)
		}

		released := time.Now()
		if err := b.shutdown(t); err != nil {
			t.Fatalf("replica-b Run = %v", err)
		}
		resetRequests(env)
		eventually(t, 5*time.Second, "replica-c takes over", func() (bool, string) {
			p, m := lastPass(c.r)
			return m > 0 && p.Err == nil, fmt.Sprintf("%d passes", m)
		})
		t.Logf("take-over after release: %s", time.Since(released).Round(time.Millisecond))
		if p := c.r.history()[0]; !reflect.DeepEqual(p.Pairs, []string{"rack1", "rack2"}) || p.Changed {
			t.Errorf("new leader's first pass = %+v, want both pairs planned, nothing to change", p)
		}
		if n := posts(env, append(slices.Clone(rack1Leaves), rack2Leaves...)); n != 0 {
			t.Errorf("new leader posted %d times to leaves already in step", n)
		}
		if got := holder(t, env, lease); got != "replica-c" {
			t.Errorf("Lease holder = %q, want replica-c", got)
		}
		if err := c.shutdown(t); err != nil {
			t.Errorf("replica-c Run = %v", err)
		}
	})
	t.Run("resync corrects drift on a switch", func(t *testing.T) {
		r := newTestReconciler(t, env, base, "replica-d", "nodewatch-resync")
		r.Resync = 200 * time.Millisecond
		d := start(r)
		defer d.shutdown(t)
		d.awaitFirstPass(t)
		_, before := lastPass(d.r)
		dn := "sys/bgp/inst/dom-vrf-001/peer-[" + w["master"].IPv4.String() + "]"
		if err := env.Switches["Leaf2101"].Delete(ctx, dn); err != nil {
			t.Fatal(err)
		}
		if ok, _ := inStep(env, w); ok {
			t.Fatal("deleting a neighbor on the switch did not take")
		}
		eventually(t, 5*time.Second, "resync restores the neighbor", func() (bool, string) { return inStep(env, w) })
		eventually(t, 5*time.Second, "resync pass recorded", func() (bool, string) {
			for _, p := range d.r.history()[before:] {
				if p.Changed && reflect.DeepEqual(p.Pairs, []string{"rack1", "rack2"}) {
					return true, ""
				}
			}
			return false, fmt.Sprintf("%+v", d.r.history()[before:])
		})
	})
	t.Run("resync corrects drift in Calico's objects and on the Nodes", func(t *testing.T) {
		r := newTestReconciler(t, env, base, "replica-e", "nodewatch-resync-calico")
		r.Resync = 300 * time.Millisecond
		e := start(r)
		defer e.shutdown(t)
		e.awaitFirstPass(t)
		peers := env.Clientset.ProjectcalicoV3().BGPPeers()
		list, err := peers.List(ctx, metav1.ListOptions{})
		if err != nil || len(list.Items) == 0 {
			t.Fatalf("BGPPeers: %v, %d", err, len(list.Items))
		}
		drifted := list.Items[0].Name
		if err := peers.Delete(ctx, drifted, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		want := annotation(t, env, "master", node.IPv4AddressAnnotation)
		kn, err := env.Core.CoreV1().Nodes().Get(ctx, "master", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		kn.Annotations = maps.Clone(kn.Annotations)
		delete(kn.Annotations, node.IPv4AddressAnnotation)
		if _, err := env.Core.CoreV1().Nodes().Update(ctx, kn, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, 5*time.Second, "resync restores the BGPPeer and the annotation", func() (bool, string) {
			_, err := peers.Get(ctx, drifted, metav1.GetOptions{})
			got := annotation(t, env, "master", node.IPv4AddressAnnotation)
			return err == nil && got == want, fmt.Sprintf("BGPPeer %s: %v; annotation %q, want %q", drifted, err, got, want)
		})
	})
	t.Logf("end to end: %s", time.Since(started).Round(time.Millisecond))
}
