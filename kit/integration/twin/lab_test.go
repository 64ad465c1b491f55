package twin_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/twin"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	"github.com/nxcalico/nxcalico/kit/twinlab"
)

var (
	apiOnce sync.Once
	apiSrv  *calicotest.Server
	apiErr  error
)

// sharedAPI starts one in-process Kubernetes API server per test binary.
func sharedAPI(t testing.TB) *calicotest.Server {
	t.Helper()
	apiOnce.Do(func() {
		apiSrv, apiErr = calicotest.Start(context.Background(), calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}})
	})
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	return apiSrv
}

// env is a twin driven the way a user drives real switches and a cluster: a Syncer over the lab's
// NX-API fronts and the cluster.
type env struct {
	lab    *twin.Lab
	in     *design.Intent
	syncer *nxcalico.Syncer
}

const testPassword = `twin-"bgp"\pass`

// startEnv starts a twin of d on the emptied shared API server and applies the design with a
// Syncer.
func startEnv(t testing.TB, ctx context.Context, d *design.Design, tag string) *env {
	t.Helper()
	needTwin(t)
	in := derive(t, d)
	e, err := twinlab.Start(ctx, in, twinlab.Options{API: sharedAPI(t), Password: design.NewSecret(testPassword),
		Twin: twin.Options{Prefix: testPrefix(tag)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if left := namespacesWith(t, testPrefix(tag)); len(left) > 0 {
			t.Errorf("Close left namespaces %v", left)
		}
	})
	s, err := e.Syncer()
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
	return &env{lab: e.Lab, in: in, syncer: s}
}

// checkAll runs every check and fails the test for each failed one.
func (e *env) checkAll(t *testing.T, ctx context.Context, opts ...twin.CheckOptions) *twin.Report {
	t.Helper()
	var o twin.CheckOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	r, err := e.lab.Check(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", r)
	for _, c := range r.Failed() {
		t.Errorf("check %s failed: %s\n  %s", c.Name, c.Summary, strings.Join(c.Details, "\n  "))
	}
	for _, lt := range e.lab.Topology.Leaves {
		if err := e.lab.Leaf(lt.Name).Err(); err != nil {
			t.Errorf("leaf %s: %v", lt.Name, err)
		}
	}
	return r
}

func TestCaseStudy(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	e := startEnv(t, ctx, design.CaseStudy(), "c")
	// Verify reads both ends from the real daemons, through the NX-API fronts and CalicoNodeStatus.
	v, err := e.syncer.WaitEstablished(ctx, e.in, 250*time.Millisecond)
	if err != nil {
		t.Fatalf("WaitEstablished: %v\n%v", err, v)
	}
	if len(v.Sessions) != 12 {
		t.Errorf("%d sessions verified, want 12", len(v.Sessions))
	}
	r := e.checkAll(t, ctx)
	for _, name := range []string{twin.CheckSessions, twin.CheckRoutes, twin.CheckPackets, twin.CheckService, twin.CheckColoring,
		twin.CheckRouteSafety, twin.CheckMaximumPfx, twin.CheckFailover, twin.CheckRouteFilters} {
		if c := r.Check(name); c == nil || c.Result != twin.Pass {
			t.Errorf("check %s: %+v", name, c)
		}
	}
	// A second plan is empty: the leaves' FRR and the nodes' BIRD run what the switches and the
	// cluster hold.
	again, err := e.syncer.Plan(ctx, e.in)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Empty() {
		t.Errorf("second plan not empty:\n%s", again)
	}
}

// TestTwoRacks runs two racks of two nodes, with shared loopbacks (colored) and with unique ones:
// traffic crosses the fabric, and with shared loopbacks no node or leaf takes another pair's copy.
// The service probe is left out: across two racks its answer did not come back (open finding).
func TestTwoRacks(t *testing.T) {
	for _, shared := range []bool{true, false} {
		name := "unique-loopbacks"
		if shared {
			name = "shared-loopbacks"
		}
		t.Run(name, func(t *testing.T) {
			ctx := testContext(t, 5*time.Minute)
			e := startEnv(t, ctx, designtest.Racks(2, 2, shared), map[bool]string{true: "s", false: "u"}[shared])
			if e.in.Cluster.SharedLoopbacks != shared {
				t.Fatalf("design: shared loopbacks %v", e.in.Cluster.SharedLoopbacks)
			}
			r := e.checkAll(t, ctx)
			want := []string{twin.CheckSessions, twin.CheckRoutes, twin.CheckPackets, twin.CheckService, twin.CheckRouteSafety,
				twin.CheckMaximumPfx, twin.CheckFailover, twin.CheckRouteFilters}
			if shared {
				want = append(want, twin.CheckColoring)
			}
			for _, n := range want {
				if c := r.Check(n); c == nil || c.Result != twin.Pass {
					t.Errorf("check %s did not pass: %+v", n, c)
				}
			}
		})
	}
}

// TestRouteFiltersOff runs the case study without route filters. With static node routes the
// design is refused (the leaves would send their loopbacks over the sessions that use them, and
// the nodes' routes stop resolving); with Calico's reachableBy it routes, and the twin says
// plainly what the missing filters let through.
func TestRouteFiltersOff(t *testing.T) {
	d := design.CaseStudy()
	d.Peering.RouteFilters = design.Bool(false)
	var problems design.Problems
	if err := d.Validate(); !errors.As(err, &problems) || problems[0].Code != design.CodeUnfilteredLoopbacks {
		t.Fatalf("routeFilters false with static routes: %v", err)
	}
	d.Peering.NodeReachability = design.ReachableBy
	ctx := testContext(t, 5*time.Minute)
	e := startEnv(t, ctx, d, "o")
	// Checks that fail here fail at once; a short settle time keeps them from waiting for a
	// change that will not come.
	r, err := e.lab.Check(ctx, twin.CheckOptions{Settle: 15 * time.Second, SkipFailover: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", r)
	// (Failover is not run here: with reachableBy, BIRD resolves both leaves' loopbacks through
	// whichever uplink it picks for the gateway, so a node's two twin uplinks do not stand in for
	// its port-channel.)
	for _, name := range []string{twin.CheckSessions, twin.CheckPackets, twin.CheckService, twin.CheckMaximumPfx} {
		if c := r.Check(name); c == nil || c.Result != twin.Pass {
			t.Errorf("check %s: %+v", name, c)
		}
	}
	// What filters would have kept out reaches both ends.
	for _, name := range []string{twin.CheckRouteFilters, twin.CheckRouteSafety} {
		if c := r.Check(name); c == nil || c.Result != twin.Fail {
			t.Errorf("check %s passed without route filters: %+v", name, c)
		}
	}
}

// TestPodBlocksToNodes runs the white paper's own data path: the leaves send every node the other
// nodes' pod blocks (peering.advertisePodBlocks, pools without IPIP), every node learns them with
// the AS path as-override makes, and pods reach each other across both racks.
func TestPodBlocksToNodes(t *testing.T) {
	d := designtest.Racks(2, 2, true)
	d.Peering.AdvertisePodBlocks = design.Bool(true)
	for i := range d.Cluster.IPPools {
		d.Cluster.IPPools[i].Encapsulation, d.Cluster.IPPools[i].EncapsulationMode = design.EncapNone, ""
	}
	ctx := testContext(t, 5*time.Minute)
	e := startEnv(t, ctx, d, "p")
	r := e.checkAll(t, ctx, twin.CheckOptions{SkipFailover: true}) // failover: see TestTwoRacks
	for _, name := range []string{twin.CheckPodRoutes, twin.CheckPackets, twin.CheckRoutes, twin.CheckColoring, twin.CheckRouteSafety} {
		if c := r.Check(name); c == nil || c.Result != twin.Pass {
			t.Errorf("check %s: %+v", name, c)
		}
	}
}
