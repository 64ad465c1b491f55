package nxos

import (
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// smallLeaf is a hand-built leaf configuration in the renderer's shape: a
// template with a password, neighbors in vrf-001, a route-map, a loopback.
func smallLeaf(neighbors ...string) *LeafConfig {
	vrf := dme.New("bgpDom", "name", "vrf-001").Add(
		dme.New("bgpDomAf", "type", "ipv4-ucast", "maxEcmp", "64"),
	)
	for _, a := range neighbors {
		vrf.Add(dme.New("bgpPeer", "addr", a, "peerImp", "CALICO").Add(dme.New("bgpPeerAf", "type", "ipv4-ucast")))
	}
	cfg := dme.New("topSystem").Add(
		dme.New("l3Inst", "name", "vrf-001"),
		dme.New("rpmEntity").Add(
			dme.New("rtmapRule", "name", "loopback").Add(
				dme.New("rtmapEntry", "order", "10", "action", "permit"),
			),
		),
		dme.New("interfaceEntity").Add(
			dme.New("l3LbRtdIf", "id", "lo1002", "adminSt", "up").Add(dme.New("nwRtVrfMbr", "tDn", "sys/inst-vrf-001")),
		),
		dme.New("bgpEntity").Add(
			dme.New("bgpInst", "asn", "65102", "adminSt", "enabled").Add(
				dme.New("bgpDom", "name", "default", "rtrId", "10.2.1.1").Add(
					dme.New("bgpPeerCont", "name", "CALICO", "asn", "65531", "srcIf", "lo1002", "ttl", "10",
						"passwdType", "7", "password", "0835495d1d").Add(
						dme.New("bgpPeerAf", "type", "ipv4-ucast", "asOverride", "enabled", "ctrl", "dis-peer-as-check"),
					),
				),
				vrf,
			),
		),
	)
	return &LeafConfig{
		Leaf:     "Leaf2101",
		Features: dme.New("topSystem").Add(dme.New("fmEntity").Add(dme.New("fmBgp", "adminSt", "enabled"))),
		Config:   cfg,
	}
}

// readBack is what a switch holding cfg answers to the scope query: every
// object flat with its dn, write-only properties read as "".
func readBack(t *testing.T, cfgs ...*dme.Object) *State {
	t.Helper()
	var objs []*dme.Object
	for _, c := range cfgs {
		ft, err := flattenDesired(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range ft.order {
			f := ft.objs[k]
			if f.class == "topSystem" {
				continue
			}
			o := f.object()
			cls, _ := dme.Lookup(f.class)
			for a := range o.Attrs {
				if d, ok := cls.Attr(a); ok && d.WriteOnly {
					o.Attrs[a] = ""
				}
			}
			objs = append(objs, o)
		}
	}
	return stateOf(t, objs...)
}

func stateOf(t *testing.T, objs ...*dme.Object) *State {
	t.Helper()
	ft, err := flattenAnswer(objs)
	if err != nil {
		t.Fatal(err)
	}
	return &State{tree: ft}
}

// with returns s plus extra objects.
func with(t *testing.T, s *State, extra ...*dme.Object) *State {
	t.Helper()
	return stateOf(t, append(s.Objects(), extra...)...)
}

// lines returns the change lines of p's text, without the summary and the resets line.
func lines(p *Plan) []string {
	ls := strings.Split(p.String(), "\n")[1:]
	if len(ls) > 0 && strings.HasPrefix(ls[0], "resets ") {
		ls = ls[1:]
	}
	return ls
}

func TestDiffFromNothingCreatesEverything(t *testing.T) {
	cfg := smallLeaf("192.168.1.10")
	p, err := Diff(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cr, up, de := p.Counts()
	want, _ := flattenDesired(cfg.Config)
	if cr != len(want.order)-1+2 || up != 0 || de != 0 { // all but topSystem, plus fmEntity and fmBgp
		t.Fatalf("counts = %d/%d/%d, want %d creates", cr, up, de, len(want.order)+1)
	}
	if p.Requests() != 2 {
		t.Fatalf("requests = %d, want 2 (features, then configuration)", p.Requests())
	}
	if !p.Body().Equal(cfg.Config) {
		t.Fatalf("body of a full create differs from the desired tree:\n%s\n%s", p.Body(), cfg.Config)
	}
	if !strings.Contains(p.String(), "password=[redacted]") || strings.Contains(p.String(), "0835495d1d") {
		t.Fatalf("plan text must redact the password:\n%s", p)
	}
}

func TestDiffOfAppliedStateIsEmpty(t *testing.T) {
	cfg := smallLeaf("192.168.1.10", "192.168.1.11")
	cur := readBack(t, cfg.Features, cfg.Config)
	p, err := Diff(cfg, cur)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() || p.Requests() != 0 || p.Body() != nil {
		t.Fatalf("plan against the applied state is not empty:\n%s", p)
	}
	if !strings.HasSuffix(p.String(), "(no changes)") {
		t.Fatalf("String = %q", p.String())
	}
}

func TestDiffReadValuesInOtherSpellings(t *testing.T) {
	cfg := smallLeaf("2001:db8::10")
	cur := readBack(t, cfg.Features, cfg.Config)
	objs := cur.Objects()
	for _, o := range objs {
		switch o.Class {
		case "bgpPeerAf":
			if o.Get("ctrl") != "" {
				o.Set("ctrl", "dis-peer-as-check,dis-peer-as-check")
			}
		case "nwRtVrfMbr":
			o.Set("tDn", "sys/inst-[vrf-001]")
		case "bgpDom":
			if o.Get("rtrId") != "" {
				o.Set("rtrId", "10.2.1.1")
			}
		case "bgpPeer":
			o.Set("dn", "sys/bgp/inst/dom-vrf-001/peer-[2001:0db8:0::10]")
			o.Set("addr", "2001:0db8::0010")
		case "bgpPeerCont":
			o.Set("ttl", "010")
		}
	}
	// the bgpPeerAf below the re-spelled neighbor keeps its canonical DN: both must match.
	p, err := Diff(cfg, stateOf(t, objs...))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Fatalf("re-spelled values caused changes:\n%s", p)
	}
}

func TestDiffUpdatesOnlyChangedProperties(t *testing.T) {
	cfg := smallLeaf("192.168.1.10")
	objs := readBack(t, cfg.Features, cfg.Config).Objects()
	for _, o := range objs {
		switch o.Class {
		case "bgpPeerCont":
			o.Set("ttl", "5")
		case "fmBgp":
			o.Set("adminSt", "disabled")
		}
	}
	p, err := Diff(cfg, stateOf(t, objs...))
	if err != nil {
		t.Fatal(err)
	}
	got := lines(p)
	want := []string{
		`~ sys/fm/bgp fmBgp adminSt: "disabled" -> "enabled" (feature)`,
		`~ sys/bgp/inst/dom-default/peercont-CALICO bgpPeerCont ttl: "5" -> "10"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantBody := `{"topSystem":{"children":[{"bgpEntity":{"children":[{"bgpInst":{"children":[{"bgpDom":{"attributes":{"name":"default"},"children":[{"bgpPeerCont":{"attributes":{"name":"CALICO","ttl":"10"}}}]}}]}}]}}]}}`
	if s := p.Body().String(); s != wantBody {
		t.Fatalf("body:\n%s\nwant:\n%s", s, wantBody)
	}
	if s := p.FeaturesBody().String(); s != `{"topSystem":{"children":[{"fmEntity":{"children":[{"fmBgp":{"attributes":{"adminSt":"enabled"}}}]}}]}}` {
		t.Fatalf("features body: %s", s)
	}
}

func TestDiffPasswordIsWriteOnly(t *testing.T) {
	cfg := smallLeaf("192.168.1.10")
	cur := readBack(t, cfg.Features, cfg.Config)
	p, err := Diff(cfg, cur)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Fatalf("a password read back as \"\" caused a change:\n%s", p)
	}
	p, err = Diff(cfg, cur, RotateSecrets())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 1 || p.Changes[0].Attrs["password"] != "0835495d1d" {
		t.Fatalf("RotateSecrets must send the password once:\n%s", p)
	}
	if s := p.String(); strings.Contains(s, "0835495d1d") || !strings.Contains(s, "password: [redacted] -> [redacted]") && !strings.Contains(s, `password: "" -> [redacted]`) {
		t.Fatalf("rotation text must redact the password:\n%s", s)
	}
}

func TestDiffPrunesOwnedObjectsOnly(t *testing.T) {
	cfg := smallLeaf("192.168.1.10")
	cur := with(t, readBack(t, cfg.Features, cfg.Config),
		// a node removed from the design: our neighbor with its family
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.12]", "addr", "192.168.1.12", "peerImp", "CALICO"),
		dme.New("bgpPeerAf", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.12]/af-ipv4-ucast", "type", "ipv4-ucast"),
		// foreign: another template, another VRF, no template
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.99]", "addr", "192.168.1.99", "peerImp", "OTHER"),
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-002/peer-[192.168.1.12]", "addr", "192.168.1.12", "peerImp", "CALICO"),
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-default/peer-[10.2.1.5]", "addr", "10.2.1.5", "asn", "65102"),
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.98]", "addr", "192.168.1.98"),
		// foreign route-map and template
		dme.New("rtmapRule", "dn", "sys/rpm/rtmap-[foreign]", "name", "foreign"),
		dme.New("rtmapEntry", "dn", "sys/rpm/rtmap-[foreign]/ent-10", "order", "10", "action", "deny"),
		dme.New("bgpPeerCont", "dn", "sys/bgp/inst/dom-default/peercont-OTHER", "name", "OTHER", "asn", "1"),
		// stale content under our route-map, template and neighbor
		dme.New("rtmapEntry", "dn", "sys/rpm/rtmap-[loopback]/ent-20", "order", "20", "action", "permit"),
		dme.New("bgpPeerAf", "dn", "sys/bgp/inst/dom-default/peercont-CALICO/af-ipv6-ucast", "type", "ipv6-ucast"),
		dme.New("bgpPeerAf", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/af-ipv6-ucast", "type", "ipv6-ucast"),
		// operational state is never pruned
		dme.New("bgpPeerEntry", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/ent-[192.168.1.10]", "addr", "192.168.1.10", "operSt", "established"),
		// not owned: the VRF's other content
		dme.New("bgpDomAf", "dn", "sys/bgp/inst/dom-vrf-001/af-ipv6-ucast", "type", "ipv6-ucast"),
	)
	p, err := Diff(cfg, cur)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`- sys/bgp/inst/dom-default/peercont-CALICO/af-ipv6-ucast bgpPeerAf`,
		`- sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/af-ipv6-ucast bgpPeerAf`,
		`- sys/bgp/inst/dom-vrf-001/peer-[192.168.1.12] bgpPeer`,
		`- sys/rpm/rtmap-[loopback]/ent-20 rtmapEntry`,
	}
	if got := lines(p); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	body := p.Body().String()
	for _, s := range []string{`{"bgpPeer":{"attributes":{"addr":"192.168.1.12","status":"deleted"}}}`, `{"rtmapEntry":{"attributes":{"order":"20","status":"deleted"}}}`} {
		if !strings.Contains(body, s) {
			t.Fatalf("body lacks %s:\n%s", s, body)
		}
	}
	if strings.Contains(body, "192.168.1.99") || strings.Contains(body, "foreign") || strings.Contains(body, "OTHER") {
		t.Fatalf("body touches foreign objects:\n%s", body)
	}

	p, err = Diff(cfg, cur, WithoutPrune())
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Fatalf("WithoutPrune still changes:\n%s", p)
	}
}

func TestDiffRefusesInvalidConfig(t *testing.T) {
	cfg := smallLeaf("192.168.1.10")
	cfg.Config.Children[3].Children[0].Children[0].Children[0].Set("ttl", "256") // bgpPeerCont
	_, err := Diff(cfg, nil)
	if err == nil || !strings.Contains(err.Error(), `bgpPeerCont.ttl="256"`) || !strings.Contains(err.Error(), "Leaf2101") {
		t.Fatalf("err = %v, want the leaf, the property and the value", err)
	}
	bad := &LeafConfig{Leaf: "x", Config: dme.New("bgpEntity")}
	if _, err := Diff(bad, nil); err == nil || !strings.Contains(err.Error(), `"bgpEntity"`) {
		t.Fatalf("err = %v, want a complaint about the root class", err)
	}
}

func TestReverseUndoesChanges(t *testing.T) {
	cfg := smallLeaf("192.168.1.10")
	cur := with(t, readBack(t, cfg.Features, cfg.Config),
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.12]", "addr", "192.168.1.12", "peerImp", "CALICO", "password", ""),
		dme.New("bgpPeerAf", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.12]/af-ipv4-ucast", "type", "ipv4-ucast", "asOverride", "enabled"),
	)
	objs := cur.Objects()
	var kept []*dme.Object
	for _, o := range objs {
		if o.Class == "bgpPeerCont" {
			o.Set("ttl", "5")
			delete(o.Attrs, "srcIf")
		}
		if o.Class == "rtmapRule" || o.Class == "rtmapEntry" {
			continue // missing: will be created
		}
		kept = append(kept, o)
	}
	p, err := Diff(cfg, stateOf(t, kept...))
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Reverse()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`- sys/rpm/rtmap-[loopback] rtmapRule`,
		`~ sys/bgp/inst/dom-default/peercont-CALICO bgpPeerCont srcIf: "lo1002" -> "DME_UNSET_PROPERTY_MARKER" ttl: "10" -> "5"`,
		`+ sys/bgp/inst/dom-vrf-001/peer-[192.168.1.12] bgpPeer peerImp="CALICO"`,
		`+ sys/bgp/inst/dom-vrf-001/peer-[192.168.1.12]/af-ipv4-ucast bgpPeerAf asOverride="enabled"`,
	}
	if got := lines(r); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("reverse plan:\n%s\nwant:\n%s\nof:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), p)
	}
	if r.FeaturesBody() != nil {
		t.Fatal("Reverse must never disable features")
	}
}

// TestClearSecretsRemovesThePassword applies the case study with a password, then the design
// without one: a plain plan leaves the password (it cannot be read back), ClearSecrets writes the
// empty password to both templates, the plan text shows that without the secret, and the
// switch's neighbors then hold no password. ClearSecrets is refused for a design with a password.
func TestClearSecretsRemovesThePassword(t *testing.T) {
	const pw = "Leaf-BGP-secret-1"
	sim := newSim(t)
	c := simClient(t, sim, nil)
	withPW := caseStudy(t, nil, pw)["Leaf2101"]
	if withPW.NoPassword {
		t.Fatal("a design with a password secret renders NoPassword")
	}
	planApply(t, c, withPW)
	if e := sim.Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/ent-[192.168.1.10]"); e.Get("passwdSet") != "enabled" {
		t.Fatalf("neighbor entry before: %v", e)
	}
	without := caseStudy(t, nil, "")["Leaf2101"]
	if !without.NoPassword {
		t.Fatal("a design without a password secret must render NoPassword")
	}
	if p, err := c.Plan(t.Context(), without); err != nil || !p.Empty() {
		t.Fatalf("without ClearSecrets the plan cannot see the password: %v\n%v", err, p)
	}
	p, err := c.Plan(t.Context(), without, ClearSecrets())
	if err != nil {
		t.Fatal(err)
	}
	if cr, up, de := p.Counts(); cr != 0 || up != 2 || de != 0 {
		t.Fatalf("ClearSecrets plan: %d/%d/%d, want the 2 templates updated:\n%s", cr, up, de, p)
	}
	text := p.String()
	for _, tmpl := range []string{"CALICO", "K8-v6"} {
		if !strings.Contains(text, "~ sys/bgp/inst/dom-default/peercont-"+tmpl+` bgpPeerCont password: [redacted] -> ""`) {
			t.Errorf("plan text does not show template %s's password removed:\n%s", tmpl, text)
		}
	}
	if strings.Contains(text, pw) || strings.Contains(p.Body().String(), pw) {
		t.Fatal("the plan shows the password")
	}
	if err := c.Apply(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	for _, dn := range []string{"sys/bgp/inst/dom-default/peercont-CALICO", "sys/bgp/inst/dom-default/peercont-K8-v6"} {
		if tmpl := sim.Get(dn); tmpl.Get("password") != "" {
			t.Errorf("%s still holds a password", dn)
		}
	}
	if e := sim.Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/ent-[192.168.1.10]"); e.Get("passwdSet") != "disabled" {
		t.Errorf("neighbor entry after ClearSecrets: %v", e)
	}
	if _, err := c.Plan(t.Context(), withPW, ClearSecrets()); err == nil || !strings.Contains(err.Error(), "names a BGP password") {
		t.Errorf("ClearSecrets with a password design: %v", err)
	}
	// A retiring leaf has no templates to clear: ClearSecrets given to a whole fleet is harmless.
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		t.Fatal(err)
	}
	retire, err := RetireConfig("Leaf2101", in.Fabric)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Plan(t.Context(), retire, ClearSecrets()); err != nil {
		t.Errorf("ClearSecrets on a retiring leaf: %v", err)
	}
}
