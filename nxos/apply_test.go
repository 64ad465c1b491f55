package nxos

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

func TestApplyCaseStudyThenPlanIsEmpty(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	sim := newSim(t)
	c := simClient(t, sim, nil)

	p := planApply(t, c, cfg)
	if p.Empty() || p.Requests() != 2 {
		t.Fatalf("first plan on a blank switch: %d changes, %d requests; want changes and 2 requests", len(p.Changes), p.Requests())
	}
	want := []string{
		"POST /api/aaaLogin.json OK",
		"GET /api/mo/sys.json OK",
		"POST /api/mo/sys.json OK", // features
		"POST /api/mo/sys.json OK", // configuration
	}
	if got := requestLines(sim); !slices.Equal(got, want) {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Read the switch's state directly: every desired object is there with its properties.
	st := simState(t, sim)
	desired, _ := flattenDesired(cfg.Config)
	for _, k := range desired.order {
		w := desired.objs[k]
		got := st[k]
		if got == nil {
			t.Fatalf("switch lacks %s", w.dn)
		}
		cls, _ := dme.Lookup(w.class)
		for a, v := range w.attrs {
			if d, _ := cls.Attr(a); !sameValue(d, v, got.attrs[a]) {
				t.Fatalf("%s: %s = %q on the switch, want %q", w.dn, a, got.attrs[a], v)
			}
		}
	}
	if st[mustKey("sys/fm/bgp")].attrs["adminSt"] != "enabled" {
		t.Fatal("feature bgp is not enabled on the switch")
	}

	sim.ResetRequests()
	p2, err := c.Plan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !p2.Empty() {
		t.Fatalf("second plan is not empty:\n%s", p2)
	}
	if got := requestLines(sim); !slices.Equal(got, []string{"GET /api/mo/sys.json OK"}) {
		t.Fatalf("second plan requests: %v", got)
	}
	if err := c.Apply(context.Background(), p2); err != nil || len(sim.Requests()) != 1 {
		t.Fatalf("applying an empty plan sent requests or failed: %v, %v", err, requestLines(sim))
	}
}

func TestPlanApplyRequestCountWithFeaturesOn(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2102"]
	sim := newSim(t)
	if err := sim.Load(cfg.Features); err != nil {
		t.Fatal(err)
	}
	c := simClient(t, sim, nil)
	p := planApply(t, c, cfg)
	if p.Requests() != 1 || p.FeaturesBody() != nil {
		t.Fatalf("plan with features on: %d requests, features body %v", p.Requests(), p.FeaturesBody())
	}
	want := []string{"POST /api/aaaLogin.json OK", "GET /api/mo/sys.json OK", "POST /api/mo/sys.json OK"}
	if got := requestLines(sim); !slices.Equal(got, want) {
		t.Fatalf("plan+apply requests = %v, want login + 1 GET + 1 POST", got)
	}
	if sim.Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]") == nil {
		t.Fatal("neighbor missing on the switch after apply")
	}
}

