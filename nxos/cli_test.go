package nxos

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// paperSnippets are the configuration snippets of Cisco's white paper "Cisco NX-OS and Calico
// Network Design" (../shared/seed/nxos-calico-design.txt), per leaf, indented the way NX-OS
// prints them (the paper loses the indentation). Where the paper disagrees with the corrected
// design (design.CaseStudy documents each correction) the snippet carries the corrected text and
// says so; lines that only the paper's fabric-internal configuration has are left out (see the
// package documentation).
var paperSnippets = map[string][][]string{
	"Leaf2101": {
		{ // "Loopback on Leaf2101"; the paper's "vrf member gr-vrf-001" is corrected to vrf-001.
			"interface loopback1002",
			"  vrf member vrf-001",
			"  ip address 192.168.100.1/32 tag 6789",
			"  ipv6 address 2001:193:168:1::4/128",
		},
		sviSnippet,
		{ // "BGP configuration of Leaf2101" ("Router bgp" lower-cased as NX-OS prints it).
			"router bgp 65102",
			"  template peer CALICO",
			"    remote-as 65531",
			"    update-source loopback1002",
			"    ebgp-multihop 10",
			"    address-family ipv4 unicast",
			"      as-override",
			"  template peer K8-v6",
			"    remote-as 65531",
			"    update-source loopback1002",
			"    ebgp-multihop 10",
			"    address-family ipv6 unicast",
			"      as-override",
			"  vrf vrf-001",
			"    neighbor 192.168.1.10",
			"      inherit peer CALICO",
			"      address-family ipv4 unicast",
			"    neighbor 192.168.1.11",
			"      inherit peer CALICO",
			"      address-family ipv4 unicast",
			"    neighbor 2001:192:168:1::10",
			"      inherit peer K8-v6",
			"    neighbor 2001:192:168:1::11",
			"      inherit peer K8-v6",
			"    neighbor 2001:192:168:1::13",
			"      inherit peer K8-v6",
		},
		{ // "VRF configuration on Leaf2101"
			"vrf context vrf-001",
			"  address-family ipv4 unicast",
			"    route-target import 2101:2102 evpn",
			"    export map loopback",
		},
		{"ip prefix-list dup_ip_avoidance seq 5 permit 192.168.100.1/32"},
		routeMapSnippet,
		nveSnippet,
		{ // "BGP Config at Leaf" with router-id 10.2.1.1: the lines that are not fabric-internal.
			"router bgp 65102",
			"  router-id 10.2.1.1",
			"  address-family l2vpn evpn",
			"    advertise-pip",
			"  vrf vrf-001",
			"    address-family ipv4 unicast",
			"      network 0.0.0.0/0",
			"      maximum-paths 64",
			"      maximum-paths ibgp 2",
			"    address-family ipv6 unicast",
			"      network ::/0",
			"      maximum-paths ibgp 2",
		},
	},
	"Leaf2102": {
		{ // "Loopback on Leaf2102"; gr-vrf-001 corrected to vrf-001.
			"interface loopback1002",
			"  vrf member vrf-001",
			"  ip address 192.168.100.2/32 tag 6789",
			"  ipv6 address 2001:193:168:1::5/128",
		},
		sviSnippet,
		{ // "VRF configuration on Leaf2102"
			"vrf context vrf-001",
			"  address-family ipv4 unicast",
			"    route-target import 2101:2102 evpn",
			"    export map loopback",
		},
		{"ip prefix-list dup_ip_avoidance seq 5 permit 192.168.100.2/32"},
		routeMapSnippet,
		nveSnippet,
		{ // the PIP snippet (router-id 10.2.1.2 is Leaf2102's)
			"router bgp 65102",
			"  router-id 10.2.1.2",
			"  address-family l2vpn evpn",
			"    advertise-pip",
		},
		{ // "BGP Config at Leaf" shows Leaf2102's prefixes; "route-map set_rt" is corrected to the
			// coloring route-map "loopback", which the corrected design also puts on the IPv6 loopback.
			"router bgp 65102",
			"  vrf vrf-001",
			"    address-family ipv4 unicast",
			"      network 0.0.0.0/0",
			"      network 192.168.100.2/32 route-map loopback",
			"      maximum-paths 64",
			"      maximum-paths ibgp 2",
			"    address-family ipv6 unicast",
			"      network ::/0",
			"      network 2001:193:168:1::5/128 route-map loopback",
			"      maximum-paths ibgp 2",
		},
	},
}

