package nxos

import (
	"cmp"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// The functions below evaluate a rendered rpmEntity the way NX-OS evaluates route-maps and
// prefix-lists, reading every fact from the DME tree: entries in ascending order, first match
// decides; a route-map entry without match clauses matches every route; a match on an absent or
// empty prefix-list matches every route; a route no entry matches is denied.

// byOrder returns the children of o of class sorted by their numeric "order".
func byOrder(t *testing.T, o *dme.Object, class string) []*dme.Object {
	t.Helper()
	list := kids(o, class)
	num := func(e *dme.Object) int {
		n, err := strconv.Atoi(e.Get("order"))
		if err != nil {
			t.Fatalf("%s order %q: %v", class, e.Get("order"), err)
		}
		return n
	}
	slices.SortStableFunc(list, func(a, b *dme.Object) int { return cmp.Compare(num(a), num(b)) })
	return list
}

// prefixEntryMatches is NX-OS's match of one prefix-list entry: the route lies inside pfx and its
// length is pfx's length (criteria exact) or within [ge, le] (inexact), where an unset (0) ge is
// pfx's length and an unset le is the address length.
func prefixEntryMatches(t *testing.T, e *dme.Object, route netip.Prefix) bool {
	t.Helper()
	pfx, err := netip.ParsePrefix(e.Get("pfx"))
	if err != nil {
		t.Fatalf("rtpfxEntry pfx %q: %v", e.Get("pfx"), err)
	}
	if pfx.Addr().Is4() != route.Addr().Is4() || route.Bits() < pfx.Bits() || !pfx.Contains(route.Addr()) {
		return false
	}
	if orDefault(e.Get("criteria"), "exact") == "exact" {
		return route.Bits() == pfx.Bits()
	}
	atoi := func(attr string) int {
		n, err := strconv.Atoi(orDefault(e.Get(attr), "0"))
		if err != nil {
			t.Fatalf("rtpfxEntry %s %q: %v", attr, e.Get(attr), err)
		}
		return n
	}
	lo, hi := atoi("fromPfxLen"), atoi("toPfxLen")
	if lo == 0 {
		lo = pfx.Bits()
	}
	if hi == 0 {
		hi = pfx.Addr().BitLen()
	}
	return route.Bits() >= lo && route.Bits() <= hi
}

// prefixListMatches evaluates the prefix-list a route-map match clause points at (tDn).
func prefixListMatches(t *testing.T, rpm *dme.Object, tDn string, route netip.Prefix) bool {
	t.Helper()
	class, v6 := "rtpfxRuleV4", false
	if strings.HasPrefix(tDn, "sys/rpm/pfxlistv6-") {
		class, v6 = "rtpfxRuleV6", true
	}
	if v6 == route.Addr().Is4() {
		return false // an IPv4 match never matches an IPv6 route and vice versa
	}
	list := kidWith(rpm, class, "name", lastName(tDn))
	entries := byOrder(t, list, "rtpfxEntry")
	if len(entries) == 0 {
		return true // NX-OS: an absent or empty prefix-list matches everything
	}
	for _, e := range entries {
		if prefixEntryMatches(t, e, route) {
			return orDefault(e.Get("action"), "permit") == "permit"
		}
	}
	return false
}

// evalRouteMap returns the route-map entry that decides the route (nil when none matches) and
// whether the route is permitted.
func evalRouteMap(t *testing.T, rpm *dme.Object, name string, route netip.Prefix) (*dme.Object, bool) {
	t.Helper()
	rule := kidWith(rpm, "rtmapRule", "name", name)
	if rule == nil {
		t.Fatalf("route-map %q is not rendered", name)
	}
	for _, e := range byOrder(t, rule, "rtmapEntry") {
		matched := true
		for _, ch := range e.Children {
			switch ch.Class {
			case "rtmapMatchRtDst", "rtmapMatchRtDstV6":
				any := false
				for _, att := range ch.Children {
					any = any || prefixListMatches(t, rpm, att.Get("tDn"), route)
				}
				matched = matched && any
			case "rtmapSetRttComm":
			default:
				t.Fatalf("route-map %q entry %s: the evaluator does not know %s", name, e.Get("order"), ch.Class)
			}
		}
		if matched {
			return e, orDefault(e.Get("action"), "permit") == "permit"
		}
	}
	return nil, false
}

// templateRouteMap returns the route-map the template of family f applies in direction dir,
// read from the template's address family in the default BGP domain.
func templateRouteMap(t *testing.T, cfg *dme.Object, template string, f addressing.Family, dir string) string {
	t.Helper()
	for _, dom := range find(cfg, "bgpEntity", "bgpInst", "bgpDom") {
		pc := kidWith(dom, "bgpPeerCont", "name", template)
		if dom.Get("name") != "default" || pc == nil {
			continue
		}
		rc := kidWith(kidWith(pc, "bgpPeerAf", "type", afType(f)), "bgpRtCtrlP", "direction", dir)
		if rc == nil || rc.Get("rtMap") == "" {
			t.Fatalf("template %s has no route-map %s", template, dir)
		}
		return rc.Get("rtMap")
	}
	t.Fatalf("template %s not rendered", template)
	return ""
}

// advertisingCaseStudy is the case study with two extra prefixes for the nodes.
func advertisingCaseStudy() *design.Design {
	d := design.CaseStudy()
	d.Peering.AdvertiseToNodes = []netip.Prefix{netip.MustParsePrefix("10.10.0.0/16"), netip.MustParsePrefix("fd00:99::/64")}
	return d
}

// TestRouteFilterSemantics reads the rendered filters of the case study back out of the DME
// tree, evaluates them with NX-OS semantics and checks what passes: from a node only pod blocks
// and service routes, to a node only the default route and the listed prefixes.
func TestRouteFilterSemantics(t *testing.T) {
	const in, out = "in", "out"
	tests := []struct {
		name   string
		d      *design.Design
		family addressing.Family
		dir    string
		route  string
		want   bool
	}{
		{"node announces the IPv4 default route", design.CaseStudy(), addressing.IPv4, in, "0.0.0.0/0", false},
		{"node announces a leaf loopback", design.CaseStudy(), addressing.IPv4, in, "192.168.100.1/32", false},
		{"node announces the gateway subnet", design.CaseStudy(), addressing.IPv4, in, "192.168.1.0/24", false},
		{"node announces a prefix outside the pools", design.CaseStudy(), addressing.IPv4, in, "172.16.5.0/24", false},
		{"node announces a supernet of the pool", design.CaseStudy(), addressing.IPv4, in, "10.0.0.0/8", false},
		{"node announces a pod block", design.CaseStudy(), addressing.IPv4, in, "10.244.17.64/26", true},
		{"node announces the pod pool", design.CaseStudy(), addressing.IPv4, in, "10.244.0.0/16", true},
		{"node announces a pod /32 (longer than a block)", design.CaseStudy(), addressing.IPv4, in, "10.244.17.65/32", false},
		{"node announces a service /32", design.CaseStudy(), addressing.IPv4, in, "10.96.120.215/32", true},
		{"node announces the service range", design.CaseStudy(), addressing.IPv4, in, "10.96.0.0/12", true},
		{"node announces next to the service range", design.CaseStudy(), addressing.IPv4, in, "10.112.0.1/32", false},
		{"node announces the IPv6 default route", design.CaseStudy(), addressing.IPv6, in, "::/0", false},
		{"node announces an IPv6 leaf loopback", design.CaseStudy(), addressing.IPv6, in, "2001:193:168:1::4/128", false},
		{"node announces an IPv6 pod block", design.CaseStudy(), addressing.IPv6, in, "fd00:10:244:0:1::40/122", true},
		{"node announces an IPv6 pod /128", design.CaseStudy(), addressing.IPv6, in, "fd00:10:244::1/128", false},
		{"node announces IPv6 outside the pool", design.CaseStudy(), addressing.IPv6, in, "fd00:10:245::/122", false},
		{"leaf sends the IPv4 default route", design.CaseStudy(), addressing.IPv4, out, "0.0.0.0/0", true},
		{"leaf sends its loopback", design.CaseStudy(), addressing.IPv4, out, "192.168.100.2/32", false},
		{"leaf sends a pod block back", design.CaseStudy(), addressing.IPv4, out, "10.244.17.64/26", false},
		{"leaf sends a fabric route", design.CaseStudy(), addressing.IPv4, out, "172.16.5.0/24", false},
		{"leaf sends the IPv6 default route", design.CaseStudy(), addressing.IPv6, out, "::/0", true},
		{"leaf sends an IPv6 loopback", design.CaseStudy(), addressing.IPv6, out, "2001:193:168:1::5/128", false},
		{"leaf sends a listed prefix", advertisingCaseStudy(), addressing.IPv4, out, "10.10.0.0/16", true},
		{"leaf sends inside a listed prefix", advertisingCaseStudy(), addressing.IPv4, out, "10.10.1.0/24", false},
		{"leaf sends a listed IPv6 prefix", advertisingCaseStudy(), addressing.IPv6, out, "fd00:99::/64", true},
		{"leaf still sends the default route", advertisingCaseStudy(), addressing.IPv4, out, "0.0.0.0/0", true},
		{"a listed prefix is not accepted from nodes", advertisingCaseStudy(), addressing.IPv4, in, "10.10.0.0/16", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustIntent(t, tt.d)
			cs, err := Render(in, RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range cs {
				tmpl := in.Leaves[i].Template(tt.family)
				rm := templateRouteMap(t, c.Config, tmpl.Name, tt.family, tt.dir)
				route := netip.MustParsePrefix(tt.route)
				if _, got := evalRouteMap(t, kid(c.Config, "rpmEntity"), rm, route); got != tt.want {
					t.Errorf("%s: route-map %s %s: %s permitted = %v, want %v", c.Leaf, rm, tt.dir, route, got, tt.want)
				}
			}
		})
	}
}

// TestRouteFilterEntries checks the DME form of the case study's inbound IPv4 prefix-list entry
// by entry: "le" is criteria inexact with toPfxLen and fromPfxLen 0, an exact prefix is criteria
// exact, and sequence numbers go 5, 10, ….
func TestRouteFilterEntries(t *testing.T) {
	c := mustRender(t, design.CaseStudy(), RenderOptions{})[0]
	rpm := kid(c.Config, "rpmEntity")
	type entry struct{ order, action, pfx, criteria, from, to string }
	read := func(class, name string) []entry {
		var got []entry
		for _, e := range kids(kidWith(rpm, class, "name", name), "rtpfxEntry") {
			got = append(got, entry{e.Get("order"), e.Get("action"), e.Get("pfx"), e.Get("criteria"), e.Get("fromPfxLen"), e.Get("toPfxLen")})
		}
		return got
	}
	tests := []struct {
		class, name string
		want        []entry
	}{
		{"rtpfxRuleV4", "CALICO-in", []entry{{"5", "permit", "10.244.0.0/16", "inexact", "0", "26"}, {"10", "permit", "10.96.0.0/12", "inexact", "0", "32"}}},
		{"rtpfxRuleV4", "CALICO-out", []entry{{"5", "permit", "0.0.0.0/0", "exact", "", ""}}},
		{"rtpfxRuleV6", "K8-v6-in", []entry{{"5", "permit", "fd00:10:244::/48", "inexact", "0", "122"}}},
		{"rtpfxRuleV6", "K8-v6-out", []entry{{"5", "permit", "::/0", "exact", "", ""}}},
	}
	for _, tt := range tests {
		if got := read(tt.class, tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("%s %s entries = %+v, want %+v", tt.class, tt.name, got, tt.want)
		}
	}
}

// randomRoute returns a masked prefix of family f: half the time inside one of the policy's
// entries (so the lengths around the entry's bounds are exercised), otherwise anywhere.
func randomRoute(rng *rand.Rand, f addressing.Family, entries []design.PolicyEntry) netip.Prefix {
	bitLen := 32
	if f == addressing.IPv6 {
		bitLen = 128
	}
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	addr := netip.AddrFrom16(b)
	if f == addressing.IPv4 {
		addr = netip.AddrFrom4([4]byte(b[:4]))
	}
	length := rng.IntN(bitLen + 1)
	if len(entries) > 0 && rng.IntN(2) == 0 {
		e := entries[rng.IntN(len(entries))]
		base := e.Prefix.Masked().Addr().AsSlice()
		raw := addr.AsSlice()
		for bit := range e.Prefix.Bits() {
			mask := byte(0x80) >> (bit % 8)
			raw[bit/8] = raw[bit/8]&^mask | base[bit/8]&mask
		}
		addr, _ = netip.AddrFromSlice(raw)
		top := max(e.MaxLen, e.Prefix.Bits())
		length = min(bitLen, max(0, e.Prefix.Bits()-2+rng.IntN(top-e.Prefix.Bits()+5)))
	}
	return netip.PrefixFrom(addr, length).Masked()
}

// TestRouteFilterAgreesWithDesign feeds random prefixes through every rendered filter of the test
// designs and checks that the tree, evaluated with NX-OS semantics, permits exactly what
// design.Policy.Permits permits.
func TestRouteFilterAgreesWithDesign(t *testing.T) {
	designs := append(testDesigns(), testDesign{name: "casestudy-advertise", d: advertisingCaseStudy()})
	rng := rand.New(rand.NewPCG(8, 4))
	for _, td := range designs {
		in := mustIntent(t, td.d)
		cs, err := Render(in, td.opts)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cs {
			rpm := kid(c.Config, "rpmEntity")
			for _, tmpl := range in.Leaves[i].Templates {
				for _, dir := range []struct {
					name string
					p    *design.Policy
				}{{"in", tmpl.Import}, {"out", tmpl.Export}} {
					if dir.p == nil {
						t.Fatalf("%s/%s: template %s has no %s policy; filters are on by default", td.name, c.Leaf, tmpl.Name, dir.name)
					}
					rm := templateRouteMap(t, c.Config, tmpl.Name, tmpl.Family, dir.name)
					permitted := 0
					const n = 300
					for range n {
						route := randomRoute(rng, tmpl.Family, dir.p.Entries)
						_, got := evalRouteMap(t, rpm, rm, route)
						if want := dir.p.Permits(route); got != want {
							t.Errorf("%s/%s: route-map %s %s: %s: rendered permits = %v, design.Policy.Permits = %v", td.name, c.Leaf, rm, dir.name, route, got, want)
						}
						if got {
							permitted++
						}
					}
					if len(dir.p.Entries) > 0 && (permitted == 0 || permitted == n) {
						t.Errorf("%s/%s: route-map %s: %d of %d random routes permitted; the sample does not probe both outcomes", td.name, c.Leaf, rm, permitted, n)
					}
				}
			}
		}
	}
}

// TestRouteFilterEmptyDeniesAll checks that a policy without entries becomes "route-map <name>
// deny 10" without a prefix-list, and that nothing passes it, while the evaluator itself lets
// everything through a permit entry whose prefix-list is absent — the NX-OS trap that form avoids.
func TestRouteFilterEmptyDeniesAll(t *testing.T) {
	in := mustIntent(t, design.CaseStudy())
	l := in.Leaf("Leaf2101")
	for i := range l.Templates {
		imp := *l.Templates[i].Import
		imp.Entries = nil
		l.Templates[i].Import = &imp
	}
	c, err := RenderLeaf(in, l.Name, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rpm := kid(c.Config, "rpmEntity")
	for _, tmpl := range l.Templates {
		name := tmpl.Import.RouteMap
		if kidWith(rpm, "rtpfxRuleV4", "name", tmpl.Import.PrefixList) != nil || kidWith(rpm, "rtpfxRuleV6", "name", tmpl.Import.PrefixList) != nil {
			t.Errorf("prefix-list %s rendered for a policy without entries", tmpl.Import.PrefixList)
		}
		entries := kids(kidWith(rpm, "rtmapRule", "name", name), "rtmapEntry")
		if len(entries) != 1 || entries[0].Get("action") != "deny" || entries[0].Get("order") != "10" || len(entries[0].Children) != 0 {
			t.Errorf("route-map %s = %v, want the single entry deny 10 without match", name, entries)
		}
		for _, r := range []string{"0.0.0.0/0", "10.244.0.0/26", "10.96.0.1/32", "::/0", "fd00:10:244::/122"} {
			route := netip.MustParsePrefix(r)
			if _, ok := evalRouteMap(t, rpm, name, route); ok {
				t.Errorf("route-map %s permits %s", name, route)
			}
		}
		if !strings.Contains(c.CLI(), "\nroute-map "+name+" deny 10\n\n") {
			t.Errorf("CLI lacks a bare %q", "route-map "+name+" deny 10")
		}
	}

	trap := dme.New("rpmEntity").Add(dme.New("rtmapRule", "name", "trap").Add(
		dme.New("rtmapEntry", "order", "10", "action", "permit").Add(matchPrefixList(addressing.IPv4, "absent")),
	))
	if _, ok := evalRouteMap(t, trap, "trap", netip.MustParsePrefix("0.0.0.0/0")); !ok {
		t.Error("the evaluator denies through a permit entry matching an absent prefix-list; NX-OS permits")
	}
}

// TestColoringCatchAll checks the final entry of the coloring route-map: after the paper's entry
// 10 (and the IPv6 entry 20) comes "route-map loopback permit 100" without match or set, so the
// VRF's export map lets pod and service routes through uncolored while the loopback gets the
// color.
func TestColoringCatchAll(t *testing.T) {
	for _, c := range mustRender(t, design.CaseStudy(), RenderOptions{}) {
		lines := strings.Split(c.CLI(), "\n")
		if err := matchSnippet(lines, routeMapSnippet); err != nil {
			t.Fatalf("%s: %v", c.Leaf, err)
		}
		start := slices.Index(lines, routeMapSnippet[0])
		last := slices.Index(lines, "route-map loopback permit 100")
		if last < start {
			t.Fatalf("%s: no catch-all after %q:\n%s", c.Leaf, routeMapSnippet[0], c.CLI())
		}
		if next := lines[last+1]; next != "" {
			t.Errorf("%s: catch-all followed by %q; want it last and without match or set", c.Leaf, next)
		}
		for _, l := range lines[start:last] {
			if strings.HasPrefix(l, "route-map ") && !strings.HasPrefix(l, "route-map loopback ") {
				t.Errorf("%s: %q inside the coloring route-map", c.Leaf, l)
			}
		}

		rpm := kid(c.Config, "rpmEntity")
		rule := kidWith(rpm, "rtmapRule", "name", "loopback")
		entries := byOrder(t, rule, "rtmapEntry")
		if end := entries[len(entries)-1]; end.Get("order") != "100" || end.Get("action") != "permit" || len(end.Children) != 0 {
			t.Errorf("%s: last coloring entry = %v, want permit 100 without children", c.Leaf, end)
		}
		exportMaps := 0
		for _, m := range find(c.Config, "l3Inst", "rtctrlDom", "rtctrlDomAf", "rtctrlAfCtrl", "rtctrlRttP", "rtctrlMapP") {
			if m.Get("rtMap") == "loopback" {
				exportMaps++
			}
		}
		if exportMaps != 2 {
			t.Errorf("%s: %d export maps name the coloring route-map, want 2 (one per family)", c.Leaf, exportMaps)
		}
		lb := kidWith(kidWith(rpm, "rtpfxRuleV4", "name", "dup_ip_avoidance"), "rtpfxEntry", "order", "5").Get("pfx")
		tests := []struct {
			route     string
			order     string
			colorSets bool
		}{
			{lb, "10", true},
			{"10.244.17.64/26", "100", false},
			{"10.96.0.10/32", "100", false},
			{"fd00:10:244::40/122", "100", false},
			{"192.168.1.0/24", "100", false},
		}
		for _, tt := range tests {
			e, ok := evalRouteMap(t, rpm, "loopback", netip.MustParsePrefix(tt.route))
			if !ok || e.Get("order") != tt.order || (kid(e, "rtmapSetRttComm") != nil) != tt.colorSets {
				t.Errorf("%s: export map on %s: entry %v permitted %v, want entry %s (color set: %v)", c.Leaf, tt.route, e, ok, tt.order, tt.colorSets)
			}
		}
	}
}

// TestRenderLimits checks maximum-prefix on the templates and graceful restart in the VRF's BGP
// domain, in DME and CLI.
func TestRenderLimits(t *testing.T) {
	d := design.CaseStudy()
	d.Peering.MaximumPrefix = 500
	d.Peering.MaximumPrefixWarning = 80
	d.Peering.GracefulRestart = &design.GracefulRestart{RestartTime: 240, StalePathTime: 900}
	c := mustRender(t, d, RenderOptions{})[0]
	for _, tmpl := range find(c.Config, "bgpEntity", "bgpInst", "bgpDom", "bgpPeerCont") {
		mp := find(tmpl, "bgpPeerAf", "bgpMaxPfxP")
		if len(mp) != 1 || mp[0].Get("maxPfx") != "500" || mp[0].Get("thresh") != "80" || mp[0].Get("action") != "shut" {
			t.Errorf("template %s: bgpMaxPfxP = %v, want maxPfx 500 thresh 80 action shut", tmpl.Get("name"), mp)
		}
	}
	var grDoms []string
	for _, dom := range find(c.Config, "bgpEntity", "bgpInst", "bgpDom") {
		if gr := kid(dom, "bgpGr"); gr != nil {
			grDoms = append(grDoms, dom.Get("name"))
			if gr.Get("restartIntvl") != "240" || gr.Get("staleIntvl") != "900" {
				t.Errorf("bgpGr = %v, want restartIntvl 240 staleIntvl 900", gr)
			}
		}
	}
	if !slices.Equal(grDoms, []string{"vrf-001"}) {
		t.Errorf("bgpGr in domains %q, want only the tenant VRF", grDoms)
	}
	lines := strings.Split(c.CLI(), "\n")
	for _, snip := range [][]string{
		{"router bgp 65102", "  template peer CALICO", "    address-family ipv4 unicast", "      route-map CALICO-in in", "      route-map CALICO-out out", "      maximum-prefix 500 80"},
		{"router bgp 65102", "  template peer K8-v6", "    address-family ipv6 unicast", "      route-map K8-v6-in in", "      route-map K8-v6-out out", "      maximum-prefix 500 80"},
		{"router bgp 65102", "  vrf vrf-001", "    graceful-restart restart-time 240", "    graceful-restart stalepath-time 900", "    address-family ipv4 unicast"},
	} {
		if err := matchSnippet(lines, snip); err != nil {
			t.Errorf("%v\n%s", err, c.CLI())
		}
	}

	// Without graceful restart and without a prefix limit nothing is rendered for them.
	d = design.CaseStudy()
	in := mustIntent(t, d)
	l := in.Leaf("Leaf2101")
	for i := range l.Templates {
		l.Templates[i].MaxPrefix = 0
	}
	c, err := RenderLeaf(in, l.Name, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := find(c.Config, "bgpEntity", "bgpInst", "bgpDom", "bgpGr"); len(got) != 0 {
		t.Errorf("bgpGr without graceful restart: %v", got)
	}
	if got := find(c.Config, "bgpEntity", "bgpInst", "bgpDom", "bgpPeerCont", "bgpPeerAf", "bgpMaxPfxP"); len(got) != 0 {
		t.Errorf("bgpMaxPfxP without a limit: %v", got)
	}
}

// TestMaximumPrefixCLI checks the words of every maximum-prefix action.
func TestMaximumPrefixCLI(t *testing.T) {
	tests := []struct {
		kv   []string
		want string
	}{
		{[]string{"maxPfx", "260", "thresh", "75", "action", "shut"}, "maximum-prefix 260 75"},
		{[]string{"maxPfx", "260"}, "maximum-prefix 260"},
		{[]string{"maxPfx", "10", "thresh", "50", "action", "log"}, "maximum-prefix 10 50 warning-only"},
		{[]string{"maxPfx", "10", "action", "restart", "restartTime", "5"}, "maximum-prefix 10 restart 5"},
	}
	for _, tt := range tests {
		if got := strings.Join(maximumPrefix(dme.New("bgpMaxPfxP", tt.kv...)), " "); got != tt.want {
			t.Errorf("maximumPrefix(%v) = %q, want %q", tt.kv, got, tt.want)
		}
	}
}

// TestRenderSafetyErrors checks that filters, limits and timers the renderer cannot express
// correctly are refused with design.Problems naming the field by its path in the intent.
func TestRenderSafetyErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(l *design.LeafIntent)
		path string
		code design.Code
	}{
		{"route-map taken by the other direction", func(l *design.LeafIntent) {
			l.Templates[0].Export = &design.Policy{RouteMap: l.Templates[0].Import.RouteMap, PrefixList: "x", Family: addressing.IPv4, Entries: l.Templates[0].Export.Entries}
		}, "templates[0].export.routeMap", design.CodeDuplicateName},
		{"route-map taken by coloring", func(l *design.LeafIntent) {
			p := *l.Templates[1].Import
			p.RouteMap = l.Coloring.RouteMap
			l.Templates[1].Import = &p
		}, "templates[1].import.routeMap", design.CodeDuplicateName},
		{"prefix-list taken by coloring", func(l *design.LeafIntent) {
			p := *l.Templates[0].Import
			p.PrefixList = l.Coloring.PrefixListV4
			l.Templates[0].Import = &p
		}, "templates[0].import.prefixList", design.CodeDuplicateName},
		{"policy of the other family", func(l *design.LeafIntent) {
			p := *l.Templates[0].Import
			p.Family = addressing.IPv6
			l.Templates[0].Import = &p
		}, "templates[0].import.family", design.CodeFamilyMismatch},
		{"entry of the other family", func(l *design.LeafIntent) {
			p := *l.Templates[0].Export
			p.Entries = []design.PolicyEntry{{Prefix: netip.MustParsePrefix("::/0")}}
			l.Templates[0].Export = &p
		}, "templates[0].export.entries[0]", design.CodeFamilyMismatch},
		{"le not longer than the prefix", func(l *design.LeafIntent) {
			p := *l.Templates[0].Import
			p.Entries = []design.PolicyEntry{{Prefix: netip.MustParsePrefix("10.244.0.0/16"), MaxLen: 16}}
			l.Templates[0].Import = &p
		}, "templates[0].import.entries[0]", design.CodeInvalidValue},
		{"le beyond the address", func(l *design.LeafIntent) {
			p := *l.Templates[0].Import
			p.Entries = []design.PolicyEntry{{Prefix: netip.MustParsePrefix("10.244.0.0/16"), MaxLen: 33}}
			l.Templates[0].Import = &p
		}, "templates[0].import.entries[0]", design.CodeInvalidValue},
		{"empty route-map name", func(l *design.LeafIntent) {
			p := *l.Templates[0].Import
			p.RouteMap = ""
			l.Templates[0].Import = &p
		}, "templates[0].import.routeMap", design.CodeRequired},
		{"warning above 100", func(l *design.LeafIntent) { l.Templates[0].MaxPrefixWarning = 101 }, "templates[0].maxPrefixWarning", design.CodeInvalidValue},
		{"negative limit", func(l *design.LeafIntent) { l.Templates[1].MaxPrefix = -1 }, "templates[1].maxPrefix", design.CodeInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustIntent(t, design.CaseStudy())
			l := in.Leaf("Leaf2101")
			tt.edit(l)
			_, err := RenderLeaf(in, l.Name, RenderOptions{})
			assertProblem(t, err, "leaves["+l.Name+"]."+tt.path, tt.code)
		})
	}
}
