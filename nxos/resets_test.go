package nxos

import (
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// findObj returns the first object of class in the tree o whose attr has value.
func findObj(o *dme.Object, class, attr, value string) *dme.Object {
	if o.Class == class && o.Get(attr) == value {
		return o
	}
	for _, c := range o.Children {
		if f := findObj(c, class, attr, value); f != nil {
			return f
		}
	}
	return nil
}

// TestResetsFollowNXOSRules plans changes against the applied small leaf (template CALICO,
// neighbors 192.168.1.10 and .11 in vrf-001) and checks which sessions each change resets.
func TestResetsFollowNXOSRules(t *testing.T) {
	const v10, v11 = "vrf vrf-001 192.168.1.10", "vrf vrf-001 192.168.1.11"
	for _, tc := range []struct {
		name   string
		desire func(cfg *LeafConfig)                  // changes the desired configuration
		have   func(objs []*dme.Object) []*dme.Object // changes what the switch holds
		opts   []PlanOption
		want   []string // Reset.String values, sorted
	}{
		{name: "password rotated", opts: []PlanOption{RotateSecrets()},
			want: []string{v10 + " (template CALICO password changes)", v11 + " (template CALICO password changes)"}},
		{name: "password removed", opts: []PlanOption{ClearSecrets()},
			desire: func(cfg *LeafConfig) {
				pc := findObj(cfg.Config, "bgpPeerCont", "name", "CALICO")
				delete(pc.Attrs, "password")
				delete(pc.Attrs, "passwdType")
				cfg.NoPassword = true
			},
			want: []string{v10 + " (template CALICO password removed)", v11 + " (template CALICO password removed)"}},
		{name: "remote-as", desire: func(cfg *LeafConfig) { findObj(cfg.Config, "bgpPeerCont", "name", "CALICO").Set("asn", "65532") },
			want: []string{v10 + " (template CALICO remote-as 65531 -> 65532)", v11 + " (template CALICO remote-as 65531 -> 65532)"}},
		{name: "update-source", desire: func(cfg *LeafConfig) { findObj(cfg.Config, "bgpPeerCont", "name", "CALICO").Set("srcIf", "lo1003") },
			want: []string{v10 + " (template CALICO update-source lo1002 -> lo1003)", v11 + " (template CALICO update-source lo1002 -> lo1003)"}},
		{name: "a neighbor's own remote-as is not the template's",
			desire: func(cfg *LeafConfig) { findObj(cfg.Config, "bgpPeerCont", "name", "CALICO").Set("asn", "65532") },
			have: func(objs []*dme.Object) []*dme.Object {
				for _, o := range objs {
					if o.Class == "bgpPeer" && o.Get("addr") == "192.168.1.11" {
						o.Set("asn", "65000")
					}
				}
				return objs
			},
			want: []string{v10 + " (template CALICO remote-as 65531 -> 65532)"}},
		{name: "local-as on the template",
			desire: func(cfg *LeafConfig) {
				findObj(cfg.Config, "bgpPeerCont", "name", "CALICO").Add(dme.New("bgpLocalAsn", "localAsn", "65000"))
			},
			want: []string{v10 + " (template CALICO local-as 65000 set)", v11 + " (template CALICO local-as 65000 set)"}},
		{name: "local-as on a neighbor",
			desire: func(cfg *LeafConfig) {
				findObj(cfg.Config, "bgpPeer", "addr", "192.168.1.11").Add(dme.New("bgpLocalAsn", "localAsn", "65000"))
			},
			want: []string{v11 + " (local-as 65000 set)"}},
		{name: "inherited template", desire: func(cfg *LeafConfig) {
			findObj(cfg.Config, "bgpPeer", "addr", "192.168.1.10").Set("peerImp", "CALICO-2")
			findObj(cfg.Config, "bgpPeerCont", "name", "CALICO").Set("asn", "65532")
		},
			want: []string{v10 + " (inherits template CALICO-2 instead of CALICO)", v11 + " (template CALICO remote-as 65531 -> 65532)"}},
		{name: "a neighbor removed is not reset", opts: []PlanOption{RotateSecrets()},
			desire: func(cfg *LeafConfig) {
				dom := findObj(cfg.Config, "bgpDom", "name", "vrf-001")
				dom.Children = slices.DeleteFunc(dom.Children, func(o *dme.Object) bool { return o.Get("addr") == "192.168.1.11" })
			},
			want: []string{v10 + " (template CALICO password changes)"}},
		{name: "a neighbor added is not reset", desire: func(cfg *LeafConfig) {
			findObj(cfg.Config, "bgpDom", "name", "vrf-001").Add(dme.New("bgpPeer", "addr", "192.168.1.12", "peerImp", "CALICO"))
			findObj(cfg.Config, "bgpPeerCont", "name", "CALICO").Set("srcIf", "lo1003")
		},
			want: []string{v10 + " (template CALICO update-source lo1002 -> lo1003)", v11 + " (template CALICO update-source lo1002 -> lo1003)"}},
		{name: "policy, communities, as-override, maximum-prefix and ebgp-multihop are no resets", desire: func(cfg *LeafConfig) {
			findObj(cfg.Config, "rtmapEntry", "order", "10").Set("action", "deny")
			pc := findObj(cfg.Config, "bgpPeerCont", "name", "CALICO").Set("ttl", "5")
			af := findObj(pc, "bgpPeerAf", "type", "ipv4-ucast").Set("asOverride", "disabled").Set("sendComStd", "enabled").Set("sendComExt", "enabled")
			af.Add(dme.New("bgpMaxPfxP", "maxPfx", "500", "thresh", "75", "action", "shut"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			applied := smallLeaf("192.168.1.10", "192.168.1.11")
			objs := readBack(t, applied.Features, applied.Config).Objects()
			if tc.have != nil {
				objs = tc.have(objs)
			}
			cfg := smallLeaf("192.168.1.10", "192.168.1.11")
			if tc.desire != nil {
				tc.desire(cfg)
			}
			p, err := Diff(cfg, stateOf(t, objs...), tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if p.Empty() {
				t.Fatal("the test change plans nothing")
			}
			var got []string
			for _, r := range p.Resets() {
				got = append(got, r.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Resets:\n%s\nwant:\n%s\nplan:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"), p)
			}
			line := ResetSummary(p.Resets())
			if (line == "") != (len(tc.want) == 0) || !strings.Contains(p.String(), line) {
				t.Errorf("plan text lacks the resets line %q:\n%s", line, p)
			}
			if strings.Contains(p.String(), "0835495d1d") {
				t.Error("the plan text shows the password")
			}
		})
	}
}

func TestResetSummary(t *testing.T) {
	if s := ResetSummary(nil); s != "" {
		t.Errorf("no resets: %q", s)
	}
	one := []Reset{{VRF: "v", Neighbor: "10.0.0.1", Reason: "template T password changes"}}
	if s := ResetSummary(one); s != "resets 1 session: vrf v 10.0.0.1 (template T password changes)" {
		t.Errorf("one reset: %q", s)
	}
	two := append(one, Reset{VRF: "v", Neighbor: "2001:db8::1", Reason: "local-as 65000 set"})
	if s := ResetSummary(two); s != "resets 2 sessions: vrf v 10.0.0.1 (template T password changes), vrf v 2001:db8::1 (local-as 65000 set)" {
		t.Errorf("two resets: %q", s)
	}
	var p *Plan
	if p.Resets() != nil {
		t.Error("nil plan resets something")
	}
}

// A loopback that loses the address its templates' sessions are sourced from resets them, per
// family: the IPv4 neighbors here.
func TestResetsWhenTheUpdateSourceLosesItsAddress(t *testing.T) {
	withAddr := func(addr string) *LeafConfig {
		cfg := smallLeaf("192.168.1.10", "192.168.1.11")
		cfg.Config.Add(dme.New("ipv4Entity").Add(dme.New("ipv4Inst").Add(dme.New("ipv4Dom", "name", "vrf-001").Add(
			dme.New("ipv4If", "id", "lo1002").Add(dme.New("ipv4Addr", "addr", addr, "type", "primary"))))))
		return cfg
	}
	applied := withAddr("192.168.100.3/32")
	p, err := Diff(withAddr("192.168.100.1/32"), readBack(t, applied.Features, applied.Config))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range p.Resets() {
		got = append(got, r.String())
	}
	want := []string{
		"vrf vrf-001 192.168.1.10 (update-source lo1002 loses its address 192.168.100.3/32)",
		"vrf vrf-001 192.168.1.11 (update-source lo1002 loses its address 192.168.100.3/32)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Resets:\n%s\nwant:\n%s\nplan:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), p)
	}
}
