package nxos

import (
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// foreignOnLeaf is configuration another owner put on a leaf in the design's VRF: a neighbor, a
// route-map, a loopback, an SVI of another VLAN, a route target of another color and a network.
// Retiring the design must leave every object of it.
var foreignOnLeaf = []struct{ dn, class string }{
	{"sys/bgp/inst/dom-vrf-001/peer-[192.168.1.200]", "bgpPeer"},
	{"sys/rpm/rtmap-[foreign-map]", "rtmapRule"},
	{"sys/intf/lb-[lo2000]", "l3LbRtdIf"},
	{"sys/intf/lb-[lo2000]/rtvrfMbr", "nwRtVrfMbr"},
	{"sys/ipv4/inst/dom-vrf-001/if-[lo2000]/addr-[10.99.0.1/32]", "ipv4Addr"},
	{"sys/intf/svi-[vlan3002]", "sviIf"},
	{"sys/ipv4/inst/dom-vrf-001/if-[vlan3002]/addr-[10.98.0.1/24]", "ipv4Addr"},
	{"sys/hmm/fwdinst/if-[vlan3002]", "hmmFwdIf"},
	{"sys/inst-vrf-001/dom-vrf-001/af-[ipv4-ucast]/ctrl-[l2vpn-evpn]/rttp-import/ent-[route-target:as2-nn2:65000:99]", "rtctrlRttEntry"},
	{"sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]/prefix-[10.99.0.1/32]", "bgpAdvPrefix"},
}

func loadForeign(t *testing.T, sim *nxostest.Server) {
	t.Helper()
	for _, o := range []*dme.Object{
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.200]", "addr", "192.168.1.200", "peerImp", "OTHER", "asn", "65000"),
		dme.New("rtmapRule", "dn", "sys/rpm/rtmap-[foreign-map]", "name", "foreign-map").Add(dme.New("rtmapEntry", "order", "10", "action", "deny")),
		dme.New("l3LbRtdIf", "dn", "sys/intf/lb-[lo2000]", "id", "lo2000").Add(dme.New("nwRtVrfMbr", "tDn", "sys/inst-vrf-001")),
		dme.New("ipv4If", "dn", "sys/ipv4/inst/dom-vrf-001/if-[lo2000]", "id", "lo2000").Add(dme.New("ipv4Addr", "addr", "10.99.0.1/32")),
		dme.New("sviIf", "dn", "sys/intf/svi-[vlan3002]", "id", "vlan3002").Add(dme.New("nwRtVrfMbr", "tDn", "sys/inst-vrf-001")),
		dme.New("ipv4If", "dn", "sys/ipv4/inst/dom-vrf-001/if-[vlan3002]", "id", "vlan3002").Add(dme.New("ipv4Addr", "addr", "10.98.0.1/24")),
		dme.New("hmmFwdIf", "dn", "sys/hmm/fwdinst/if-[vlan3002]", "id", "vlan3002", "mode", "anycastGW"),
		dme.New("rtctrlRttEntry", "dn", "sys/inst-vrf-001/dom-vrf-001/af-[ipv4-ucast]/ctrl-[l2vpn-evpn]/rttp-import/ent-[route-target:as2-nn2:65000:99]", "rtt", "route-target:as2-nn2:65000:99"),
		dme.New("bgpAdvPrefix", "dn", "sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]/prefix-[10.99.0.1/32]", "addr", "10.99.0.1/32"),
	} {
		if err := sim.Load(o); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRetireRemovesWhatTheDesignPutOnTheLeaf applies the case study to a leaf next to foreign
// configuration, then retires it: the design's neighbors, templates, route filters, coloring,
// color import, loopback, SVI and network statements go; the VRF, the default-route networks
// (without RetireDefaultRoute), the features and every foreign object stay; planning again finds
// nothing to do.
func TestRetireRemovesWhatTheDesignPutOnTheLeaf(t *testing.T) {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		t.Fatal(err)
	}
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	sim := newSim(t)
	loadForeign(t, sim)
	c := simClient(t, sim, nil)
	planApply(t, c, cfg)

	retire, err := RetireConfig("Leaf2101", in.Fabric)
	if err != nil {
		t.Fatal(err)
	}
	if !retire.Retiring() || cfg.Retiring() {
		t.Fatal("Retiring must tell a RetireConfig from a rendered configuration")
	}
	p := planApply(t, c, retire)
	if cr, up, de := p.Counts(); cr != 0 || up != 0 || de == 0 {
		t.Fatalf("retire plan creates %d, updates %d, deletes %d:\n%s", cr, up, de, p)
	}
	for _, gone := range []string{
		"sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]", "sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::13]",
		"sys/bgp/inst/dom-default/peercont-CALICO", "sys/bgp/inst/dom-default/peercont-K8-v6",
		"sys/rpm/rtmap-[loopback]", "sys/rpm/rtmap-[CALICO-in]", "sys/rpm/pfxlistv4-[dup_ip_avoidance]", "sys/rpm/pfxlistv6-[K8-v6-out]",
		// the export map named the coloring route-map: it goes with it, never left dangling
		"sys/inst-vrf-001/dom-vrf-001/af-[ipv4-ucast]/ctrl-[ipv4-ucast]/rttp-export/rtctrlmap",
		// the import of the pair's color
		"sys/inst-vrf-001/dom-vrf-001/af-[ipv4-ucast]/ctrl-[l2vpn-evpn]/rttp-import/ent-[route-target:as2-nn2:2101:2102]",
		"sys/inst-vrf-001/dom-vrf-001/af-[ipv6-ucast]/ctrl-[l2vpn-evpn]/rttp-import/ent-[route-target:as2-nn2:2101:2102]",
		// the peering loopback and its addresses
		"sys/intf/lb-[lo1002]", "sys/ipv4/inst/dom-vrf-001/if-[lo1002]", "sys/ipv6/inst/dom-vrf-001/if-[lo1002]",
		// the anycast-gateway SVI, its addresses, redirects and fabric forwarding
		"sys/intf/svi-[vlan3001]", "sys/ipv4/inst/dom-vrf-001/if-[vlan3001]", "sys/ipv6/inst/dom-vrf-001/if-[vlan3001]",
		"sys/icmpv4/inst/dom-vrf-001/if-[vlan3001]", "sys/icmpv6/inst/if-[vlan3001]", "sys/hmm/fwdinst/if-[vlan3001]",
		// the network statements of the loopback
		"sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]/prefix-[192.168.100.1/32]",
		"sys/bgp/inst/dom-vrf-001/af-[ipv6-ucast]/prefix-[2001:193:168:1::4/128]",
	} {
		if sim.Get(gone) != nil {
			t.Errorf("%s survived retirement", gone)
		}
	}
	for _, kept := range []string{
		"sys/inst-vrf-001", "sys/bgp/inst/dom-vrf-001", "sys/fm/bgp", "sys/fm/ifvlan", "sys/fm/nvo",
		"sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]/prefix-[0.0.0.0/0]", "sys/bgp/inst/dom-vrf-001/af-[ipv6-ucast]/prefix-[::/0]",
	} {
		if sim.Get(kept) == nil {
			t.Errorf("%s was removed", kept)
		}
	}
	for _, f := range foreignOnLeaf {
		if o := sim.Get(f.dn); o == nil || o.Class != f.class {
			t.Errorf("foreign %s %s was removed", f.class, f.dn)
		}
	}
	if again, err := c.Plan(t.Context(), retire); err != nil || !again.Empty() {
		t.Fatalf("plan after retirement: %v\n%v", err, again)
	}

	// With RetireDefaultRoute the design's default-route networks go too; the foreign network stays.
	retire, err = RetireConfig("Leaf2101", in.Fabric, RetireDefaultRoute())
	if err != nil {
		t.Fatal(err)
	}
	p = planApply(t, c, retire)
	if _, _, de := p.Counts(); de != 2 || !strings.Contains(p.String(), "prefix-[0.0.0.0/0]") || !strings.Contains(p.String(), "prefix-[::/0]") {
		t.Errorf("RetireDefaultRoute plan:\n%s", p)
	}
	if sim.Get("sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]/prefix-[10.99.0.1/32]") == nil {
		t.Error("the foreign network was removed with the default routes")
	}
}

// TestRetireKeepsALoopbackOthersPeerFrom: a foreign template whose update-source is the design's
// loopback keeps the loopback and its addresses (and the network of its address); a loopback that
// is not in the design's VRF is never the design's.
func TestRetireKeepsALoopbackOthersPeerFrom(t *testing.T) {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		t.Fatal(err)
	}
	sim := newSim(t)
	if err := sim.Load(dme.New("bgpPeerCont", "dn", "sys/bgp/inst/dom-default/peercont-OTHER", "name", "OTHER", "asn", "65000", "srcIf", "lo1002")); err != nil {
		t.Fatal(err)
	}
	c := simClient(t, sim, nil)
	planApply(t, c, caseStudy(t, nil, "")["Leaf2101"])
	retire, err := RetireConfig("Leaf2101", in.Fabric)
	if err != nil {
		t.Fatal(err)
	}
	planApply(t, c, retire)
	for _, kept := range []string{"sys/intf/lb-[lo1002]", "sys/ipv4/inst/dom-vrf-001/if-[lo1002]", "sys/bgp/inst/dom-default/peercont-OTHER"} {
		if sim.Get(kept) == nil {
			t.Errorf("%s was removed although template OTHER peers from it", kept)
		}
	}
	if sim.Get("sys/intf/svi-[vlan3001]") != nil {
		t.Error("the SVI survived retirement")
	}
}