func TestRemovedNodeDeletesExactlyItsNeighbors(t *testing.T) {
	full := caseStudy(t, nil, "")["Leaf2101"]
	smaller := caseStudy(t, func(d *design.Design) {
		d.Cluster.Nodes = slices.DeleteFunc(d.Cluster.Nodes, func(n design.Node) bool { return n.Name == "node02" })
	}, "")["Leaf2101"]
	sim := newSim(t)
	c := simClient(t, sim, nil)
	planApply(t, c, full)
	before := simState(t, sim)

	p := planApply(t, c, smaller)
	want := []string{
		"- sys/bgp/inst/dom-vrf-001/peer-[192.168.1.13] bgpPeer",
		"- sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::13] bgpPeer",
	}
	if got := lines(p); !slices.Equal(got, want) {
		t.Fatalf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	onlyBefore, onlyAfter, changed := stateDiff(before, simState(t, sim))
	for _, k := range onlyBefore {
		if !strings.Contains(k, "peer-192.168.1.13") && !strings.Contains(k, "peer-2001:192:168:1::13") {
			t.Fatalf("apply removed %s, which is not a neighbor of node02", k)
		}
	}
	if len(onlyBefore) < 4 || len(onlyAfter) > 0 || len(changed) > 0 {
		t.Fatalf("switch change: removed %v, added %v, changed %v; want exactly node02's neighbors (with their families and sessions) removed", onlyBefore, onlyAfter, changed)
	}
}

func TestPruneLeavesForeignObjectsAlone(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	sim := newSim(t)
	foreign := []*dme.Object{
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.200]", "addr", "192.168.1.200", "peerImp", "OTHER", "asn", "65000"),
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.201]", "addr", "192.168.1.201", "asn", "65001"),
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-002/peer-[192.168.1.12]", "addr", "192.168.1.12", "peerImp", "CALICO"),
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-default/peer-[10.2.1.5]", "addr", "10.2.1.5", "asn", "65102"),
		dme.New("rtmapRule", "dn", "sys/rpm/rtmap-[foreign-map]", "name", "foreign-map").Add(
			dme.New("rtmapEntry", "order", "10", "action", "deny")),
		dme.New("rtpfxRuleV4", "dn", "sys/rpm/pfxlistv4-[foreign-list]", "name", "foreign-list").Add(
			dme.New("rtpfxEntry", "order", "5", "action", "permit", "pfx", "10.0.0.0/8")),
		dme.New("bgpPeerCont", "dn", "sys/bgp/inst/dom-default/peercont-OTHER", "name", "OTHER", "asn", "65000"),
		// a stale neighbor of ours: pruned
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.99]", "addr", "192.168.1.99", "peerImp", "CALICO"),
	}
	for _, o := range foreign {
		if err := sim.Load(o); err != nil {
			t.Fatal(err)
		}
	}
	before := simState(t, sim)
	c := simClient(t, sim, nil)
	p := planApply(t, c, cfg)
	_, _, de := p.Counts()
	if de != 1 {
		t.Fatalf("plan deletes %d objects, want 1 (the stale CALICO neighbor):\n%s", de, p)
	}
	after := simState(t, sim)
	for _, f := range foreign {
		root := mustKey(f.Get("dn"))
		for k, o := range before {
			if k != root && !isBelow(k, root) {
				continue
			}
			a := after[k]
			if strings.Contains(k, "192.168.1.99") {
				if a != nil {
					t.Fatalf("stale neighbor %s of ours survived", k)
				}
				continue
			}
			if a == nil || !equalAttrs(a.attrs, o.attrs) {
				t.Fatalf("foreign object %s was changed or removed: before %v, after %v", k, o.attrs, a)
			}
		}
	}
}

func TestInvalidObjectIsRefusedAndStateUnchanged(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	sim := newSim(t)
	c := simClient(t, sim, nil)
	planApply(t, c, cfg)
	before := simState(t, sim)
	sim.ResetRequests()

	// Refused by the client: nothing is sent.
	bad := &LeafConfig{Leaf: cfg.Leaf, Features: cfg.Features, Config: cfg.Config.Clone()}
	bad.Config.Add(dme.New("bgpEntity").Add(dme.New("bgpInst").Add(dme.New("bgpDom", "name", "vrf-001").Add(
		dme.New("bgpPeer", "addr", "192.168.1.50", "peerImp", "CALICO", "ttl", "300")))))
	_, err := c.Plan(context.Background(), bad)
	if err == nil || !strings.Contains(err.Error(), `bgpPeer.ttl="300"`) || !strings.Contains(err.Error(), "Leaf2101") {
		t.Fatalf("plan of an invalid neighbor: err = %v, want the leaf, property and value", err)
	}
	for _, r := range sim.Requests() {
		if r.Method == http.MethodPost {
			t.Fatalf("a POST was sent for an invalid plan: %+v", r)
		}
	}

	// Refused by the switch: the whole POST is rejected, with a typed error.
	body := dme.New("topSystem").Add(dme.New("bgpEntity").Add(dme.New("bgpInst").Add(dme.New("bgpDom", "name", "vrf-001").Add(
		dme.New("bgpPeer", "addr", "192.168.1.51", "peerImp", "CALICO"),
		dme.New("bgpPeer", "addr", "192.168.1.52", "peerImp", "CALICO", "ttl", "300"),
	))))
	err = c.Post(context.Background(), "sys", body)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Code == "" || !strings.Contains(ae.Text, "ttl") || ae.DN != "sys" {
		t.Fatalf("err = %#v, want *APIError 400 naming ttl", err)
	}
	onlyBefore, onlyAfter, changed := stateDiff(before, simState(t, sim))
	if len(onlyBefore)+len(onlyAfter)+len(changed) > 0 {
		t.Fatalf("refused POST changed the switch: removed %v, added %v, changed %v", onlyBefore, onlyAfter, changed)
	}
}

