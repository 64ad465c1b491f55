package dme

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// sample returns a naming value that fits attribute a of class c.
func sample(c *Class, a string) string {
	switch {
	case c.Name == "rtmapRsRtDstAtt" || strings.HasPrefix(c.Name, "rtmapRs"):
		return "sys/rpm/pfxlistv4-[p-1]"
	case a == "addr" || a == "prefix" || a == "nhAddr":
		return "2001:db8::1/64"
	}
	if at, ok := c.Attrs[a]; ok && len(at.Enum) > 0 {
		return at.Enum[len(at.Enum)-1]
	}
	return "x-1"
}

func TestClassTable(t *testing.T) {
	if len(Classes()) < 120 {
		t.Fatalf("only %d classes", len(Classes()))
	}
	if !slices.IsSortedFunc(Classes(), func(a, b *Class) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Classes() not sorted")
	}
	for _, c := range Classes() {
		if c.Confidence == 0 {
			t.Errorf("%s: no confidence", c.Name)
		}
		if got, ok := Lookup(c.Name); !ok || got != c {
			t.Errorf("Lookup(%q) failed", c.Name)
		}
		if c.Name != "topSystem" && len(c.Parents) == 0 {
			t.Errorf("%s: no parent", c.Name)
		}
		for _, p := range c.Parents {
			if _, ok := Lookup(p); !ok {
				t.Errorf("%s: parent %q is not a known class", c.Name, p)
			}
		}
		if c.Single && len(c.Naming) > 0 {
			t.Errorf("%s: single class with naming properties", c.Name)
		}
		for _, n := range c.Naming {
			if _, ok := c.Attrs[n]; !ok {
				t.Errorf("%s: naming property %q is not a property", c.Name, n)
			}
		}
		for name, a := range c.Attrs {
			if a.Name != name {
				t.Errorf("%s: attr key %q holds %q", c.Name, name, a.Name)
			}
			// An Int default of "0" below the configurable range means "not configured"
			// (bgpMaxPfxP.restartTime, thresh): the device reports it, it cannot be posted.
			if a.Default != "" && !(a.Kind == Int && a.Default == "0") {
				if r := a.Validate(a.Default); r != "" {
					t.Errorf("%s.%s: default %q invalid: %s", c.Name, name, a.Default, r)
				}
			}
			if (a.Kind == Enum) && len(a.Enum) == 0 {
				t.Errorf("%s.%s: enum without values", c.Name, name)
			}
		}
		// Round trip: bracketed, bare-where-possible, and through ChildClass.
		vals := map[string]string{}
		for _, n := range c.Naming {
			vals[n] = sample(c, n)
		}
		rn, err := c.FormatRN(vals)
		if err != nil {
			t.Errorf("%s: FormatRN(%v): %v", c.Name, vals, err)
			continue
		}
		if _, err := RNKey(rn); err != nil {
			t.Errorf("%s: FormatRN gave invalid RN %q: %v", c.Name, rn, err)
		}
		back, ok := c.ParseRN(rn)
		if !ok || !maps.Equal(back, vals) {
			t.Errorf("%s: ParseRN(%q) = %v, %v; want %v", c.Name, rn, back, ok, vals)
		}
		for _, p := range c.Parents {
			got, m, ok := ChildClass(p, rn)
			if !ok || got != c || !maps.Equal(m, vals) {
				name := "<none>"
				if got != nil {
					name = got.Name
				}
				t.Errorf("ChildClass(%s, %q) = %s, %v, %v; want %s", p, rn, name, m, ok, c.Name)
			}
		}
	}
}