// TestRetireLoopbackNamesALoopbackTheTemplatesNoLongerShow: on a leaf whose templates are gone
// (retired by an earlier release), the loopback is found only through RetireLoopback, and only
// when it is a member of the design's VRF.
func TestRetireLoopbackNamesALoopbackTheTemplatesNoLongerShow(t *testing.T) {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		t.Fatal(err)
	}
	sim := newSim(t)
	for _, o := range []*dme.Object{
		dme.New("l3LbRtdIf", "dn", "sys/intf/lb-[lo1002]", "id", "lo1002").Add(dme.New("nwRtVrfMbr", "tDn", "sys/inst-vrf-001")),
		dme.New("ipv4If", "dn", "sys/ipv4/inst/dom-vrf-001/if-[lo1002]", "id", "lo1002").Add(dme.New("ipv4Addr", "addr", "192.168.100.1/32")),
		dme.New("bgpAdvPrefix", "dn", "sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]/prefix-[192.168.100.1/32]", "addr", "192.168.100.1/32"),
		// lo0 is the fabric's, in the default VRF
		dme.New("l3LbRtdIf", "dn", "sys/intf/lb-[lo0]", "id", "lo0").Add(dme.New("nwRtVrfMbr", "tDn", "sys/inst-default")),
		dme.New("l3Inst", "dn", "sys/inst-vrf-001", "name", "vrf-001"),
		dme.New("bgpDom", "dn", "sys/bgp/inst/dom-vrf-001", "name", "vrf-001"),
	} {
		if err := sim.Load(o); err != nil {
			t.Fatal(err)
		}
	}
	c := simClient(t, sim, nil)
	plain, err := RetireConfig("Leaf2101", in.Fabric)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.Plan(t.Context(), plain); err != nil || !p.Empty() {
		t.Fatalf("without templates or RetireLoopback nothing names the loopback: %v\n%v", err, p)
	}
	named, err := RetireConfig("Leaf2101", in.Fabric, RetireLoopback(1002), RetireLoopback(0))
	if err != nil {
		t.Fatal(err)
	}
	p := planApply(t, c, named)
	if _, _, de := p.Counts(); de != 3 {
		t.Errorf("want the loopback, its VRF addresses and its network deleted:\n%s", p)
	}
	if sim.Get("sys/intf/lb-[lo1002]") != nil || sim.Get("sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]/prefix-[192.168.100.1/32]") != nil {
		t.Error("the named loopback or its network survived")
	}
	if sim.Get("sys/intf/lb-[lo0]") == nil {
		t.Error("lo0, in the default VRF, was removed")
	}
}

func TestRetireConfigRefusesBadInput(t *testing.T) {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		t.Fatal(err)
	}
	defaultVRF, noNames, noVLAN := in.Fabric, in.Fabric, in.Fabric
	defaultVRF.VRF = "default"
	noNames.Names = design.OwnedNames{}
	noVLAN.Gateway.VLAN = 0
	for _, bad := range []struct {
		leaf   string
		fabric design.FabricIntent
		opts   []RetireOption
		want   string
	}{
		{"", in.Fabric, nil, "empty leaf name"},
		{"x", defaultVRF, nil, "tenant VRF"},
		{"x", noNames, nil, "names are required"},
		{"x", noVLAN, nil, "Gateway.VLAN"},
		{"x", in.Fabric, []RetireOption{RetireLoopback(1024)}, "RetireLoopback: 1024 is outside"},
		{"x", in.Fabric, []RetireOption{RetireLoopback(-1)}, "RetireLoopback: -1 is outside"},
	} {
		if _, err := RetireConfig(bad.leaf, bad.fabric, bad.opts...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("RetireConfig(%q, %q): %v, want %q", bad.leaf, bad.fabric.VRF, err, bad.want)
		}
	}
}
