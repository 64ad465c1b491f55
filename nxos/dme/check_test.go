package dme

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckValid(t *testing.T) {
	tree := New("bgpEntity").Add(New("bgpInst", "asn", "65102", "adminSt", "enabled").Add(
		New("bgpDom", "name", "vrf-001").Add(
			New("bgpDomAf", "type", "ipv4-ucast", "maxEcmp", "64").Add(
				New("bgpInterLeakP", "proto", "direct", "inst", "none", "rtMap", "fabric-rmap-redist-subnet")),
			New("bgpPeer", "addr", "192.168.1.10", "peerImp", "CALICO", "passwdType", "3", "password", "8fef").Add(
				New("bgpPeerAf", "type", "ipv4-ucast", "ctrl", "dis-peer-as-check,nh-self", "asOverride", "enabled", "status", "modified")),
			New("bgpPeer", "rn", "peer-[10.0.0.9]", "status", "deleted"),
			New("bgpPeer", "addr", "2001:db8::1", "rn", "peer-[2001:DB8:0::1]", "holdIntvl", UnsetMarker),
		)))
	if errs := Check("topSystem", tree); len(errs) != 0 {
		t.Errorf("valid tree: %v", errs)
	}
}

// leaf2101 is the case study's Leaf2101 configuration as one body posted to sys (repeats abridged).
func leaf2101() *Object {
	vrf := "vrf-001"
	return New("topSystem").Add(
		New("fmEntity").Add(New("fmBgp", "adminSt", "enabled"), New("fmInterfaceVlan", "adminSt", "enabled"),
			New("fmNvo", "adminSt", "enabled"), New("fmEvpn", "adminSt", "enabled"), New("fmHmm", "adminSt", "enabled")),
		New("l3Inst", "name", vrf).Add(New("rtctrlDom", "name", vrf).Add(New("rtctrlDomAf", "type", "ipv4-ucast").Add(
			New("rtctrlAfCtrl", "type", "l2vpn-evpn").Add(New("rtctrlRttP", "type", "import").Add(
				New("rtctrlRttEntry", "rtt", "route-target:as2-nn2:2101:2102"))),
			New("rtctrlAfCtrl", "type", "ipv4-ucast").Add(New("rtctrlRttP", "type", "export").Add(
				New("rtctrlMapP", "rtMap", "loopback")))))),
		New("rpmEntity").Add(
			New("rtpfxRuleV4", "name", "dup_ip_avoidance").Add(
				New("rtpfxEntry", "order", "5", "action", "permit", "criteria", "exact", "pfx", "192.168.100.1/32")),
			New("rtpfxRuleV6", "name", "v6").Add(
				New("rtpfxEntry", "order", "10", "action", "permit", "criteria", "inexact", "pfx", "2001:db8::/32", "fromPfxLen", "48", "toPfxLen", "64")),
			New("rtmapRule", "name", "loopback").Add(New("rtmapEntry", "order", "10", "action", "permit").Add(
				New("rtmapMatchRtDst").Add(New("rtmapRsRtDstAtt", "tDn", "sys/rpm/pfxlistv4-[dup_ip_avoidance]")),
				New("rtmapSetRttComm").Add(New("rtextcomItem", "community", "route-target:as2-nn2:2101:2102", "scope", "transitive"))))),
		New("interfaceEntity").Add(
			New("l3LbRtdIf", "id", "lo1002", "adminSt", "up").Add(New("nwRtVrfMbr", "tDn", "sys/inst-"+vrf)),
			New("sviIf", "id", "vlan3001", "adminSt", "up").Add(New("nwRtVrfMbr", "tDn", "sys/inst-"+vrf))),
		New("ipv4Entity").Add(New("ipv4Inst").Add(New("ipv4Dom", "name", vrf).Add(
			New("ipv4If", "id", "lo1002").Add(New("ipv4Addr", "addr", "192.168.100.1/32", "type", "primary", "tag", "6789"))))),
		New("ipv6Entity").Add(New("ipv6Inst").Add(New("ipv6Dom", "name", vrf).Add(
			New("ipv6If", "id", "vlan3001").Add(New("ipv6Addr", "addr", "2001:192:168:1::1/64", "type", "primary"))))),
		New("icmpv4Entity").Add(New("icmpv4Inst").Add(New("icmpv4Dom", "name", vrf).Add(New("icmpv4If", "id", "vlan3001", "ctrl", "")))),
		New("icmpv6Entity").Add(New("icmpv6Inst").Add(New("icmpv6If", "id", "vlan3001", "ctrl", ""))),
		New("hmmEntity").Add(New("hmmFwdInst").Add(New("hmmFwdIf", "id", "vlan3001", "mode", "anycastGW"))),
		New("nvoEps").Add(New("nvoEp", "epId", "1", "hostReach", "bgp", "advertiseVmac", "true")),
		New("bgpEntity").Add(New("bgpInst", "asn", "65102", "adminSt", "enabled").Add(
			New("bgpDom", "name", "default", "rtrId", "10.2.1.1").Add(
				New("bgpDomAf", "type", "l2vpn-evpn", "advPip", "enabled"),
				New("bgpPeerCont", "name", "K8", "asn", "65531", "srcIf", "lo1002", "ttl", "10").Add(
					New("bgpPeerAf", "type", "ipv4-ucast").Add(New("bgpRtCtrlP", "direction", "out", "rtMap", "calico-ip-filter"))),
				New("bgpPeer", "addr", "10.2.1.5", "asn", "65102", "srcIf", "lo0", "passwdType", "3", "password", "8fefa6b7668dc51d3ddc35f4e99cc574").Add(
					New("bgpPeerAf", "type", "l2vpn-evpn", "sendComStd", "enabled", "sendComExt", "enabled"))),
			New("bgpDom", "name", vrf).Add(
				New("bgpDomAf", "type", "ipv4-ucast", "advertL2vpnEvpn", "enabled", "maxEcmp", "64", "maxExtIntEcmp", "2").Add(
					New("bgpAdvPrefix", "addr", "192.168.100.1/32", "rtMap", "set_rt"),
					New("bgpInterLeakP", "proto", "direct", "inst", "none", "rtMap", "fabric-rmap-redist-subnet"),
					New("bgpAggAddr", "addr", "90.8.0.0/16", "summaryOnly", "enabled")),
				New("bgpPeer", "addr", "192.168.1.10", "peerImp", "CALICO").Add(
					New("bgpPeerAf", "type", "ipv4-ucast", "asOverride", "enabled", "ctrl", "dis-peer-as-check")),
				New("bgpPeer", "addr", "2001:192:168:1::10", "peerImp", "K8-v6")))))
}

