package integration_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design/designtest"
	"github.com/nxcalico/nxcalico/node"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/bgp"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/lab"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// neighborDN is where a leaf keeps its neighbor addr of the tenant VRF.
func neighborDN(in *design.Intent, addr netip.Addr) string {
	return "sys/bgp/inst/dom-" + in.Fabric.VRF + "/peer-[" + addr.String() + "]"
}

// assertNeighbors checks that every leaf of in holds exactly the neighbors in names for its nodes:
// every neighbor of the intent is on the simulator, and none of the gone addresses is.
func assertNeighbors(t *testing.T, env *lab.Lab, in *design.Intent, gone map[string][]netip.Addr) {
	t.Helper()
	for i := range in.Leaves {
		l := &in.Leaves[i]
		sim := env.Sims[l.Name]
		for _, n := range l.Neighbors {
			if sim.Get(neighborDN(in, n.Addr)) == nil {
				t.Errorf("leaf %s: neighbor %s (node %s) is not configured", l.Name, n.Addr, n.Node)
			}
		}
		for _, a := range gone[l.Name] {
			if sim.Get(neighborDN(in, a)) != nil {
				t.Errorf("leaf %s: neighbor %s is still configured", l.Name, a)
			}
		}
	}
}

// calicoNames reads back every Calico kind nxcalico applies, as "Kind/name", sorted.
func calicoNames(t *testing.T, ctx context.Context, env *lab.Lab) []string {
	t.Helper()
	c := env.Clientset.ProjectcalicoV3()
	var names []string
	cfgs, err := c.BGPConfigurations().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range cfgs.Items {
		names = append(names, "BGPConfiguration/"+o.Name)
	}
	pools, err := c.IPPools().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range pools.Items {
		names = append(names, "IPPool/"+o.Name)
	}
	filters, err := c.BGPFilters().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range filters.Items {
		names = append(names, "BGPFilter/"+o.Name)
	}
	peers, err := c.BGPPeers().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range peers.Items {
		names = append(names, "BGPPeer/"+o.Name)
	}
	slices.Sort(names)
	return names
}

// renderedNames is what calicoNames should read back for in.
func renderedNames(t *testing.T, in *design.Intent) []string {
	t.Helper()
	objs, err := calico.Render(in)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs.All() {
		names = append(names, o.GetObjectKind().GroupVersionKind().Kind+"/"+o.GetName())
	}
	slices.Sort(names)
	return names
}

// assertCalicoHolds checks that the API server holds exactly the Calico objects nxcalico renders
// for in.
func assertCalicoHolds(t *testing.T, ctx context.Context, env *lab.Lab, in *design.Intent) {
	t.Helper()
	if got, want := calicoNames(t, ctx, env), renderedNames(t, in); !slices.Equal(got, want) {
		t.Errorf("API server holds\n%v\nwant\n%v", got, want)
	}
}

