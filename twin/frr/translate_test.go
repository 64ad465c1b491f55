package frr

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// miniTree builds a leaf tree: AS 65102, VRF tenant with loopback lo7 (10.0.0.7/32,
// fd00::7/128), the given template(s) in the default domain, and the given children of the VRF's
// BGP domain; extra top-level children are added as given.
func miniTree(tmpl []*dme.Object, vrf []*dme.Object, top ...*dme.Object) *dme.Object {
	def := dme.New("bgpDom", "name", "default", "rtrId", "10.9.9.9")
	def.Add(tmpl...)
	dom := dme.New("bgpDom", "name", "tenant")
	dom.Add(vrf...)
	sys := dme.New("topSystem").Add(
		dme.New("bgpEntity").Add(dme.New("bgpInst", "asn", "65102").Add(def, dom)),
		dme.New("ipv4Entity").Add(dme.New("ipv4Inst").Add(dme.New("ipv4Dom", "name", "tenant").Add(
			dme.New("ipv4If", "id", "lo7").Add(dme.New("ipv4Addr", "addr", "10.0.0.7/32"))))),
		dme.New("ipv6Entity").Add(dme.New("ipv6Inst").Add(dme.New("ipv6Dom", "name", "tenant").Add(
			dme.New("ipv6If", "id", "lo7").Add(dme.New("ipv6Addr", "addr", "fd00::7/128"))))),
	)
	return sys.Add(top...)
}

func v4Peer(addr, tmpl string) *dme.Object {
	return dme.New("bgpPeer", "addr", addr, "peerImp", tmpl).Add(dme.New("bgpPeerAf", "type", "ipv4-ucast"))
}

func translateOK(t *testing.T, tree *dme.Object, o Options) *Config {
	t.Helper()
	c, err := Translate(tree, o)
	if err != nil {
		t.Fatalf("Translate: %v", err)
	}
	return c
}

// hasLines fails unless every want line appears in c's text (trimmed), in the given order.
func hasLines(t *testing.T, c *Config, want ...string) {
	t.Helper()
	lines := strings.Split(c.String(), "\n")
	at := 0
	for _, w := range want {
		found := false
		for at < len(lines) {
			if strings.TrimSpace(lines[at]) == w {
				found = true
				at++
				break
			}
			at++
		}
		if !found {
			t.Fatalf("line %q missing (or out of order) in:\n%s", w, c.Redacted())
		}
	}
}

func lacks(t *testing.T, c *Config, bad ...string) {
	t.Helper()
	for _, l := range strings.Split(c.String(), "\n") {
		for _, b := range bad {
			if strings.TrimSpace(l) == b {
				t.Errorf("unexpected line %q in:\n%s", b, c.Redacted())
			}
		}
	}
}

func TestTemplateBecomesPeerGroup(t *testing.T) {
	tmpl := dme.New("bgpPeerCont", "name", "CALICO", "asn", "65531", "srcIf", "lo7", "ttl", "10").Add(
		dme.New("bgpPeerAf", "type", "ipv4-ucast", "asOverride", "enabled", "ctrl", "dis-peer-as-check", "sendComStd", "enabled", "sendComExt", "enabled"))
	c := translateOK(t, miniTree([]*dme.Object{tmpl}, []*dme.Object{v4Peer("10.1.0.10", "CALICO")}), Options{})
	hasLines(t, c,
		"router bgp 65102",
		"bgp router-id 10.9.9.9",
		"no bgp ebgp-requires-policy",
		"no bgp network import-check",
		"no bgp default ipv4-unicast",
		"neighbor CALICO peer-group",
		"neighbor CALICO remote-as 65531",
		"neighbor CALICO update-source 10.0.0.7",
		"neighbor CALICO ebgp-multihop 10",
		"neighbor 10.1.0.10 peer-group CALICO",
		"address-family ipv4 unicast",
		"neighbor CALICO activate",
		"neighbor CALICO as-override",
		"no neighbor CALICO send-community large",
		"maximum-paths 1",
		"maximum-paths ibgp 1",
	)
	// disable-peer-as-check is FRR's default; both communities are sent (FRR's default).
	lacks(t, c, "neighbor CALICO sender-as-path-loop-detection", "no neighbor CALICO send-community standard", "no neighbor CALICO send-community extended", "neighbor 10.1.0.10 activate")
}

