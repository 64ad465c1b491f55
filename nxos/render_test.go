package nxos

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// find returns the objects reached from o by following the class path.
func find(o *dme.Object, path ...string) []*dme.Object {
	cur := []*dme.Object{o}
	for _, class := range path {
		var next []*dme.Object
		for _, c := range cur {
			next = append(next, kids(c, class)...)
		}
		cur = next
	}
	return cur
}

// TestRenderPostBody checks what the client relies on: one body per leaf rooted at topSystem,
// holding every neighbor of the intent (and nothing else) in the VRF, each inheriting its
// family's template with that family activated, and every template in the default domain.
func TestRenderPostBody(t *testing.T) {
	for _, td := range testDesigns() {
		in := mustIntent(t, td.d)
		cs, err := Render(in, td.opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != len(in.Leaves) {
			t.Fatalf("%s: %d configs for %d leaves", td.name, len(cs), len(in.Leaves))
		}
		for i, c := range cs {
			l := &in.Leaves[i]
			if c.Leaf != l.Name || c.Config.Class != "topSystem" || c.Features.Class != "topSystem" {
				t.Fatalf("%s: config %d is %q rooted at %s/%s, want %q rooted at topSystem", td.name, i, c.Leaf, c.Config.Class, c.Features.Class, l.Name)
			}
			var vrf, def *dme.Object
			for _, dom := range find(c.Config, "bgpEntity", "bgpInst", "bgpDom") {
				switch dom.Get("name") {
				case in.Fabric.VRF:
					vrf = dom
				case "default":
					def = dom
				}
			}
			if vrf == nil || def == nil {
				t.Fatalf("%s/%s: bgpDom %q or default missing", td.name, l.Name, in.Fabric.VRF)
			}
			peers := kids(vrf, "bgpPeer")
			if len(peers) != len(l.Neighbors) {
				t.Errorf("%s/%s: %d bgpPeer objects for %d neighbors", td.name, l.Name, len(peers), len(l.Neighbors))
			}
			for _, n := range l.Neighbors {
				p := kidWith(vrf, "bgpPeer", "addr", n.Addr.String())
				if p == nil {
					t.Errorf("%s/%s: neighbor %s (%s) missing", td.name, l.Name, n.Addr, n.Node)
					continue
				}
				if p.Get("peerImp") != n.Template || kidWith(p, "bgpPeerAf", "type", afType(n.Family)) == nil {
					t.Errorf("%s/%s: neighbor %s = %v, want peerImp %s and af %s", td.name, l.Name, n.Addr, p, n.Template, afType(n.Family))
				}
				tmpl := kidWith(def, "bgpPeerCont", "name", n.Template)
				if tmpl == nil || tmpl.Get("asn") != l.Template(n.Family).RemoteASN.String() {
					t.Errorf("%s/%s: template %s missing or without remote-as: %v", td.name, l.Name, n.Template, tmpl)
				}
			}
		}
	}
}

// TestRenderContent checks per-design content that users rely on: what coloring adds, what an
// IPv4-only or uncolored leaf leaves out, and the numbers taken from the design.
func TestRenderContent(t *testing.T) {
	tests := []struct {
		name    string
		d       *design.Design
		present [][]string // class paths that must exist
		absent  [][]string // class paths that must not exist
		attrs   map[string]string
	}{
		{
			name: "colored dual-stack",
			d:    design.CaseStudy(),
			present: [][]string{
				{"l3Inst", "rtctrlDom", "rtctrlDomAf", "rtctrlAfCtrl", "rtctrlRttP", "rtctrlRttEntry"},
				{"l3Inst", "rtctrlDom", "rtctrlDomAf", "rtctrlAfCtrl", "rtctrlRttP", "rtctrlMapP"},
				{"rpmEntity", "rtpfxRuleV4", "rtpfxEntry"},
				{"rpmEntity", "rtpfxRuleV6", "rtpfxEntry"},
				{"rpmEntity", "rtmapRule", "rtmapEntry", "rtmapSetRttComm", "rtextcomItem"},
				{"rpmEntity", "rtmapRule", "rtmapEntry", "rtmapMatchRtDstV6", "rtmapRsRtDstV6Att"},
				{"ipv6Entity", "ipv6Inst", "ipv6Dom", "ipv6If", "ipv6Addr"},
				{"icmpv6Entity", "icmpv6Inst", "icmpv6If"},
			},
		},
		{
			name: "uncolored IPv4 only",
			d:    singleLeafIPv4Design(),
			present: [][]string{
				{"l3Inst"},
				{"ipv4Entity", "ipv4Inst", "ipv4Dom", "ipv4If", "ipv4Addr"},
				{"bgpEntity", "bgpInst", "bgpDom", "bgpDomAf", "bgpAdvPrefix"},
				{"rpmEntity", "rtpfxRuleV4", "rtpfxEntry"},
				{"rpmEntity", "rtmapRule", "rtmapEntry", "rtmapMatchRtDst", "rtmapRsRtDstAtt"},
				{"bgpEntity", "bgpInst", "bgpDom", "bgpPeerCont", "bgpPeerAf", "bgpRtCtrlP"},
				{"bgpEntity", "bgpInst", "bgpDom", "bgpGr"},
			},
			absent: [][]string{
				{"l3Inst", "rtctrlDom"},
				{"rpmEntity", "rtpfxRuleV6"},
				{"rpmEntity", "rtmapRule", "rtmapEntry", "rtmapSetRttComm"},
				{"rpmEntity", "rtmapRule", "rtmapEntry", "rtmapMatchRtDstV6"},
				{"ipv6Entity"},
				{"icmpv6Entity"},
				{"bgpEntity", "bgpInst", "bgpDom", "bgpPeerCont", "bgpPeerAf:ipv6-ucast"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustRender(t, tt.d, RenderOptions{})[0]
			for _, p := range tt.present {
				if len(find(c.Config, p...)) == 0 {
					t.Errorf("no %s", strings.Join(p, "/"))
				}
			}
			for _, p := range tt.absent {
				last := p[len(p)-1]
				class, typ, _ := strings.Cut(last, ":")
				for _, o := range find(c.Config, append(p[:len(p)-1:len(p)-1], class)...) {
					if typ == "" || o.Get("type") == typ {
						t.Errorf("unexpected %s: %v", strings.Join(p, "/"), o)
					}
				}
			}
		})
	}

	// Numbers and names from the single-leaf design.
	c := mustRender(t, singleLeafIPv4Design(), RenderOptions{})[0]
	af := find(c.Config, "bgpEntity", "bgpInst", "bgpDom", "bgpDomAf")
	var vrfAF *dme.Object
	for _, a := range af {
		if a.Get("type") == "ipv4-ucast" {
			vrfAF = a
		}
	}
	if vrfAF == nil || vrfAF.Get("maxEcmp") != "8" || vrfAF.Get("maxExtIntEcmp") != "4" {
		t.Errorf("VRF ipv4 AF = %v, want maxEcmp 8, maxExtIntEcmp 4", vrfAF)
	}
	var nets []string
	for _, p := range kids(vrfAF, "bgpAdvPrefix") {
		nets = append(nets, p.Get("addr")+"|"+p.Get("rtMap"))
	}
	if !slices.Equal(nets, []string{"172.21.0.1/32|"}) {
		t.Errorf("networks = %q, want only the loopback without route-map (no default route, uncolored)", nets)
	}
	tmpl := find(c.Config, "bgpEntity", "bgpInst", "bgpDom", "bgpPeerCont")
	if len(tmpl) != 1 || tmpl[0].Get("name") != "EDGE-V4" || tmpl[0].Get("srcIf") != "lo7" || tmpl[0].Get("ttl") != "3" || tmpl[0].Get("asn") != "64512" {
		t.Errorf("templates = %v, want one EDGE-V4 with asn 64512, srcIf lo7, ttl 3", tmpl)
	}
	if tmpl[0].Has("password") || tmpl[0].Has("passwdType") {
		t.Errorf("template carries a password without RenderOptions.Password: %v", tmpl[0])
	}
}

// TestRenderPassword renders with a password and proves that its clear text appears nowhere: not
// in the JSON bodies, not in the CLI, not in the trees' String forms, not in errors.
func TestRenderPassword(t *testing.T) {
	d := singleLeafIPv4Design()
	cs := mustRender(t, d, RenderOptions{Password: design.NewSecret(testPassword)})
	c := cs[0]
	var out strings.Builder
	for _, data := range artifacts(t, c) {
		out.Write(data)
	}
	fmt.Fprintf(&out, "%v %+v %#v %s %s", c, *c, c.Config, c.Config, c.Features)
	if strings.Contains(out.String(), testPassword) {
		t.Fatal("the clear-text password appears in the rendered output")
	}
	tmpl := find(c.Config, "bgpEntity", "bgpInst", "bgpDom", "bgpPeerCont")[0]
	if tmpl.Get("passwdType") != "7" {
		t.Errorf("passwdType = %q, want 7", tmpl.Get("passwdType"))
	}
	if clear, err := type7Decode(tmpl.Get("password")); err != nil || clear != testPassword {
		t.Errorf("password %q does not decode to the password (%v)", tmpl.Get("password"), err)
	}
	if !strings.Contains(c.CLI(), "    password 7 "+tmpl.Get("password")+"\n") {
		t.Errorf("CLI lacks the password 7 line:\n%s", c.CLI())
	}
	for _, p := range find(c.Config, "bgpEntity", "bgpInst", "bgpDom", "bgpPeer") {
		if p.Has("password") {
			t.Errorf("neighbor %s carries a password; it must inherit it from the template", p.Get("addr"))
		}
	}

	// A password for a design without a password secret is refused, without echoing it.
	_, err := Render(mustIntent(t, design.CaseStudy()), RenderOptions{Password: design.NewSecret(testPassword)})
	if err == nil || strings.Contains(err.Error(), testPassword) {
		t.Errorf("password without secret: err = %v, want an error without the value", err)
	}
	assertProblem(t, err, "RenderOptions.Password", design.CodeInvalidValue)
	// A password NX-OS cannot take as one token is refused, without echoing it.
	_, err = Render(mustIntent(t, d), RenderOptions{Password: design.NewSecret("two words")})
	if err == nil || strings.Contains(err.Error(), "two words") {
		t.Errorf("password with a blank: err = %v, want an error without the value", err)
	}
	assertProblem(t, err, "RenderOptions.Password", design.CodeInvalidValue)
}

// TestRenderLeafErrors checks that an intent that cannot be rendered is refused with
// design.Problems naming the field by its path in the intent, and a code.
func TestRenderLeafErrors(t *testing.T) {
	const leaf = "leaves[Leaf2101]"
	tests := []struct {
		name string
		edit func(in *design.Intent, l *design.LeafIntent)
		path string
		code design.Code
	}{
		{"no VRF", func(in *design.Intent, _ *design.LeafIntent) { in.Fabric.VRF = "" }, "fabric.vrf", design.CodeRequired},
		{"no router ID", func(_ *design.Intent, l *design.LeafIntent) { l.RouterID = netip.Addr{} }, leaf + ".routerID", design.CodeRequired},
		{"IPv6 router ID", func(_ *design.Intent, l *design.LeafIntent) { l.RouterID = netip.MustParseAddr("2001:db8::1") }, leaf + ".routerID", design.CodeInvalidValue},
		{"bad VLAN", func(in *design.Intent, _ *design.LeafIntent) { in.Fabric.Gateway.VLAN = 0 }, "fabric.gateway.vlan", design.CodeRequired},
		{"no loopback address", func(_ *design.Intent, l *design.LeafIntent) {
			l.Loopback.IPv4, l.Loopback.IPv6 = netip.Prefix{}, netip.Prefix{}
		}, leaf + ".loopback", design.CodeRequired},
		{"loopback id", func(_ *design.Intent, l *design.LeafIntent) { l.Loopback.ID = 5000 }, leaf + ".loopback.id", design.CodeInvalidLoopbackID},
		// The case study's leaf has three nodes: its IPv6 neighbors start at index 3.
		{"neighbor without template", func(_ *design.Intent, l *design.LeafIntent) { l.Templates = l.Templates[:1] }, leaf + ".neighbors[3].template", design.CodeFamilyMismatch},
		{"AS 0", func(in *design.Intent, _ *design.LeafIntent) { in.Fabric.ASN = 0 }, "fabric.asn", design.CodeRequired},
		{"restart time too long", func(in *design.Intent, _ *design.LeafIntent) {
			in.Fabric.GracefulRestart = &design.GracefulRestart{RestartTime: 4000, StalePathTime: 300}
		}, "fabric.gracefulRestart.restartTime", design.CodeInvalidValue},
		{"stale path time negative", func(in *design.Intent, _ *design.LeafIntent) {
			in.Fabric.GracefulRestart = &design.GracefulRestart{RestartTime: 120, StalePathTime: -1}
		}, "fabric.gracefulRestart.stalePathTime", design.CodeInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustIntent(t, design.CaseStudy())
			tt.edit(in, in.Leaf("Leaf2101"))
			for _, render := range []func() error{
				func() error { _, err := RenderLeaf(in, "Leaf2101", RenderOptions{}); return err },
				func() error { _, err := Render(in, RenderOptions{}); return err },
			} {
				assertProblem(t, render(), tt.path, tt.code)
			}
		})
	}
	if _, err := RenderLeaf(nil, "Leaf2101", RenderOptions{}); err == nil {
		t.Error("RenderLeaf(nil): no error")
	}
	if _, err := RenderLeaf(mustIntent(t, design.CaseStudy()), "Leaf9", RenderOptions{}); err == nil || !strings.Contains(err.Error(), `"Leaf9"`) {
		t.Errorf("RenderLeaf of an unknown leaf: %v", err)
	}
	if _, err := Render(nil, RenderOptions{}); err == nil {
		t.Error("Render(nil): no error")
	}
}

// TestRenderOrder checks that Render sorts leaves by name and refuses two leaves of one name.
func TestRenderOrder(t *testing.T) {
	in := mustIntent(t, sharedLoopbackDesign(3, 1))
	slices.Reverse(in.Leaves)
	cs, err := Render(in, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Leaf)
	}
	if !slices.IsSorted(names) || len(names) != 6 {
		t.Errorf("leaves %q, want 6 sorted by name", names)
	}
	in.Leaves[1].Name = in.Leaves[0].Name
	_, err = Render(in, RenderOptions{})
	assertProblem(t, err, "leaves["+in.Leaves[0].Name+"].name", design.CodeDuplicateName)
}

// assertProblem fails unless err holds design.Problems with one of code at path.
func assertProblem(t *testing.T, err error, path string, code design.Code) {
	t.Helper()
	ps, ok := design.AsProblems(err)
	if !ok {
		t.Fatalf("error %v is no design.Problems", err)
	}
	if !ps.HasAt(path, code) {
		t.Errorf("no %s problem at %s in:\n%v", code, path, ps)
	}
}