var sviSnippet = []string{ // "SVI interfaces on Leaf2101 and Leaf2102"
	"interface Vlan3001",
	"  no shutdown",
	"  vrf member vrf-001",
	"  no ip redirects",
	"  ip address 192.168.1.1/24",
	"  ipv6 address 2001:192:168:1::1/64",
	"  no ipv6 redirects",
	"  fabric forwarding mode anycast-gateway",
}

var routeMapSnippet = []string{
	"route-map loopback permit 10",
	"  match ip address prefix-list dup_ip_avoidance",
	"  set extcommunity rt 2101:2102",
}

var nveSnippet = []string{
	"interface nve1",
	"  host-reachability protocol bgp",
	"  advertise virtual-rmac",
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// stanzaEnd returns the index after the stanza that line i opens: the next non-blank line indented
// no deeper than line i.
func stanzaEnd(lines []string, i int) int {
	for k := i + 1; k < len(lines); k++ {
		if lines[k] != "" && indentOf(lines[k]) <= indentOf(lines[i]) {
			return k
		}
	}
	return len(lines)
}

// matchSnippet reports whether the snippet appears in lines: its first line exactly once, and each
// further line, in order, inside the stanza of the nearest preceding snippet line that is indented
// less. Extra lines of the rendering (what the corrected design adds) may sit in between.
func matchSnippet(lines, snippet []string) error {
	start, count := -1, 0
	for i, l := range lines {
		if l == snippet[0] {
			if start < 0 {
				start = i
			}
			count++
		}
	}
	if count != 1 {
		return fmt.Errorf("%q appears %d times, want once", snippet[0], count)
	}
	type frame struct{ indent, end int }
	stack := []frame{{indentOf(snippet[0]), stanzaEnd(lines, start)}}
	pos := start + 1
	for _, want := range snippet[1:] {
		for len(stack) > 0 && stack[len(stack)-1].indent >= indentOf(want) {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			return fmt.Errorf("snippet line %q is not inside %q", want, snippet[0])
		}
		found := -1
		for k := pos; k < stack[len(stack)-1].end; k++ {
			if lines[k] == want {
				found = k
				break
			}
		}
		if found < 0 {
			return fmt.Errorf("line %q not found in order under %q", want, lines[stack[len(stack)-1].end-1])
		}
		stack = append(stack, frame{indentOf(want), stanzaEnd(lines, found)})
		pos = found + 1
	}
	return nil
}

// TestCLIMatchesPaper checks the CLI of the case study against the white paper's snippets.
func TestCLIMatchesPaper(t *testing.T) {
	cs := mustRender(t, design.CaseStudy(), RenderOptions{})
	if len(cs) != len(paperSnippets) {
		t.Fatalf("%d leaves, want %d", len(cs), len(paperSnippets))
	}
	for _, c := range cs {
		cli := c.CLI()
		lines := strings.Split(cli, "\n")
		for _, snip := range paperSnippets[c.Leaf] {
			if err := matchSnippet(lines, snip); err != nil {
				t.Errorf("%s: snippet %q: %v\n%s", c.Leaf, snip[0], err, cli)
			}
		}
		// The paper's fabric-internal lines and its mistakes stay out.
		for _, bad := range []string{"redistribute direct", "aggregate-address", "10.2.1.5", "10.2.1.6", "set_rt", "gr-vrf-001", "calico-ip", "inherit peer K8\n", "28b6:92ff"} {
			if strings.Contains(cli, bad) {
				t.Errorf("%s: CLI contains %q", c.Leaf, bad)
			}
		}
	}
}

// TestMatchSnippet checks the matcher itself, so that a pass of TestCLIMatchesPaper means
// something.
func TestMatchSnippet(t *testing.T) {
	lines := strings.Split("router bgp 1\n  vrf a\n    neighbor x\n      inherit peer P\n    neighbor y\n  vrf b\n    neighbor z\n      inherit peer Q\ninterface lo1\n  vrf member a", "\n")
	tests := []struct {
		snippet []string
		ok      bool
	}{
		{[]string{"router bgp 1", "  vrf a", "    neighbor x", "      inherit peer P"}, true},
		{[]string{"router bgp 1", "  vrf b", "    neighbor z"}, true},
		{[]string{"router bgp 1", "  vrf a", "    neighbor y", "      inherit peer Q"}, false}, // Q belongs to z in vrf b
		{[]string{"router bgp 1", "  vrf a", "    neighbor z"}, false},                         // z is in vrf b
		{[]string{"router bgp 1", "  vrf b", "  vrf a"}, false},                                // order
		{[]string{"interface lo1", "  vrf member b"}, false},
		{[]string{"interface lo2"}, false},
	}
	for _, tt := range tests {
		if err := matchSnippet(lines, tt.snippet); (err == nil) != tt.ok {
			t.Errorf("matchSnippet(%q) = %v, want ok=%v", tt.snippet, err, tt.ok)
		}
	}
}

// TestCLIDeterministicAndComplete checks that CLI output is stable and names every neighbor.
func TestCLIDeterministicAndComplete(t *testing.T) {
	in := mustIntent(t, sharedLoopbackDesign(4, 3))
	a, _ := Render(in, RenderOptions{})
	b, _ := Render(in, RenderOptions{})
	for i := range a {
		if a[i].CLI() != b[i].CLI() {
			t.Fatalf("%s: CLI differs between two renderings", a[i].Leaf)
		}
		for _, n := range in.Leaves[i].Neighbors {
			if !strings.Contains(a[i].CLI(), "\n    neighbor "+n.Addr.String()+"\n      inherit peer "+n.Template+"\n") {
				t.Errorf("%s: CLI lacks neighbor %s inheriting %s", a[i].Leaf, n.Addr, n.Template)
			}
		}
	}
	if got := (&LeafConfig{Leaf: "empty"}).CLI(); got != "" {
		t.Errorf("CLI of an empty config = %q, want empty", got)
	}
}

// TestLastName checks the names the CLI reads out of DNs, on the renderer's own DNs and on
// forms that must go through the DN parser, and that the shortcut agrees with the parser.
func TestLastName(t *testing.T) {
	parsed := func(dn string) string {
		d, err := dme.ParseDN(dn)
		if err != nil {
			return dn
		}
		c, names, err := dme.ResolveDN(d)
		if err != nil || len(c.Naming) != 1 {
			return dn
		}
		return names[len(names)-1][c.Naming[0]]
	}
	tests := []struct{ dn, want string }{
		{"sys/inst-vrf-001", "vrf-001"},
		{"sys/inst-[vrf-001]", "vrf-001"},
		{"sys/rpm/pfxlistv4-[CALICO-in]", "CALICO-in"},
		{"sys/rpm/pfxlistv6-[K8-v6-in]", "K8-v6-in"},
		{"sys/rpm/pfxlistv4-[a]b]", "sys/rpm/pfxlistv4-[a]b]"},
		{"sys/inst-", "sys/inst-"},
		{"not a dn", "not a dn"},
	}
	for _, tt := range tests {
		if got := lastName(tt.dn); got != tt.want {
			t.Errorf("lastName(%q) = %q, want %q", tt.dn, got, tt.want)
		}
		if got, want := lastName(tt.dn), parsed(tt.dn); got != want {
			t.Errorf("lastName(%q) = %q, the DN parser gives %q", tt.dn, got, want)
		}
	}
}