func TestPeerASCheckAndCommunitiesDefaults(t *testing.T) {
	// Without disable-peer-as-check and send-community, NX-OS checks the peer AS and sends no
	// communities.
	tmpl := dme.New("bgpPeerCont", "name", "T", "asn", "65531").Add(dme.New("bgpPeerAf", "type", "ipv4-ucast"))
	c := translateOK(t, miniTree([]*dme.Object{tmpl}, []*dme.Object{v4Peer("10.1.0.10", "T")}), Options{})
	hasLines(t, c, "neighbor T sender-as-path-loop-detection", "no neighbor T send-community standard", "no neighbor T send-community extended", "no neighbor T send-community large")
}

func TestNeighborActivationFollowsNXOS(t *testing.T) {
	// A template for IPv4 and a neighbor configured only for IPv6: NX-OS activates only the
	// neighbor's own families.
	tmpl := dme.New("bgpPeerCont", "name", "T", "asn", "65531").Add(dme.New("bgpPeerAf", "type", "ipv4-ucast"))
	nb := dme.New("bgpPeer", "addr", "10.1.0.10", "peerImp", "T").Add(dme.New("bgpPeerAf", "type", "ipv6-ucast", "sendComExt", "enabled"))
	c := translateOK(t, miniTree([]*dme.Object{tmpl}, []*dme.Object{nb}), Options{})
	hasLines(t, c, "address-family ipv4 unicast", "no neighbor 10.1.0.10 activate", "address-family ipv6 unicast", "neighbor 10.1.0.10 activate", "neighbor 10.1.0.10 send-community extended")
}

func TestNeighborOwnSettings(t *testing.T) {
	nb := dme.New("bgpPeer", "addr", "10.1.0.10", "asn", "65001", "name", "node-a", "kaIntvl", "10", "holdIntvl", "30", "adminSt", "disabled", "srcIf", "lo7").Add(
		dme.New("bgpPeerAf", "type", "ipv4-ucast", "ctrl", "dis-peer-as-check,nh-self", "defOrg", "enabled"),
		dme.New("bgpLocalAsn", "localAsn", "65200", "asnPropagate", "replace-as"))
	c := translateOK(t, miniTree(nil, []*dme.Object{nb}), Options{})
	hasLines(t, c,
		"neighbor 10.1.0.10 description node-a",
		"neighbor 10.1.0.10 remote-as 65001",
		"neighbor 10.1.0.10 update-source 10.0.0.7",
		"neighbor 10.1.0.10 timers 10 30",
		"neighbor 10.1.0.10 shutdown",
		"neighbor 10.1.0.10 local-as 65200 no-prepend replace-as",
		"neighbor 10.1.0.10 activate",
		"neighbor 10.1.0.10 next-hop-self",
		"neighbor 10.1.0.10 default-originate",
	)
}