func TestCheckReferenceDesign(t *testing.T) {
	if errs := Check("", leaf2101()); len(errs) != 0 {
		t.Errorf("Leaf2101 body: %v", errors.Join(errs...))
	}
}

func TestCheckViolations(t *testing.T) {
	tests := []struct {
		name   string
		parent string
		obj    *Object
		want   []string // SchemaError.Error() substrings, in order
	}{
		{"unknown class", "bgpDom", New("bgpPeerX", "addr", "1.1.1.1"), []string{`bgpPeerX#0: bgpPeerX: unknown class`}},
		{"unknown attribute", "bgpDom", New("bgpPeer", "addr", "1.1.1.1", "colour", "red"), []string{`peer-[1.1.1.1]: bgpPeer.colour="red": unknown property`}},
		{"bad enum", "bgpDom", New("bgpPeer", "addr", "1.1.1.1", "adminSt", "on"), []string{`bgpPeer.adminSt="on": not one of enabled, disabled`}},
		{"bad flag", "bgpPeer", New("bgpPeerAf", "type", "ipv4-ucast", "ctrl", "nh-self,as-override"), []string{`bgpPeerAf.ctrl="nh-self,as-override": flag "as-override" is not one of`}},
		{"empty flag", "bgpPeer", New("bgpPeerAf", "type", "ipv4-ucast", "ctrl", "nh-self,"), []string{`empty flag`}},
		{"out of range", "bgpDom", New("bgpPeer", "addr", "1.1.1.1", "ttl", "256"), []string{`bgpPeer.ttl="256": out of range [0..255]`}},
		{"not a number", "bgpDom", New("bgpPeer", "addr", "1.1.1.1", "holdIntvl", "3m"), []string{`bgpPeer.holdIntvl="3m": not an integer`}},
		{"bad bool", "nvoEps", New("nvoEp", "epId", "1", "advertiseVmac", "enabled"), []string{`nvoEp.advertiseVmac="enabled": not a boolean`}},
		{"wrong parent", "bgpInst", New("bgpPeer", "addr", "1.1.1.1"), []string{`bgpPeer: cannot be a child of bgpInst`}},
		{"missing naming", "bgpDom", New("bgpPeer", "asn", "1"), []string{`bgpPeer#0: bgpPeer.addr="": naming property is missing`}},
		{"rn mismatch", "bgpDom", New("bgpPeer", "addr", "1.1.1.1", "rn", "peer-[1.1.1.2]"), []string{`bgpPeer.addr="1.1.1.1": naming property disagrees with rn "peer-[1.1.1.2]"`}},
		{"rn malformed", "bgpDom", New("bgpPeer", "rn", "neighbor-1.1.1.1"), []string{`bgpPeer.rn="neighbor-1.1.1.1": does not match rn format "peer-[%s]"`, `naming property is missing`}},
		{"operational", "bgpPeer", New("bgpPeerEntry", "addr", "1.1.1.1", "operSt", "established"), []string{`bgpPeerEntry: operational (read-only) class cannot be posted`}},
		{"bad status", "bgpDom", New("bgpPeer", "addr", "1.1.1.1", "status", "removed"), []string{`bgpPeer.status="removed": status must be created, modified, deleted or replaced`}},
		{"unset naming", "bgpDom", New("bgpPeer", "addr", UnsetMarker), []string{`naming property cannot be unset`}},
		{"nested path, several errors", "topSystem", New("bgpEntity").Add(New("bgpInst").Add(New("bgpDom", "name", "v").Add(
			New("bgpPeer", "addr", "1.1.1.1", "ttl", "300").Add(New("bgpPeerAf", "type", "ipv9")),
			New("bgpGr", "staleIntvl", "0")))),
			[]string{`bgp/inst/dom-v/peer-[1.1.1.1]: bgpPeer.ttl="300": out of range`, `bgp/inst/dom-v/peer-[1.1.1.1]/af-[ipv9]: bgpPeerAf.type="ipv9": not one of`, `bgp/inst/dom-v/gr: bgpGr.staleIntvl="0"`}},
	}
	for _, tt := range tests {
		errs := Check(tt.parent, tt.obj)
		if len(errs) != len(tt.want) {
			t.Errorf("%s: %d errors, want %d: %v", tt.name, len(errs), len(tt.want), errs)
			continue
		}
		for i, err := range errs {
			var se *SchemaError
			if !errors.As(err, &se) {
				t.Errorf("%s: %T is not *SchemaError", tt.name, err)
			}
			if !strings.Contains(err.Error(), tt.want[i]) {
				t.Errorf("%s: error %d = %q, want it to contain %q", tt.name, i, err, tt.want[i])
			}
		}
	}
}

func TestNormalizeFlags(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "nh-self": "nh-self", "rr-client,nh-self, dis-peer-as-check": "dis-peer-as-check,nh-self,rr-client",
		"b,a,b,,a": "a,b",
	} {
		if got := NormalizeFlags(in); got != want {
			t.Errorf("NormalizeFlags(%q) = %q, want %q", in, got, want)
		}
	}
}
