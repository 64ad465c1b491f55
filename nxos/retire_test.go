package nxos

import (
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// TestRetireRemovesOnlyTheSessionsConfiguration applies the case study to a leaf, then retires
// it: the design's neighbors, templates, route-maps and prefix-lists go; the loopback, the SVI,
// the VRF, foreign neighbors and foreign route-maps stay.
func TestRetireRemovesOnlyTheSessionsConfiguration(t *testing.T) {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		t.Fatal(err)
	}
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	sim := newSim(t)
	for _, o := range []*dme.Object{
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.200]", "addr", "192.168.1.200", "peerImp", "OTHER", "asn", "65000"),
		dme.New("rtmapRule", "dn", "sys/rpm/rtmap-[foreign-map]", "name", "foreign-map").Add(dme.New("rtmapEntry", "order", "10", "action", "deny")),
	} {
		if err := sim.Load(o); err != nil {
			t.Fatal(err)
		}
	}
	c := simClient(t, sim, nil)
	planApply(t, c, cfg)

	retire, err := RetireConfig("Leaf2101", in.Fabric)
	if err != nil {
		t.Fatal(err)
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
	} {
		if sim.Get(gone) != nil {
			t.Errorf("%s survived retirement", gone)
		}
	}
	for _, kept := range []string{
		"sys/intf/lb-[lo1002]", "sys/intf/svi-[vlan3001]", "sys/inst-vrf-001", "sys/bgp/inst/dom-vrf-001",
		"sys/bgp/inst/dom-vrf-001/peer-[192.168.1.200]", "sys/rpm/rtmap-[foreign-map]", "sys/fm/bgp",
	} {
		if sim.Get(kept) == nil {
			t.Errorf("%s was removed", kept)
		}
	}
	if again, err := c.Plan(t.Context(), retire); err != nil || !again.Empty() {
		t.Fatalf("plan after retirement: %v\n%v", err, again)
	}
	defaultVRF, noNames := in.Fabric, in.Fabric
	defaultVRF.VRF = "default"
	noNames.Names = design.OwnedNames{}
	for _, bad := range []struct {
		leaf   string
		fabric design.FabricIntent
		want   string
	}{
		{"", in.Fabric, "empty leaf name"},
		{"x", defaultVRF, "tenant VRF"},
		{"x", noNames, "names are required"},
	} {
		if _, err := RetireConfig(bad.leaf, bad.fabric); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("RetireConfig(%q, %q): %v, want %q", bad.leaf, bad.fabric.VRF, err, bad.want)
		}
	}
}