func TestRouteMapsAndPrefixLists(t *testing.T) {
	rpm := dme.New("rpmEntity").Add(
		dme.New("rtpfxRuleV4", "name", "IN").Add(
			dme.New("rtpfxEntry", "order", "10", "action", "permit", "criteria", "inexact", "pfx", "10.96.0.0/12", "fromPfxLen", "0", "toPfxLen", "32"),
			dme.New("rtpfxEntry", "order", "5", "action", "permit", "criteria", "inexact", "pfx", "10.244.0.0/16", "fromPfxLen", "24", "toPfxLen", "26"),
			dme.New("rtpfxEntry", "order", "20", "action", "deny", "criteria", "exact", "pfx", "10.244.9.1/16"),
		),
		dme.New("rtpfxRuleV6", "name", "IN6").Add(
			dme.New("rtpfxEntry", "order", "5", "criteria", "inexact", "pfx", "fd00:10:244::/48", "fromPfxLen", "48", "toPfxLen", "122")),
		dme.New("rtmapRule", "name", "IN").Add(
			dme.New("rtmapEntry", "order", "10", "action", "permit").Add(
				dme.New("rtmapMatchRtDst").Add(dme.New("rtmapRsRtDstAtt", "tDn", "sys/rpm/pfxlistv4-[IN]")))),
		dme.New("rtmapRule", "name", "DENYALL").Add(dme.New("rtmapEntry", "order", "10", "action", "deny")),
		dme.New("rtmapRule", "name", "V6").Add(
			dme.New("rtmapEntry", "order", "7").Add(
				dme.New("rtmapMatchRtDstV6").Add(dme.New("rtmapRsRtDstV6Att", "tDn", "sys/rpm/pfxlistv6-[IN6]")),
				dme.New("rtmapSetRttComm").Add(dme.New("rtextcomItem", "community", "route-target:as2-nn2:1:2")))),
		dme.New("rtmapRule", "name", "GHOST").Add(
			dme.New("rtmapEntry", "order", "10").Add(
				dme.New("rtmapMatchRtDst").Add(dme.New("rtmapRsRtDstAtt", "tDn", "sys/rpm/pfxlistv4-[MISSING]")))),
	)
	tmpl := dme.New("bgpPeerCont", "name", "T", "asn", "65531").Add(dme.New("bgpPeerAf", "type", "ipv4-ucast").Add(
		dme.New("bgpRtCtrlP", "direction", "in", "rtMap", "IN"),
		dme.New("bgpRtCtrlP", "direction", "out", "rtMap", "DENYALL"),
	))
	c := translateOK(t, miniTree([]*dme.Object{tmpl}, []*dme.Object{v4Peer("10.1.0.10", "T")}, rpm), Options{})
	hasLines(t, c,
		"ip prefix-list IN seq 5 permit 10.244.0.0/16 ge 24 le 26",
		"ip prefix-list IN seq 10 permit 10.96.0.0/12 le 32",
		"ip prefix-list IN seq 20 deny 10.244.0.0/16",
		// NX-OS lets a match on an absent prefix-list through; FRR needs the list to do so.
		"ip prefix-list MISSING seq 5 permit any",
		"ipv6 prefix-list IN6 seq 5 permit fd00:10:244::/48 le 122",
		"route-map DENYALL deny 10",
		"route-map GHOST permit 10",
		"match ip address prefix-list MISSING",
		"route-map IN permit 10",
		"match ip address prefix-list IN",
		"route-map V6 permit 7",
		"match ipv6 address prefix-list IN6",
		"set extcommunity rt 1:2",
		"neighbor T route-map IN in",
		"neighbor T route-map DENYALL out",
	)
	if !slices.ContainsFunc(c.Unmapped(), func(s string) bool { return strings.Contains(s, "MISSING") }) {
		t.Errorf("Unmapped does not mention the undefined prefix-list: %q", c.Unmapped())
	}
}

func TestMaximumPrefix(t *testing.T) {
	for _, tc := range []struct {
		attrs []string
		want  string
	}{
		{[]string{"maxPfx", "260", "thresh", "75", "action", "shut"}, "neighbor T maximum-prefix 260 75"},
		{[]string{"maxPfx", "260", "action", "log"}, "neighbor T maximum-prefix 260 warning-only"},
		{[]string{"maxPfx", "100", "thresh", "50", "action", "restart", "restartTime", "5"}, "neighbor T maximum-prefix 100 50 restart 5"},
		{[]string{"maxPfx", "100", "thresh", "0", "restartTime", "0"}, "neighbor T maximum-prefix 100"},
	} {
		tmpl := dme.New("bgpPeerCont", "name", "T", "asn", "65531").Add(dme.New("bgpPeerAf", "type", "ipv4-ucast").Add(dme.New("bgpMaxPfxP", tc.attrs...)))
		hasLines(t, translateOK(t, miniTree([]*dme.Object{tmpl}, nil), Options{}), tc.want)
	}
}

func TestGracefulRestartAndNetworks(t *testing.T) {
	vrf := []*dme.Object{
		dme.New("bgpGr", "restartIntvl", "180", "staleIntvl", "600"),
		dme.New("bgpDomAf", "type", "ipv4-ucast", "maxEcmp", "64", "maxExtIntEcmp", "2").Add(
			dme.New("bgpAdvPrefix", "addr", "10.0.0.7/32", "rtMap", "color"),
			dme.New("bgpAdvPrefix", "addr", "0.0.0.0/0")),
	}
	c := translateOK(t, miniTree(nil, vrf), Options{})
	hasLines(t, c,
		"bgp graceful-restart",
		"bgp graceful-restart restart-time 180",
		"bgp graceful-restart stalepath-time 600",
		"address-family ipv4 unicast",
		"network 0.0.0.0/0",
		"network 10.0.0.7/32 route-map color",
		"maximum-paths 64",
		"maximum-paths ibgp 2",
	)
	// Without bgpGr: NX-OS's defaults, not FRR's (stalepath 360).
	hasLines(t, translateOK(t, miniTree(nil, nil), Options{}), "bgp graceful-restart restart-time 120", "bgp graceful-restart stalepath-time 300")
	if got := translateOK(t, miniTree(nil, nil), Options{}).Loopbacks(); !slices.Equal(got, []netip.Prefix{netip.MustParsePrefix("10.0.0.7/32"), netip.MustParsePrefix("fd00::7/128")}) {
		t.Errorf("Loopbacks = %v", got)
	}
}