func TestRNForms(t *testing.T) {
	tests := []struct {
		parent, rn, class string
		naming            map[string]string
	}{
		{"bgpInst", "dom-default", "bgpDom", map[string]string{"name": "default"}},
		{"bgpInst", "dom-[default]", "bgpDom", map[string]string{"name": "default"}},
		{"bgpDom", "af-ipv4-ucast", "bgpDomAf", map[string]string{"type": "ipv4-ucast"}},
		{"bgpDom", "af-[l2vpn-evpn]", "bgpDomAf", map[string]string{"type": "l2vpn-evpn"}},
		{"bgpDom", "peer-[2001:192:168:1::10]", "bgpPeer", map[string]string{"addr": "2001:192:168:1::10"}},
		{"bgpDom", "peercont-K8-v6", "bgpPeerCont", map[string]string{"name": "K8-v6"}},
		{"bgpDom", "gr", "bgpGr", map[string]string{}},
		{"bgpPeer", "ent-[10.2.1.5]", "bgpPeerEntry", map[string]string{"addr": "10.2.1.5"}},
		{"bgpPeer", "af-[ipv4-ucast]", "bgpPeerAf", map[string]string{"type": "ipv4-ucast"}},
		{"bgpPeerEntry", "af-l2vpn-evpn", "bgpPeerAfEntry", map[string]string{"type": "l2vpn-evpn"}},
		{"bgpDomAf", "interleak-direct-interleak-none", "bgpInterLeakP", map[string]string{"proto": "direct", "inst": "none"}},
		{"bgpDomAf", "interleak-[direct]-interleak-[none]", "bgpInterLeakP", map[string]string{"proto": "direct", "inst": "none"}},
		{"bgpDomAf", "prefix-[0.0.0.0/0]", "bgpAdvPrefix", map[string]string{"addr": "0.0.0.0/0"}},
		{"ipv4Route", "nh-[unspecified]-addr-[10.0.0.1]-vrf-[default]", "ipv4Nexthop", map[string]string{"nhIf": "unspecified", "nhAddr": "10.0.0.1", "nhVrf": "default"}},
		{"ipv4Route", "nh-unspecified-addr-10.0.0.1-vrf-default", "ipv4Nexthop", map[string]string{"nhIf": "unspecified", "nhAddr": "10.0.0.1", "nhVrf": "default"}},
		{"rtmapMatchRtDst", "rsrtDstAtt-[sys/rpm/pfxlistv4-[dup_ip_avoidance]]", "rtmapRsRtDstAtt", map[string]string{"tDn": "sys/rpm/pfxlistv4-[dup_ip_avoidance]"}},
		{"rtmapEntry", "srtt", "rtmapSetRttComm", map[string]string{}},
		{"rtmapSetRttComm", "item-[transitive]-[route-target:as2-nn2:2101:2102]", "rtextcomItem", map[string]string{"scope": "transitive", "community": "route-target:as2-nn2:2101:2102"}},
		{"rtctrlRttP", "rtctrlmap", "rtctrlMapP", map[string]string{}},
		{"rtctrlRttP", "ent-[route-target:as2-nn2:2101:2102]", "rtctrlRttEntry", map[string]string{"rtt": "route-target:as2-nn2:2101:2102"}},
		{"l3Inst", "dom-vrf-001", "rtctrlDom", map[string]string{"name": "vrf-001"}},
		{"l3LbRtdIf", "rtvrfMbr", "nwRtVrfMbr", map[string]string{}},
		{"sviIf", "rtvrfMbr", "nwRtVrfMbr", map[string]string{}},
		{"topSystem", "inst-[vrf-001]", "l3Inst", map[string]string{"name": "vrf-001"}},
		{"topSystem", "bgp", "bgpEntity", map[string]string{}},
		{"", "sys", "topSystem", map[string]string{}},
	}
	for _, tt := range tests {
		c, m, ok := ChildClass(tt.parent, tt.rn)
		if !ok || c.Name != tt.class || !maps.Equal(m, tt.naming) {
			t.Errorf("ChildClass(%q, %q) = %v, %v, %v; want %s %v", tt.parent, tt.rn, c, m, ok, tt.class, tt.naming)
		}
	}
	for _, bad := range [][2]string{{"bgpDom", "peer-"}, {"bgpDom", "peer-[]"}, {"bgpDom", "nonsense"}, {"bgpInst", "dom-[a]b"}, {"", "bgp"}, {"bgpDom", "grx"}} {
		if c, _, ok := ChildClass(bad[0], bad[1]); ok {
			t.Errorf("ChildClass(%q, %q) = %s, want no match", bad[0], bad[1], c.Name)
		}
	}
}

