package nxostest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

func TestPostTreeAndReadBack(t *testing.T) {
	s, se := start(t)
	se.post("sys", featuresBody)
	se.post("sys", leafBody)

	peer := s.Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]")
	if peer == nil || peer.Get("peerImp") != "CALICO" {
		t.Fatalf("peer: %v", peer)
	}
	// Defaults from the schema fill what was not sent.
	if peer.Get("holdIntvl") != "180" || peer.Get("kaIntvl") != "60" || peer.Get("peerType") != "fabric-internal" {
		t.Errorf("defaults not filled: %v", peer)
	}
	// Flags are stored in alphabetical order.
	af := s.Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/af-ipv4-ucast")
	if af.Get("ctrl") != "dis-peer-as-check,nh-self" {
		t.Errorf("ctrl = %q", af.Get("ctrl"))
	}
	// Write-only: stored, but read back as "" over HTTP.
	if s.Get("sys/bgp/inst/dom-default/peer-[10.2.1.5]").Get("password") != "8fefa6b7668dc51d3ddc35f4e99cc574" {
		t.Error("password not stored")
	}
	objs := se.get("/api/mo/sys/bgp/inst/dom-default/peer-[10.2.1.5].json")
	if len(objs) != 1 || !objs[0].Has("password") || objs[0].Get("password") != "" || objs[0].Get("passwdType") != "" {
		t.Errorf("GET peer shows write-only values: %v", objs)
	}
	if objs[0].Get("dn") != "sys/bgp/inst/dom-default/peer-[10.2.1.5]" || objs[0].Has("rn") {
		t.Errorf("top-level object identity: %v", objs[0])
	}
	// Nested objects carry rn, not dn.
	objs = se.get("/api/mo/sys/bgp/inst/dom-default.json?rsp-subtree=full")
	for _, ch := range objs[0].Children {
		if ch.Get("rn") == "" || ch.Has("dn") {
			t.Errorf("nested %s: %v", ch.Class, ch.Attrs)
		}
	}
	// IPv6 DN spelled differently, bracketed simple values: same objects.
	if got := se.get("/api/mo/sys/bgp/inst/dom-[vrf-001]/peer-[2001:0192:0168:0001::0010].json"); len(got) != 1 || got[0].Get("peerImp") != "K8-v6" {
		t.Errorf("IPv6 spelling: %v", got)
	}
	if got := se.get("/api/node/mo/sys/inst-[vrf-001]/dom-vrf-001/af-ipv4-ucast.json"); len(got) != 1 || got[0].Class != "rtctrlDomAf" {
		t.Errorf("node/mo form: %v", got)
	}
	// A missing DN is an empty answer, not an error.
	if got := se.get("/api/mo/sys/bgp/inst/dom-nope.json"); len(got) != 0 {
		t.Errorf("missing DN: %v", got)
	}
}

func TestPostMerge(t *testing.T) {
	s, se := start(t)
	se.post("sys", leafBody)
	before := s.Get("sys/bgp/inst/dom-vrf-001")
	// Change one property of one peer, posted at its own DN with bracketed spelling.
	se.post("sys/bgp/inst/dom-[vrf-001]/peer-[192.168.1.10]", `{"bgpPeer":{"attributes":{"asn":"65531"}}}`)
	after := s.Get("sys/bgp/inst/dom-vrf-001")
	p := s.Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]")
	if p.Get("asn") != "65531" || p.Get("peerImp") != "CALICO" || len(p.Children) != 2 {
		t.Errorf("merged peer: %v", p)
	}
	if len(after.Children) != len(before.Children) {
		t.Errorf("children changed: %d -> %d", len(before.Children), len(after.Children))
	}
	// A parent body mentioning one child leaves the others alone; a new child is created.
	se.post("sys/bgp/inst/dom-vrf-001", `{"bgpDom":{"children":[{"bgpPeer":{"attributes":{"addr":"192.168.1.11","peerImp":"CALICO"}}}]}}`)
	if n := len(s.Get("sys/bgp/inst/dom-vrf-001").Children); n != len(before.Children)+1 {
		t.Errorf("children after adding one: %d", n)
	}
	// Posting the same body twice changes nothing (idempotent).
	d1 := s.Dump()
	se.post("sys", leafBody)
	se.post("sys", leafBody)
	if !d1.Equal(s.Dump()) {
		t.Error("re-posting the same body changed the tree")
	}
	// DME_UNSET_PROPERTY_MARKER resets to the default.
	se.post("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]", `{"bgpPeer":{"attributes":{"holdIntvl":"30"}}}`)
	se.post("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]", `{"bgpPeer":{"attributes":{"holdIntvl":"DME_UNSET_PROPERTY_MARKER"}}}`)
	if got := s.Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]").Get("holdIntvl"); got != "180" {
		t.Errorf("unset holdIntvl = %q", got)
	}
}