// coloredTree is a leaf of a colored rack: export map "color" setting RT 2101:2102 on the
// loopback, importing 2101:2102.
func coloredTree() *dme.Object {
	rpm := dme.New("rpmEntity").Add(
		dme.New("rtpfxRuleV4", "name", "LB").Add(dme.New("rtpfxEntry", "order", "5", "pfx", "10.0.0.7/32")),
		dme.New("rtmapRule", "name", "color").Add(
			dme.New("rtmapEntry", "order", "10").Add(
				dme.New("rtmapMatchRtDst").Add(dme.New("rtmapRsRtDstAtt", "tDn", "sys/rpm/pfxlistv4-[LB]")),
				dme.New("rtmapSetRttComm").Add(dme.New("rtextcomItem", "community", "route-target:as2-nn2:2101:2102"))),
			dme.New("rtmapEntry", "order", "100")),
	)
	vrf := dme.New("l3Inst", "name", "tenant").Add(dme.New("rtctrlDom", "name", "tenant").Add(
		dme.New("rtctrlDomAf", "type", "ipv4-ucast").Add(
			dme.New("rtctrlAfCtrl", "type", "l2vpn-evpn").Add(dme.New("rtctrlRttP", "type", "import").Add(dme.New("rtctrlRttEntry", "rtt", "route-target:as2-nn2:2101:2102"))),
			dme.New("rtctrlAfCtrl", "type", "ipv4-ucast").Add(dme.New("rtctrlRttP", "type", "export").Add(dme.New("rtctrlMapP", "rtMap", "color"))))))
	return miniTree(nil, []*dme.Object{dme.New("bgpDomAf", "type", "ipv4-ucast").Add(dme.New("bgpAdvPrefix", "addr", "10.0.0.7/32", "rtMap", "color"))}, rpm, vrf)
}

func TestFabricRouteTargets(t *testing.T) {
	o := Options{FabricLocal: netip.MustParseAddr("10.255.0.1"), FabricPeers: []netip.Addr{netip.MustParseAddr("10.255.0.3"), netip.MustParseAddr("10.255.0.2")}}
	c := translateOK(t, coloredTree(), o)
	hasLines(t, c,
		// Import: the VRF's import list plus the fabric VRF's own (auto) route target.
		"bgp extcommunity-list standard TWIN-FABRIC-IMPORT-V4 seq 5 permit rt 2101:2102",
		"bgp extcommunity-list standard TWIN-FABRIC-IMPORT-V4 seq 10 permit rt 65102:1",
		"route-map TWIN-FABRIC-IN-V4 permit 10",
		"match extcommunity TWIN-FABRIC-IMPORT-V4",
		// Export: the export map's entries; the colored entry carries only its color, so racks
		// that do not import it never learn the loopback; the rest carries the VRF's own.
		"route-map TWIN-FABRIC-OUT-V4 permit 10",
		"match ip address prefix-list LB",
		"set extcommunity rt 2101:2102",
		"route-map TWIN-FABRIC-OUT-V4 permit 100",
		"set extcommunity rt 65102:1",
		"neighbor TWIN-FABRIC peer-group",
		"neighbor TWIN-FABRIC remote-as internal",
		"neighbor TWIN-FABRIC update-source 10.255.0.1",
		"neighbor 10.255.0.2 peer-group TWIN-FABRIC",
		"neighbor 10.255.0.3 peer-group TWIN-FABRIC",
		"address-family ipv4 unicast",
		"neighbor TWIN-FABRIC activate",
		"neighbor TWIN-FABRIC next-hop-self",
		"neighbor TWIN-FABRIC route-map TWIN-FABRIC-IN-V4 in",
		"neighbor TWIN-FABRIC route-map TWIN-FABRIC-OUT-V4 out",
		"address-family ipv6 unicast",
		"neighbor TWIN-FABRIC route-map TWIN-FABRIC-OUT-V6 out",
	)
	// An additive set keeps the VRF's own route target.
	tree := coloredTree()
	setRT := findClass(tree, "rtmapSetRttComm")
	setRT.Set("additive", "enabled")
	hasLines(t, translateOK(t, tree, o), "route-map TWIN-FABRIC-OUT-V4 permit 10", "set extcommunity rt 65102:1 2101:2102")
	// Without fabric peers there is no fabric.
	lacks(t, translateOK(t, coloredTree(), Options{}), "neighbor TWIN-FABRIC peer-group")
}