func TestApplyRetriesAndRecovers(t *testing.T) {
	tests := []struct {
		name   string
		fault  func(sim *nxostest.Server)
		status []int // statuses of the configuration POST attempts
	}{
		{"5xx twice then success", func(sim *nxostest.Server) {
			sim.Inject(nxostest.Fault{Count: 2, Status: http.StatusServiceUnavailable, Match: isConfigPost})
		}, []int{503, 503, 200}},
		{"connection reset then success", func(sim *nxostest.Server) {
			sim.Inject(nxostest.Fault{Reset: true, Match: isConfigPost})
		}, []int{0, 200}},
		{"session expired before the POST", func(sim *nxostest.Server) {
			sim.BeforeRequest(func(r *http.Request) {
				if isConfigPost(r) {
					sim.ExpireTokens()
					sim.BeforeRequest(nil)
				}
			})
		}, []int{403, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := caseStudy(t, nil, "")["Leaf2101"]
			sim := newSim(t)
			if err := sim.Load(cfg.Features); err != nil {
				t.Fatal(err)
			}
			c := simClient(t, sim, nil)
			tt.fault(sim)
			planApply(t, c, cfg)
			var got []int
			for _, r := range sim.Requests() {
				if r.Method == http.MethodPost && r.Path == "/api/mo/sys.json" {
					got = append(got, r.Status)
				}
			}
			if !slices.Equal(got, tt.status) {
				t.Fatalf("configuration POST statuses = %v, want %v", got, tt.status)
			}
			if sim.Get("sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::13]") == nil {
				t.Fatal("configuration is not on the switch after recovery")
			}
			p, err := c.Plan(context.Background(), cfg)
			if err != nil || !p.Empty() {
				t.Fatalf("plan after recovery: %v\n%s", err, p)
			}
		})
	}
}

func isConfigPost(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/api/mo/sys.json"
}

func TestApplyHonoursCancellation(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	sim := newSim(t)
	c := simClient(t, sim, nil)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := c.Plan(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	before := simState(t, sim)
	cancel()
	if err := c.Apply(ctx, p); !errors.Is(err, context.Canceled) {
		t.Fatalf("apply with a cancelled context: err = %v", err)
	}
	if a, b, ch := stateDiff(before, simState(t, sim)); len(a)+len(b)+len(ch) > 0 {
		t.Fatal("cancelled apply changed the switch")
	}
}

func TestPasswordIsSentOnCreateOnly(t *testing.T) {
	const pw = `bgp"pass\word`
	cfg := caseStudy(t, nil, pw)["Leaf2101"]
	sim := newSim(t)
	c := simClient(t, sim, nil)
	p := planApply(t, c, cfg)
	if strings.Contains(p.String(), "bgp\"pass") {
		t.Fatal("plan text reveals the password")
	}
	stored := sim.Get("sys/bgp/inst/dom-default/peercont-CALICO").Get("password")
	if stored == "" || stored == pw {
		t.Fatalf("template password on the switch = %q, want the type-7 form", stored)
	}
	p2, err := c.Plan(context.Background(), cfg)
	if err != nil || !p2.Empty() {
		t.Fatalf("write-only password caused a second change: %v\n%s", err, p2)
	}
	p3, err := c.Plan(context.Background(), cfg, RotateSecrets())
	if err != nil {
		t.Fatal(err)
	}
	if _, up, _ := p3.Counts(); up != 2 { // both templates
		t.Fatalf("rotation plan:\n%s", p3)
	}
}