func TestPostStatus(t *testing.T) {
	s, se := start(t)
	se.post("sys", leafBody)
	// deleted inside a parent body, addressed by rn.
	se.post("sys/bgp/inst/dom-vrf-001", `{"bgpDom":{"children":[{"bgpPeer":{"attributes":{"rn":"peer-[2001:192:168:1::10]","status":"deleted"}}}]}}`)
	if s.Get("sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10]") != nil {
		t.Error("status deleted by rn did not delete")
	}
	// deleted at the object's own DN; deleting again is fine.
	for range 2 {
		se.post("sys/bgp/inst/dom-default/peercont-CALICO", `{"bgpPeerCont":{"attributes":{"status":"deleted"}}}`)
	}
	if s.Get("sys/bgp/inst/dom-default/peercont-CALICO") != nil {
		t.Error("status deleted at DN did not delete")
	}
	// replaced: unsent properties back to defaults, unsent config children gone,
	// operational state kept.
	se.post("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]", `{"bgpPeer":{"attributes":{"holdIntvl":"30"}}}`)
	se.post("sys/bgp/inst/dom-vrf-001", `{"bgpDom":{"children":[{"bgpPeer":{"attributes":{"addr":"192.168.1.10","asn":"65999","status":"replaced"}}}]}}`)
	p := s.Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]")
	if p.Get("asn") != "65999" || p.Has("peerImp") || p.Get("holdIntvl") != "180" {
		t.Errorf("replaced attrs: %v", p.Attrs)
	}
	if len(p.Children) != 1 || p.Children[0].Class != "bgpPeerEntry" {
		t.Errorf("replaced children: %v", p.Children)
	}
}

func TestPostErrors(t *testing.T) {
	s, se := start(t)
	se.post("sys", leafBody)
	tests := []struct {
		name, dn, body string
		status         int
		code, text     string
	}{
		{"missing parent", "sys/ipv4/inst/dom-default/if-[vlan100]/addr-[10.10.10.2/31]", `{"ipv4Addr":{"attributes":{"addr":"10.10.10.2/31"}}}`,
			400, "102", "configured object ((Dn0)) not found Dn0=sys/ipv4/inst/dom-default/if-[vlan100]/addr-[10.10.10.2/31], "},
		{"body class differs from DN", "sys/bgp/inst/dom-default", `{"bgpPeer":{"attributes":{"addr":"1.1.1.1"}}}`, 400, "400", `body class "bgpPeer" does not match DN`},
		{"naming differs from DN", "sys/bgp/inst/dom-default/peer-[10.2.1.5]", `{"bgpPeer":{"attributes":{"addr":"10.2.1.6"}}}`, 400, "400", `naming property disagrees with rn "peer-[10.2.1.5]"`},
		// Rejections of what the device model does not have, worded as a switch words them.
		{"unknown class", "sys/bgp/inst/dom-default", `{"bgpDom":{"children":[{"bgpNeighbor":{"attributes":{"addr":"1.1.1.1"}}}]}}`, 400, "17", "Unknown class bgpNeighbor"},
		{"unknown attribute", "sys/bgp/inst/dom-default", `{"bgpDom":{"attributes":{"colour":"red"}}}`, 400, "400", "unknown attribute 'colour' in element 'bgpDom'"},
		{"bad enum", "sys/bgp/inst/dom-default/peer-[10.2.1.5]", `{"bgpPeer":{"attributes":{"adminSt":"up"}}}`, 400, "400",
			"unknown property value up, name adminSt, class bgpPeer [(Dn0)] Dn0=sys/bgp/inst/dom-default/peer-[10.2.1.5], "},
		{"enum value the model lacks", "sys/bgp/inst/dom-default/peer-[10.2.1.5]", `{"bgpPeer":{"attributes":{"passwdType":"6"}}}`, 400, "400", "unknown property value 6, name passwdType, class bgpPeer"},
		{"range", "sys/bgp/inst/dom-default/peer-[10.2.1.5]", `{"bgpPeer":{"attributes":{"ttl":"256"}}}`, 400, "400",
			"property value 256 out of range [0..255], name ttl, class bgpPeer [(Dn0)] Dn0=sys/bgp/inst/dom-default/peer-[10.2.1.5], "},
		{"read-only property", "sys/bgp/inst/dom-default/peer-[10.2.1.5]", `{"bgpPeer":{"attributes":{"maxCurPeers":"3"}}}`, 400, "400", "cannot set read-only property maxCurPeers, class bgpPeer"},
		{"wrong parent", "sys/bgp/inst", `{"bgpInst":{"children":[{"bgpPeer":{"attributes":{"addr":"1.1.1.1"}}}]}}`, 400, "400",
			"class bgpPeer cannot be a child of bgpInst (allowed parents: bgpDom) [(Dn0)] Dn0=sys/bgp/inst/peer-[1.1.1.1], "},
		{"operational", "sys/bgp/inst/dom-default/peer-[10.2.1.5]", `{"bgpPeer":{"children":[{"bgpPeerEntry":{"attributes":{"addr":"10.2.1.5","operSt":"established"}}}]}}`, 400, "400",
			"cannot create object of read-only class bgpPeerEntry [(Dn0)] Dn0=sys/bgp/inst/dom-default/peer-[10.2.1.5]/ent-[10.2.1.5], "},
		{"bad status", "sys/bgp/inst/dom-default/peer-[10.2.1.5]", `{"bgpPeer":{"attributes":{"status":"gone"}}}`, 400, "400", "status must be"},
		{"unknown DN", "sys/bgp/inst/nope-1", `{"bgpX":{}}`, 400, "400", `RN "nope-1" is not a known child of bgpInst`},
		{"bad DN", "sys/bgp/inst/dom-[x", `{"bgpDom":{}}`, 400, "400", `unclosed "["`},
		{"bad JSON", "sys", `{"topSystem":`, 400, "400", "JSON parse error"},
	}
	for _, tt := range tests {
		before := s.Dump()
		st, e := se.fail(http.MethodPost, "/api/mo/"+tt.dn+".json", tt.body)
		if st != tt.status || e.Code != tt.code || !strings.Contains(e.Text, tt.text) {
			t.Errorf("%s: %d %+v; want %d code %s text containing %q", tt.name, st, e, tt.status, tt.code, tt.text)
		}
		if !before.Equal(s.Dump()) {
			t.Errorf("%s: the rejected POST changed the tree", tt.name)
		}
	}
}