func findClass(o *dme.Object, class string) *dme.Object {
	if o.Class == class {
		return o
	}
	for _, c := range o.Children {
		if f := findClass(c, class); f != nil {
			return f
		}
	}
	return nil
}

func TestTranslateErrors(t *testing.T) {
	bad := func(name string, tree *dme.Object, o Options, want string) {
		t.Helper()
		_, err := Translate(tree, o)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, want)
		}
	}
	bad("nil", nil, Options{}, "nil tree")
	bad("root", dme.New("bgpEntity"), Options{}, "want topSystem")
	bad("asn", dme.New("topSystem").Add(dme.New("bgpEntity").Add(dme.New("bgpInst", "asn", "x"))), Options{}, `"x" is not an AS number`)
	bad("fabric local", miniTree(nil, nil), Options{FabricPeers: []netip.Addr{netip.MustParseAddr("10.0.0.2")}}, "Options.FabricLocal")
	bad("fabric family", miniTree(nil, nil), Options{FabricLocal: netip.MustParseAddr("10.0.0.1"), FabricPeers: []netip.Addr{netip.MustParseAddr("fd00::2")}}, "FabricPeers[0]: fd00::2 is not of the family")
	bad("fabric dup", miniTree(nil, nil), Options{FabricLocal: netip.MustParseAddr("10.0.0.1"), FabricPeers: []netip.Addr{netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.2")}}, "listed twice")
	rpm := dme.New("rpmEntity").Add(dme.New("rtpfxRuleV4", "name", "P").Add(dme.New("rtpfxEntry", "order", "5", "criteria", "inexact", "pfx", "10.0.0.0/16", "toPfxLen", "8")))
	bad("le", miniTree(nil, nil, rpm), Options{}, "ip prefix-list P seq 5: toPfxLen (le) 8 is outside 17–32")
	reserved := dme.New("rpmEntity").Add(dme.New("rtmapRule", "name", "TWIN-FABRIC-IN-V4").Add(dme.New("rtmapEntry", "order", "1")))
	bad("reserved", miniTree(nil, nil, reserved), Options{}, "reserved for the twin's fabric")
	pw := dme.New("bgpPeerCont", "name", "T", "asn", "1", "passwdType", "3", "password", "secretdata")
	_, err := Translate(miniTree([]*dme.Object{pw}, nil), Options{})
	if err == nil || strings.Contains(err.Error(), "secretdata") {
		t.Errorf("type-3 password: error %v (must exist and not show the value)", err)
	}
}

func TestNoBGPYet(t *testing.T) {
	// A leaf before its first configuration POST: a valid configuration without router bgp.
	c := translateOK(t, dme.New("topSystem", "name", "sw1"), Options{})
	if !strings.Contains(c.String(), "hostname sw1\n") || strings.Contains(c.String(), "router bgp") {
		t.Errorf("unexpected configuration:\n%s", c)
	}
}

func TestUnmappedSaysWhatIsLeftOut(t *testing.T) {
	tree := caseStudyLeafNoT()
	c := translateOK(t, tree, Options{})
	joined := strings.Join(c.Unmapped(), "\n")
	for _, want := range []string{"SVI", "VXLAN", "l2vpn evpn", "ICMP redirect", "route tag 6789", "anycast-gateway"} {
		if !strings.Contains(joined, want) {
			t.Errorf("Unmapped does not mention %q:\n%s", want, joined)
		}
	}
}

func caseStudyLeafNoT() *dme.Object {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		panic(err)
	}
	cs, err := nxos.Render(in, nxos.RenderOptions{})
	if err != nil {
		panic(err)
	}
	return cs[0].Config
}
