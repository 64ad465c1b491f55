package nxos

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// TestPruneWhatADroppedFamilyLeftBehind applies the case study, then the same design without
// IPv6: the IPv6 template, its neighbors, its route filters and the IPv6 coloring prefix-list are
// the design's by name and must go; a foreign template and route-map stay.
func TestPruneWhatADroppedFamilyLeftBehind(t *testing.T) {
	sim := newSim(t)
	for _, o := range []*dme.Object{
		dme.New("bgpPeerCont", "dn", "sys/bgp/inst/dom-default/peercont-OTHER", "name", "OTHER", "asn", "65000"),
		dme.New("rtmapRule", "dn", "sys/rpm/rtmap-[foreign-map]", "name", "foreign-map").Add(dme.New("rtmapEntry", "order", "10", "action", "deny")),
	} {
		if err := sim.Load(o); err != nil {
			t.Fatal(err)
		}
	}
	c := simClient(t, sim, nil)
	planApply(t, c, caseStudy(t, nil, "")["Leaf2101"])

	ipv4Only := caseStudy(t, func(d *design.Design) {
		d.Fabric.AnycastGateway.IPv6 = netip.Prefix{}
		for i := range d.Fabric.LeafPairs[0].Leaves {
			d.Fabric.LeafPairs[0].Leaves[i].PeeringLoopback.IPv6 = netip.Prefix{}
		}
		for i := range d.Cluster.Nodes {
			d.Cluster.Nodes[i].IPv6 = netip.Addr{}
		}
		d.Cluster.IPPools = d.Cluster.IPPools[:1]
	}, "")["Leaf2101"]
	p := planApply(t, c, ipv4Only)
	text := p.String()
	for _, gone := range []string{
		"- sys/bgp/inst/dom-default/peercont-K8-v6 ",
		"- sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10] ",
		"- sys/rpm/rtmap-[K8-v6-in] ", "- sys/rpm/rtmap-[K8-v6-out] ",
		"- sys/rpm/pfxlistv6-[K8-v6-in] ", "- sys/rpm/pfxlistv6-[dup_ip_avoidance_v6] ",
	} {
		if !strings.Contains(text, gone) {
			t.Errorf("plan does not delete %q:\n%s", strings.TrimSpace(gone), text)
		}
	}
	for _, dn := range []string{
		"sys/bgp/inst/dom-default/peercont-K8-v6",
		"sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::13]",
		"sys/rpm/rtmap-[K8-v6-out]",
		"sys/rpm/pfxlistv6-[dup_ip_avoidance_v6]",
	} {
		if sim.Get(dn) != nil {
			t.Errorf("%s survived the prune", dn)
		}
	}
	for _, dn := range []string{"sys/bgp/inst/dom-default/peercont-OTHER", "sys/rpm/rtmap-[foreign-map]", "sys/bgp/inst/dom-default/peercont-CALICO", "sys/rpm/rtmap-[CALICO-in]"} {
		if sim.Get(dn) == nil {
			t.Errorf("%s was removed", dn)
		}
	}
	// The route-map entry matching the IPv6 coloring list is the design's too (it lives under the
	// coloring route-map) and goes with it.
	if sim.Get("sys/rpm/rtmap-[loopback]/ent-20") != nil {
		t.Error("the IPv6 entry of the coloring route-map survived")
	}
	if again, err := c.Plan(t.Context(), ipv4Only); err != nil || !again.Empty() {
		t.Fatalf("plan after the prune: %v\n%v", err, again)
	}
}

// TestPruneColoringRemoved applies the colored case study, then the same design without a color:
// the coloring route-map, its prefix-lists, the VRF export map that named it and the import of
// the color go together, so the VRF is never left exporting through a route-map that does not
// exist.
func TestPruneColoringRemoved(t *testing.T) {
	sim := newSim(t)
	c := simClient(t, sim, nil)
	planApply(t, c, caseStudy(t, nil, "")["Leaf2101"])
	exportMap := "sys/inst-vrf-001/dom-vrf-001/af-[ipv4-ucast]/ctrl-[ipv4-ucast]/rttp-export/rtctrlmap"
	if sim.Get(exportMap) == nil {
		t.Fatal("the colored design has no export map")
	}
	plain := caseStudy(t, func(d *design.Design) { d.Fabric.LeafPairs[0].RouteTargetColor = design.RouteTarget{} }, "")["Leaf2101"]
	planApply(t, c, plain)
	colorImport := "sys/inst-vrf-001/dom-vrf-001/af-[ipv4-ucast]/ctrl-[l2vpn-evpn]/rttp-import/ent-[route-target:as2-nn2:2101:2102]"
	for _, dn := range []string{exportMap, colorImport, "sys/rpm/rtmap-[loopback]", "sys/rpm/pfxlistv4-[dup_ip_avoidance]", "sys/rpm/pfxlistv6-[dup_ip_avoidance_v6]"} {
		if sim.Get(dn) != nil {
			t.Errorf("%s survived the removal of the color", dn)
		}
	}
	if sim.Get("sys/inst-vrf-001") == nil || sim.Get("sys/rpm/rtmap-[CALICO-in]") == nil {
		t.Error("the VRF or the route filters were removed with the color")
	}
	if again, err := c.Plan(t.Context(), plain); err != nil || !again.Empty() {
		t.Fatalf("plan after removing the color: %v\n%v", err, again)
	}
}