func TestPostAllOrNothing(t *testing.T) {
	s, se := start(t)
	before := s.Dump()
	// Everything valid except one leaf deep inside: nothing may be applied.
	bad := strings.Replace(leafBody, `"maxEcmp":"64"`, `"maxEcmp":"65"`, 1)
	st, e := se.fail(http.MethodPost, "/api/mo/sys.json", bad)
	if st != http.StatusBadRequest || e.Code != "400" || !strings.Contains(e.Text, "property value 65 out of range [1..64], name maxEcmp, class bgpDomAf") || !strings.Contains(e.Text, "Dn0=sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast], ") {
		t.Errorf("%d %+v", st, e)
	}
	if !before.Equal(s.Dump()) {
		t.Error("partial POST was applied")
	}
	if s.Get("sys/bgp") != nil || s.Get("sys/inst-vrf-001") != nil {
		t.Error("objects before the bad leaf were created")
	}
}

func TestDelete(t *testing.T) {
	s, se := start(t)
	se.post("sys", leafBody)
	for range 2 { // idempotent
		if st, out := se.do(http.MethodDelete, "/api/mo/sys/bgp/inst/dom-vrf-001.json", ""); st != http.StatusOK {
			t.Fatalf("DELETE: %d %s", st, out)
		}
	}
	if s.Get("sys/bgp/inst/dom-vrf-001") != nil || s.Get("sys/bgp/inst/dom-default") == nil {
		t.Error("DELETE removed the wrong subtree")
	}
	if st, e := se.fail(http.MethodDelete, "/api/mo/sys.json", ""); st != http.StatusBadRequest || e.Code != "107" {
		t.Errorf("DELETE sys: %d %+v", st, e)
	}
}

func TestLoad(t *testing.T) {
	s, se := start(t)
	foreign := dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.99]", "addr", "192.168.1.99", "asn", "65000").Add(
		dme.New("bgpPeerEntry", "addr", "192.168.1.99", "operSt", "established"))
	if err := s.Load(foreign); err != nil {
		t.Fatal(err)
	}
	objs := se.get("/api/mo/sys/bgp/inst/dom-vrf-001/peer-[192.168.1.99].json?rsp-subtree=children")
	if len(objs) != 1 || objs[0].Get("asn") != "65000" || len(objs[0].Children) != 1 {
		t.Fatalf("loaded peer: %v", objs)
	}
	if err := s.Load(dme.New("bgpPeer", "addr", "1.1.1.1")); err == nil || !strings.Contains(err.Error(), `"dn"`) {
		t.Errorf("Load without dn: %v", err)
	}
	if err := s.Load(dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-x/peer-[1.1.1.1]", "ttl", "256")); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("Load of invalid object: %v", err)
	}
	if err := s.Load(dme.New("topSystem").Add(dme.New("rpmEntity").Add(dme.New("rtmapRule", "name", "foreign")))); err != nil {
		t.Fatal(err)
	}
	if s.Get("sys/rpm/rtmap-foreign") == nil {
		t.Error("topSystem Load")
	}
}

// TestPostDeviceModelProperties: a configurable property the device model has is accepted even
// where the schema table leaves it out, and stored as sent.
func TestPostDeviceModelProperties(t *testing.T) {
	s, se := start(t)
	se.post("sys", leafBody)
	se.post("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]", `{"bgpPeer":{"attributes":{"dscp":"af11"}}}`)
	if got := s.Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]").Get("dscp"); got != "af11" {
		t.Errorf("dscp = %q, want af11", got)
	}
}