func TestFormatRN(t *testing.T) {
	c, _ := Lookup("bgpDom")
	if rn, _ := c.FormatRN(map[string]string{"name": "a/b"}); rn != "dom-[a/b]" {
		t.Errorf("value with slash: %q", rn)
	}
	if _, err := c.FormatRN(nil); err == nil || !strings.Contains(err.Error(), `"name"`) {
		t.Errorf("missing naming property: %v", err)
	}
}

func TestResolveDN(t *testing.T) {
	c, names, err := ResolveDN(MustParseDN("sys/bgp/inst/dom-vrf-001/peer-[2001:db8::1]/ent-[2001:db8::1]/af-ipv6-ucast"))
	if err != nil || c.Name != "bgpPeerAfEntry" || names[3]["name"] != "vrf-001" || names[4]["addr"] != "2001:db8::1" {
		t.Errorf("ResolveDN = %v, %v, %v", c, names, err)
	}
	for _, bad := range []string{"bgp/inst", "sys/bgp/nope", "sys/bgp/inst/dom-x/peer-[1.1.1.1]/x"} {
		if _, _, err := ResolveDN(MustParseDN(bad)); err == nil {
			t.Errorf("ResolveDN(%q): no error", bad)
		}
	}
}

func TestSchemaFacts(t *testing.T) {
	peer, _ := Lookup("bgpPeer")
	if !peer.Attrs["password"].WriteOnly || !peer.Attrs["passwdType"].WriteOnly {
		t.Error("password/passwdType not write-only")
	}
	if peer.Attrs["holdIntvl"].Default != "180" || peer.Attrs["ctrl"].Kind != Flags {
		t.Errorf("bgpPeer holdIntvl/ctrl: %+v %+v", peer.Attrs["holdIntvl"], peer.Attrs["ctrl"])
	}
	af, _ := Lookup("bgpPeerAf")
	if !slices.Equal(af.Parents, []string{"bgpPeerCont", "bgpPeer"}) || !slices.Contains(af.Attrs["ctrl"].Enum, "dis-peer-as-check") {
		t.Errorf("bgpPeerAf: %v %v", af.Parents, af.Attrs["ctrl"])
	}
	for _, name := range []string{"bgpPeerEntry", "bgpPeerAfEntry"} {
		if c, _ := Lookup(name); !c.Operational {
			t.Errorf("%s not operational", name)
		}
	}
	// The device model states these classes; only rtextcomItem's rn format is a guess.
	for name, want := range map[string]Confidence{"rtmapSetRttComm": Verified, "rtmapMatchRtDstV6": Verified, "rtmapRsRtDstV6Att": Verified, "rtextcomItem": Unverified} {
		if c, _ := Lookup(name); c.Confidence != want {
			t.Errorf("%s confidence %v, want %v", name, c.Confidence, want)
		}
	}
	pe, _ := Lookup("rtpfxEntry")
	for _, a := range []string{"criteria", "fromPfxLen", "toPfxLen", "pfx", "action"} {
		if _, ok := pe.Attrs[a]; !ok {
			t.Errorf("rtpfxEntry lacks %s", a)
		}
	}
	if a, _ := Lookup("ipv4Addr"); a.Attrs["tag"].Kind != Int {
		t.Error("ipv4Addr.tag not Int")
	}
	if Verified.String() != "verified" || Flags.String() != "flags" {
		t.Error("String methods")
	}
}