// assertNodesPatched checks that every Node carries the labels and annotations in's node patches
// give it.
func assertNodesPatched(t *testing.T, ctx context.Context, env *lab.Lab, in *design.Intent) {
	t.Helper()
	for _, p := range node.Patches(in) {
		n, err := env.Core.CoreV1().Nodes().Get(ctx, p.Node, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range p.Labels {
			if n.Labels[k] != v {
				t.Errorf("node %s: label %s = %q, want %q", p.Node, k, n.Labels[k], v)
			}
		}
		for k, v := range p.Annotations {
			if n.Annotations[k] != v {
				t.Errorf("node %s: annotation %s = %q, want %q", p.Node, k, n.Annotations[k], v)
			}
		}
	}
}

// assertOnlyReads checks that no simulated leaf received anything but GETs (and logins) so far.
func assertOnlyReads(t *testing.T, env *lab.Lab, who string) {
	t.Helper()
	for _, sim := range env.Sims {
		for _, r := range sim.Requests() {
			if r.Method != http.MethodGet && !strings.Contains(r.Path, "aaa") {
				t.Errorf("%s sent %s %s", who, r.Method, r.Path)
			}
		}
	}
}

// planMentions are the names a first plan of in must show: its leaves, the Calico objects it
// renders and its nodes.
func planMentions(t *testing.T, in *design.Intent) []string {
	t.Helper()
	var mentions []string
	for _, l := range in.Leaves {
		mentions = append(mentions, l.Name)
	}
	mentions = append(mentions, renderedNames(t, in)...)
	for _, n := range in.Nodes {
		mentions = append(mentions, "node/"+n.Name)
	}
	return mentions
}

// firstApplyReport is the report Apply gives for a first plan of the case study: every leaf
// applied with the plan's counts, every Calico object created and the three nodes labelled.
func firstApplyReport(plan *nxcalico.Plan) string {
	var b strings.Builder
	for _, l := range plan.Leaves() {
		c, u, d := l.Counts()
		fmt.Fprintf(&b, "leaf %s: applied: %d created, %d updated, %d deleted\n", l.Leaf, c, u, d)
	}
	cc, _, _ := plan.Calico().Counts()
	fmt.Fprintf(&b, "calico: %d created, 0 updated, 0 deleted\nnodes: 3 labelled (master, node01, node02)\n", cc)
	return b.String()
}

func TestCaseStudy(t *testing.T) {
	ctx := testCtx(t)
	in := derive(t, design.CaseStudy())
	env := startLab(t, in)
	s := env.Syncer()
	var steps []nxcalico.Step
	s.Progress = func(st nxcalico.Step) { steps = append(steps, st) }

	var plan *nxcalico.Plan
	phase(t, "the first plan creates every leaf object, Calico object and node label", func(t *testing.T) {
		var err error
		plan, err = s.Plan(ctx, in)
		if err != nil {
			t.Fatalf("Plan: %v", err)
		}
		if plan.Empty() {
			t.Fatal("first plan is empty")
		}
		text := plan.String()
		for _, m := range planMentions(t, in) {
			if !strings.Contains(text, m) {
				t.Errorf("plan report does not mention %s", m)
			}
		}
		c, u, d := plan.Counts()
		if !strings.HasPrefix(text, fmt.Sprintf("Plan for cluster prod: 2 leaves, 3 nodes — %d to create, %d to update, %d to delete\n", c, u, d)) {
			t.Errorf("plan report summary line:\n%s", strings.SplitN(text, "\n", 2)[0])
		}
		summary := plan.Summary()
		for _, want := range []string{
			fmt.Sprintf("%d to create, %d to update, %d to delete\n", c, u, d),
			"Leaf2101  +", "Leaf2102  +", "calico    +8 ~0 -0  (projectcalico.org/v3)\n",
			"  create BGPPeer/", "nodes     ~3 (labels and annotations)\n",
		} {
			if !strings.Contains(summary, want) {
				t.Errorf("plan summary lacks %q:\n%s", want, summary)
			}
		}
		if d != 0 || len(plan.Nodes().Changes) != 3 {
			t.Errorf("first plan: %d deletes, %d node patches; want 0 and 3", d, len(plan.Nodes().Changes))
		}
	})

	t.Run("planning only reads the switches", func(t *testing.T) {
		assertOnlyReads(t, env, "Plan")
	})

	var rep *nxcalico.Report
	phase(t, "Apply configures the leaves, the Calico objects and the node labels", func(t *testing.T) {
		var err error
		rep, err = s.Apply(ctx, plan)
		if err != nil {
			t.Fatalf("Apply: %v", err)
		}
		for _, l := range rep.Leaves {
			if !l.Applied || l.Err != nil {
				t.Errorf("leaf %s: applied %v, err %v", l.Switch, l.Applied, l.Err)
			}
		}
		assertNeighbors(t, env, in, nil)
		assertCalicoHolds(t, ctx, env, in)
		assertNodesPatched(t, ctx, env, in)
		node01, err := env.Core.CoreV1().Nodes().Get(ctx, "node01", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if node01.Labels[node.LeafPairLabel] != "rack1" || node01.Annotations[node.IPv4AddressAnnotation] != "192.168.1.11/24" {
			t.Errorf("node01: labels %v annotations %v", node01.Labels, node01.Annotations)
		}
	})

	t.Run("the apply report and the progress steps name every side", func(t *testing.T) {
		if want := firstApplyReport(plan); rep.String() != want {
			t.Errorf("report:\n%s\nwant:\n%s", rep, want)
		}
		var seen []string
		for _, st := range steps {
			seen = append(seen, st.Side+" "+st.Name+" "+st.What)
		}
		for _, want := range []string{"leaf Leaf2101 planned", "calico  planned", "nodes  planned", "leaf Leaf2101 applied", "leaf Leaf2102 applied", "nodes  labelled", "calico  applied"} {
			if !slices.Contains(seen, want) {
				t.Errorf("no progress step %q in %q", want, seen)
			}
		}
	})

	phase(t, "before calico-node reports, the 12 sessions are up on the leaves only", func(t *testing.T) {
		if err := env.Reporter.Report(ctx); err != nil { // no CalicoNodeStatus yet: Verify creates them
			t.Fatal(err)
		}
		first, err := s.Verify(ctx, in)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if first.Established() || len(first.Sessions) != 12 {
			t.Fatalf("before calico-node reported: %d sessions, established %v", len(first.Sessions), first.Established())
		}
		for _, ss := range first.Sessions {
			if ss.LeafState != bgp.StateEstablished || ss.NodeState != "" {
				t.Errorf("before calico-node reported: %+v", ss)
			}
		}
	})

	t.Run("once calico-node reports, the 12 sessions are established on both ends", func(t *testing.T) {
		if err := env.Reporter.Report(ctx); err != nil {
			t.Fatal(err)
		}
		v, err := s.WaitEstablished(ctx, in, 0)
		if err != nil {
			t.Fatalf("WaitEstablished: %v", err)
		}
		if len(v.Sessions) != 12 || len(v.Down()) != 0 {
			t.Errorf("verification: %d sessions, %d down\n%s", len(v.Sessions), len(v.Down()), v)
		}
		for _, ss := range v.Sessions {
			if ss.LeafState != bgp.StateEstablished || ss.NodeState != "Established" {
				t.Errorf("session %+v not up on both ends", ss)
			}
		}
		if !strings.Contains(v.String(), "node01  IPv6    Leaf2102  2001:192:168:1::11  2001:193:168:1::5  established  Established  yes") {
			t.Errorf("verification table:\n%s", v)
		}
	})

	var again *nxcalico.Plan
	phase(t, "a second plan finds nothing to change", func(t *testing.T) {
		var err error
		again, err = s.Plan(ctx, in)
		if err != nil {
			t.Fatalf("second Plan: %v", err)
		}
		if !again.Empty() {
			t.Errorf("second plan is not empty:\n%s", again)
		}
		if c, u, d := again.Counts(); c+u+d != 0 {
			t.Errorf("second plan counts %d/%d/%d", c, u, d)
		}
		if !strings.Contains(again.String(), "Leaf2101: no changes") {
			t.Errorf("second plan report:\n%s", again)
		}
	})

	t.Run("applying the empty plan sends the switches nothing", func(t *testing.T) {
		for _, sim := range env.Sims {
			sim.ResetRequests()
		}
		if _, err := s.Apply(ctx, again); err != nil {
			t.Fatal(err)
		}
		for name, sim := range env.Sims {
			if n := len(sim.Requests()); n != 0 {
				t.Errorf("leaf %s: an empty plan sent %d requests", name, n)
			}
		}
	})
}

// movedLoopback is the case study with Leaf2102's IPv4 peering loopback moved to 192.168.100.9:
// Calico's peer of the old address goes, a peer of the new one comes.
func movedLoopback() *design.Design {
	d := design.CaseStudy()
	d.Fabric.LeafPairs[0].Leaves[1].PeeringLoopback.IPv4 = netip.MustParsePrefix("192.168.100.9/32")
	return d
}

// syncerFor returns a Syncer on env with the switch clients of in's leaves only.
func syncerFor(env *lab.Lab, in *design.Intent) *nxcalico.Syncer {
	s := env.Syncer()
	s.Switches = map[string]*nxos.Client{}
	for _, l := range in.Leaves {
		s.Switches[l.Name] = env.Switches[l.Name]
	}
	return s
}

// bgpPeerChanges names the BGPPeers plan's Calico side changes with action.
func bgpPeerChanges(plan *nxcalico.Plan, action change.Action) []string {
	var names []string
	for _, ch := range plan.Calico().Changes {
		if ch.Action == action && ch.Object.Kind == "BGPPeer" {
			names = append(names, ch.Object.Name)
		}
	}
	return names
}

// leafDeletes counts the objects plan deletes on all leaves.
func leafDeletes(plan *nxcalico.Plan) int {
	n := 0
	for _, l := range plan.Leaves() {
		_, _, d := l.Counts()
		n += d
	}
	return n
}

// recordedPosts returns the configuration POSTs rec saw, failing the test when the BGPPeers could
// not be listed for one of them: the order checks would then prove nothing.
func recordedPosts(t *testing.T, rec *postRecorder) []configPost {
	t.Helper()
	posts := rec.list()
	for _, p := range posts {
		if p.Err != nil {
			t.Fatalf("listing BGPPeers during a POST to %s: %v", p.Leaf, p.Err)
		}
	}
	return posts
}

// TestApplyOrder checks the order of the two sides against the servers themselves: each leaf's
// configuration POST is checked, at the moment the simulator receives it, against the BGPPeers on
// the API server.
func TestApplyOrder(t *testing.T) {
	t.Run("additions: leaves before Calico peers", func(t *testing.T) {
		ctx := testCtx(t)
		in := derive(t, designtest.TwoPairs())
		env := startLab(t, in)
		rec := recordPosts(t, env)
		s := env.Syncer()
		phase(t, "every leaf receives its configuration before any BGPPeer exists", func(t *testing.T) {
			plan, err := s.Plan(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Apply(ctx, plan); err != nil {
				t.Fatal(err)
			}
			posted := map[string]bool{}
			for _, p := range recordedPosts(t, rec) {
				posted[p.Leaf] = true
				if len(p.Peers) != 0 {
					t.Errorf("leaf %s received its configuration after BGPPeers %v existed", p.Leaf, p.Peers)
				}
			}
			if len(posted) != 4 {
				t.Errorf("configuration POSTs reached %v, want all four leaves", posted)
			}
		})
		t.Run("afterwards the API server holds the 8 BGPPeers and the leaves every neighbor", func(t *testing.T) {
			peers, err := bgpPeerNames(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			if len(peers) != 8 { // 2 pairs × 2 leaves × 2 families, per pair
				t.Errorf("after Apply: BGPPeers %v, want 8", peers)
			}
			assertNeighbors(t, env, in, nil)
		})
	})

	removals := []struct {
		name   string
		before func() *design.Design
		after  func() *design.Design
		// gone are the neighbors the leaves must no longer have.
		gone map[string][]netip.Addr
	}{
		{
			name:   "remove node02 and the pair rack2",
			before: designtest.TwoPairs,
			after: func() *design.Design {
				d := design.CaseStudy()
				d.Cluster.Nodes = slices.DeleteFunc(d.Cluster.Nodes, func(n design.Node) bool { return n.Name == "node02" })
				return d
			},
			gone: map[string][]netip.Addr{
				"Leaf2101": {netip.MustParseAddr("192.168.1.13"), netip.MustParseAddr("2001:192:168:1::13")},
				"Leaf2102": {netip.MustParseAddr("192.168.1.13"), netip.MustParseAddr("2001:192:168:1::13")},
			},
		},
		{
			name:   "move a leaf loopback",
			before: design.CaseStudy,
			after:  movedLoopback,
		},
	}
	for _, tc := range removals {
		t.Run("removals: "+tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			before, after := derive(t, tc.before()), derive(t, tc.after())
			env := startApplied(t, ctx, before)
			s := syncerFor(env, after)

			var plan *nxcalico.Plan
			var deleted, created []string
			phase(t, "the plan deletes BGPPeers and leaf objects", func(t *testing.T) {
				var err error
				plan, err = s.Plan(ctx, after)
				if err != nil {
					t.Fatal(err)
				}
				deleted = bgpPeerChanges(plan, change.Delete)
				if n := leafDeletes(plan); len(deleted) == 0 || n == 0 {
					t.Fatalf("plan deletes BGPPeers %v and %d leaf objects; the test needs both:\n%s", deleted, n, plan)
				}
				created = bgpPeerChanges(plan, change.Create)
			})

			rec := recordPosts(t, env)
			phase(t, "leaves remove after Calico stopped peering and add before Calico starts", func(t *testing.T) {
				rep, err := s.Apply(ctx, plan)
				if err != nil {
					t.Fatal(err)
				}
				if rep.CalicoRemoved == nil || len(rep.CalicoRemoved.Deleted) < len(deleted) {
					t.Errorf("report: Calico removed %+v, want %v", rep.CalicoRemoved, deleted)
				}
				posts := recordedPosts(t, rec)
				if len(posts) == 0 {
					t.Fatal("no leaf received a configuration POST")
				}
				for _, p := range posts {
					// Make before break: a leaf removes only once Calico stopped peering, and adds
					// before Calico starts.
					for _, name := range deleted {
						if p.Removes && slices.Contains(p.Peers, name) {
							t.Errorf("leaf %s received its removals while BGPPeer %s, which the plan deletes, still existed", p.Leaf, name)
						}
					}
					for _, name := range created {
						if !p.Removes && slices.Contains(p.Peers, name) {
							t.Errorf("leaf %s received its additions after BGPPeer %s, which the plan creates, existed", p.Leaf, name)
						}
					}
				}
			})

			t.Run("afterwards the API server and the leaves hold the new design only", func(t *testing.T) {
				peers, err := bgpPeerNames(ctx, env)
				if err != nil {
					t.Fatal(err)
				}
				for _, name := range deleted {
					if slices.Contains(peers, name) {
						t.Errorf("BGPPeer %s is still on the API server", name)
					}
				}
				assertCalicoHolds(t, ctx, env, after)
				assertNeighbors(t, env, after, tc.gone)
			})

			t.Run("a plan after the removal finds nothing to change", func(t *testing.T) {
				again, err := s.Plan(ctx, after)
				if err != nil {
					t.Fatal(err)
				}
				if !again.Empty() {
					t.Errorf("plan after the removal is not empty:\n%s", again)
				}
			})
		})
	}
}

// rejectConfig makes sim refuse configuration POSTs (not the login) with status, from the first.
func rejectConfig(sim *nxostest.Server, status, count int) {
	sim.Inject(nxostest.Fault{Nth: 1, Count: count, Status: status, Match: func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/mo/sys")
	}})
}

func TestApplyFailureStopsTheRun(t *testing.T) {
	in := derive(t, design.CaseStudy())
	node := netip.MustParseAddr("192.168.1.10")
	tests := []struct {
		name         string
		allOrNothing bool
		// wantErr are fragments the error must contain.
		wantErr []string
		// leaf2101 is whether Leaf2101 keeps its new neighbors after the run.
		leaf2101 bool
	}{
		{
			name:     "independent switches",
			wantErr:  []string{"applying the leaves' additions stopped the run (so far: changed leaves Leaf2101; plan and apply again", "Leaf2102", "400"},
			leaf2101: true,
		},
		{
			name:         "all or nothing",
			allOrNothing: true,
			wantErr:      []string{"applying the leaves' additions stopped the run (so far: restored leaves Leaf2101; plan and apply again", "Leaf2102", "400"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			env := startLab(t, in)
			s := env.Syncer()
			s.AllOrNothing = tc.allOrNothing
			s.Concurrency = 1 // Leaf2101 first, so that it is changed when Leaf2102 fails
			plan, err := s.Plan(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			rejectConfig(env.Sims["Leaf2102"], http.StatusBadRequest, 10)
			rep, err := s.Apply(ctx, plan)
			if err == nil {
				t.Fatal("Apply succeeded with Leaf2102 refusing its configuration")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
			var apiErr *nxos.APIError
			if !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
				t.Errorf("error does not carry the switch's refusal: %v", err)
			}
			if rep == nil || len(rep.Leaves) != 2 || rep.Leaves[1].Err == nil || rep.CalicoApplied != nil || len(rep.Nodes) != 0 {
				t.Fatalf("report %+v", rep)
			}
			if got := env.Sims["Leaf2101"].Get(neighborDN(in, node)) != nil; got != tc.leaf2101 {
				t.Errorf("Leaf2101 has neighbor %s: %v, want %v", node, got, tc.leaf2101)
			}
			if env.Sims["Leaf2102"].Get(neighborDN(in, node)) != nil {
				t.Errorf("Leaf2102 has neighbor %s after refusing its configuration", node)
			}
			if peers, err := bgpPeerNames(ctx, env); err != nil || len(peers) != 0 {
				t.Errorf("BGPPeers after a leaf failed: %v (%v)", peers, err)
			}
			if got := calicoNames(t, ctx, env); len(got) != 0 {
				t.Errorf("Calico objects after a leaf failed: %v", got)
			}
			n, err := env.Core.CoreV1().Nodes().Get(ctx, "master", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(n.Labels) != 0 {
				t.Errorf("node master labelled after a leaf failed: %v", n.Labels)
			}
		})
	}

	t.Run("Calico refuses a peer", func(t *testing.T) {
		ctx := testCtx(t)
		env := startLab(t, in)
		s := env.Syncer()
		plan, err := s.Plan(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		// Between plan and apply, another manager takes one BGPPeer's fields: server-side apply
		// without force refuses to overwrite them.
		objs, err := calico.Render(in)
		if err != nil {
			t.Fatal(err)
		}
		taken := objs.BGPPeers[0].Name
		foreign := &v3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: taken},
			Spec: v3.BGPPeerSpec{PeerIP: "192.0.2.99", ASNumber: numorstring.ASNumber(64999)}}
		if _, err := env.Clientset.ProjectcalicoV3().BGPPeers().Create(ctx, foreign, metav1.CreateOptions{FieldManager: "someone-else"}); err != nil {
			t.Fatal(err)
		}
		rep, err := s.Apply(ctx, plan)
		if err == nil {
			t.Fatal("Apply succeeded over another manager's BGPPeer")
		}
		for _, w := range []string{"applying Calico objects stopped the run (so far: changed leaves Leaf2101, Leaf2102; 3 nodes labelled; Calico objects ", taken} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error does not say %q:\n%v", w, err)
			}
		}
		if rep.CalicoApplied == nil || slices.ContainsFunc(rep.CalicoApplied.Created, func(r calico.ObjectRef) bool { return r.Name == taken }) {
			t.Errorf("report of the Calico phase: %+v", rep.CalicoApplied)
		}
		got, err := env.Clientset.ProjectcalicoV3().BGPPeers().Get(ctx, taken, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Spec.PeerIP != "192.0.2.99" {
			t.Errorf("the other manager's BGPPeer was overwritten: peerIP %s", got.Spec.PeerIP)
		}
	})
}