// TestPruneWhatAChangedDesignLeftBehind: a pair that changes color drops the import of the old
// color, a loopback that changes address drops the network statement of the old one, and a
// design that drops IPv6 drops the IPv6 addresses of its loopback and SVI; a foreign import and
// network stay.
func TestPruneWhatAChangedDesignLeftBehind(t *testing.T) {
	sim := newSim(t)
	loadForeign(t, sim)
	c := simClient(t, sim, nil)
	planApply(t, c, caseStudy(t, nil, "")["Leaf2101"])
	oldImport := "sys/inst-vrf-001/dom-vrf-001/af-[ipv4-ucast]/ctrl-[l2vpn-evpn]/rttp-import/ent-[route-target:as2-nn2:2101:2102]"
	oldNetwork := "sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]/prefix-[192.168.100.1/32]"
	for _, dn := range []string{oldImport, oldNetwork, "sys/ipv6/inst/dom-vrf-001/if-[lo1002]"} {
		if sim.Get(dn) == nil {
			t.Fatalf("the case study has no %s", dn)
		}
	}
	changed := caseStudy(t, func(d *design.Design) {
		d.Fabric.LeafPairs[0].RouteTargetColor = design.MustParseRouteTarget("2101:2199")
		d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.IPv4 = netip.MustParsePrefix("192.168.100.9/32")
	}, "")["Leaf2101"]
	planApply(t, c, changed)
	if sim.Get(oldImport) != nil {
		t.Error("the import of the old color survived")
	}
	if sim.Get(strings.ReplaceAll(oldImport, "2101:2102", "2101:2199")) == nil {
		t.Error("the import of the new color is missing")
	}
	if sim.Get(oldNetwork) != nil {
		t.Error("the network of the old loopback address survived")
	}
	if sim.Get("sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]/prefix-[192.168.100.9/32]") == nil {
		t.Error("the network of the new loopback address is missing")
	}
	if again, err := c.Plan(t.Context(), changed); err != nil || !again.Empty() {
		t.Fatalf("plan after the change: %v\n%v", err, again)
	}

	ipv4Only := caseStudy(t, func(d *design.Design) {
		d.Fabric.LeafPairs[0].RouteTargetColor = design.MustParseRouteTarget("2101:2199")
		d.Fabric.AnycastGateway.IPv6 = netip.Prefix{}
		for i := range d.Fabric.LeafPairs[0].Leaves {
			d.Fabric.LeafPairs[0].Leaves[i].PeeringLoopback.IPv6 = netip.Prefix{}
		}
		d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.IPv4 = netip.MustParsePrefix("192.168.100.9/32")
		for i := range d.Cluster.Nodes {
			d.Cluster.Nodes[i].IPv6 = netip.Addr{}
		}
		d.Cluster.IPPools = d.Cluster.IPPools[:1]
	}, "")["Leaf2101"]
	planApply(t, c, ipv4Only)
	for _, dn := range []string{
		"sys/ipv6/inst/dom-vrf-001/if-[lo1002]", "sys/ipv6/inst/dom-vrf-001/if-[vlan3001]",
		"sys/bgp/inst/dom-vrf-001/af-[ipv6-ucast]/prefix-[2001:193:168:1::4/128]",
		"sys/inst-vrf-001/dom-vrf-001/af-[ipv6-ucast]/ctrl-[l2vpn-evpn]/rttp-import/ent-[route-target:as2-nn2:2101:2199]",
	} {
		if sim.Get(dn) != nil {
			t.Errorf("%s survived dropping IPv6", dn)
		}
	}
	for _, f := range foreignOnLeaf {
		if o := sim.Get(f.dn); o == nil || o.Class != f.class {
			t.Errorf("foreign %s %s was removed", f.class, f.dn)
		}
	}
	if again, err := c.Plan(t.Context(), ipv4Only); err != nil || !again.Empty() {
		t.Fatalf("plan after dropping IPv6: %v\n%v", err, again)
	}
}
