package integration_test

import (
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design/designtest"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
)

// TestRetiredPair removes a whole leaf pair from a running design: Calico stops peering with its
// leaves first, then the retired leaves lose the design's neighbors and templates, while the
// remaining pair keeps its sessions; a second plan is empty.
func TestRetiredPair(t *testing.T) {
	ctx := testCtx(t)
	before := derive(t, designtest.TwoPairs())
	env := startApplied(t, ctx, before)
	for _, leaf := range []string{"Leaf2103", "Leaf2104"} {
		if env.Sims[leaf].Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.14]") == nil {
			t.Fatalf("%s was not configured for node03", leaf)
		}
	}

	after := derive(t, design.CaseStudy())
	s := syncerFor(env, after)
	s.Retired = map[string]*nxos.Client{"Leaf2103": env.Switches["Leaf2103"], "Leaf2104": env.Switches["Leaf2104"]}
	rec := recordPosts(t, env)
	plan, err := s.Plan(ctx, after)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.String(), "Leaf2103: ") || !strings.Contains(plan.String(), "- sys/bgp/inst/dom-default/peercont-CALICO ") {
		t.Errorf("plan does not retire the leaves:\n%s", plan)
	}
	if _, err := s.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
	for _, p := range rec.list() {
		if p.Leaf != "Leaf2103" && p.Leaf != "Leaf2104" {
			continue
		}
		for _, peer := range p.Peers {
			if strings.Contains(peer, "rack2") {
				t.Errorf("Calico still had peer %s when %s was retired", peer, p.Leaf)
			}
		}
	}
	for _, leaf := range []string{"Leaf2103", "Leaf2104"} {
		sim := env.Sims[leaf]
		for _, dn := range []string{"sys/bgp/inst/dom-vrf-001/peer-[192.168.1.14]", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]", "sys/bgp/inst/dom-default/peercont-CALICO"} {
			if sim.Get(dn) != nil {
				t.Errorf("%s: %s survived retirement", leaf, dn)
			}
		}
		// Everything the design put there for the nodes goes: the peering loopback too.
		if sim.Get("sys/intf/lb-[lo1002]") != nil {
			t.Errorf("%s: the peering loopback survived retirement", leaf)
		}
	}
	assertNeighbors(t, env, after, nil)
	again, err := s.Plan(ctx, after)
	if err != nil || !again.Empty() {
		t.Fatalf("plan after retirement: %v\n%v", err, again)
	}

	bad := syncerFor(env, after)
	bad.Retired = map[string]*nxos.Client{"Leaf2101": env.Switches["Leaf2101"]}
	if _, err := bad.Plan(ctx, after); err == nil || !strings.Contains(err.Error(), `retired leaf "Leaf2101" is a leaf of the design`) {
		t.Errorf("retiring a design leaf: %v", err)
	}
}
