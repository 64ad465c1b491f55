package nxostest

import (
	"net/url"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

func entry(s *Server, vrf, addr string) *dme.Object {
	return s.Get("sys/bgp/inst/dom-" + vrf + "/peer-[" + addr + "]/ent-[" + addr + "]")
}

func TestPeerEntries(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 5, 6, 7, 8, 9, 123e6, time.UTC)}
	s, se := start(t, WithClock(clk.now))
	se.post("sys", leafBody)

	e := entry(s, "vrf-001", "192.168.1.10")
	if e == nil || e.Get("operSt") != "idle" || e.Get("addr") != "192.168.1.10" || e.Get("passwdSet") != "disabled" {
		t.Fatalf("entry of a new peer: %v", e)
	}
	if len(e.Children) != 1 || e.Children[0].Class != "bgpPeerAfEntry" || e.Children[0].Get("type") != "ipv4-ucast" {
		t.Errorf("AF entries: %v", e.Children)
	}
	if got := entry(s, "default", "10.2.1.5"); got.Get("passwdSet") != "enabled" || got.Get("connIf") != "lo0" {
		t.Errorf("entry of a peer with password: %v", got)
	}
	// A neighbor that only inherits a template still gets an entry.
	if entry(s, "vrf-001", "2001:192:168:1::10") == nil {
		t.Error("no entry for the template-only IPv6 neighbor")
	}

	clk.add(time.Second)
	s.SetPeersAlive(true)
	e = entry(s, "vrf-001", "192.168.1.10")
	if e.Get("operSt") != "established" || e.Get("prevOperSt") != "idle" || e.Get("lastFlapTs") != "2026-05-06T07:08:10.123+00:00" {
		t.Errorf("alive: %v", e.Attrs)
	}
	// Future neighbors come up too.
	se.post("sys/bgp/inst/dom-vrf-001", `{"bgpDom":{"children":[{"bgpPeer":{"attributes":{"addr":"192.168.1.13","peerImp":"CALICO"}}}]}}`)
	if got := entry(s, "vrf-001", "192.168.1.13").Get("operSt"); got != "established" {
		t.Errorf("future peer: %q", got)
	}
	// A forced state wins over alive, also for a spelling variant of the address.
	s.SetPeerState("vrf-001", "2001:192:168:1:0::10", "active")
	if got := entry(s, "vrf-001", "2001:192:168:1::10").Get("operSt"); got != "active" {
		t.Errorf("forced state: %q", got)
	}
	// The SDK's "not up" query.
	objs := se.get("/api/class/bgpPeerEntry.json?query-target-filter=" + url.QueryEscape(`ne(bgpPeerEntry.operSt,"established")`))
	if dns(objs) != "bgpPeerEntry:sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10]/ent-[2001:192:168:1::10]" {
		t.Errorf("not-up query: %s", dns(objs))
	}
	s.SetPeerState("vrf-001", "2001:192:168:1::10", "")
	s.SetPeersAlive(false)
	if got := entry(s, "vrf-001", "2001:192:168:1::10").Get("operSt"); got != "idle" {
		t.Errorf("after clearing: %q", got)
	}
	// Removing an AF removes its AF entry; deleting the peer removes its entry.
	se.post("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]", `{"bgpPeer":{"children":[{"bgpPeerAf":{"attributes":{"type":"ipv4-ucast","status":"deleted"}}}]}}`)
	if n := len(entry(s, "vrf-001", "192.168.1.10").Children); n != 0 {
		t.Errorf("AF entries after AF delete: %d", n)
	}
	se.post("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]", `{"bgpPeer":{"attributes":{"status":"deleted"}}}`)
	if len(se.get("/api/class/bgpPeerEntry.json?query-target-filter="+url.QueryEscape(`eq(bgpPeerEntry.addr,"192.168.1.10")`))) != 0 {
		t.Error("entry survived its peer")
	}
}

func TestLoadedPeerStateKept(t *testing.T) {
	s, _ := start(t)
	err := s.Load(dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-default/peer-[10.9.9.9]", "addr", "10.9.9.9").Add(
		dme.New("bgpPeerEntry", "addr", "10.9.9.9", "operSt", "established")))
	if err != nil {
		t.Fatal(err)
	}
	if got := entry(s, "default", "10.9.9.9").Get("operSt"); got != "established" {
		t.Errorf("loaded state overwritten: %q", got)
	}
	s.SetPeerState("default", "10.9.9.9", "connect")
	if got := entry(s, "default", "10.9.9.9").Get("operSt"); got != "connect" {
		t.Errorf("SetPeerState on loaded entry: %q", got)
	}
}

// TestEmptyPasswordRemovesIt: posting the empty password is "no password": the stored password
// goes, passwdType returns to its default, and the entries of the neighbors inheriting the
// template report no password.
func TestEmptyPasswordRemovesIt(t *testing.T) {
	s, se := start(t)
	se.post("sys", `{"topSystem":{"children":[{"bgpEntity":{"children":[{"bgpInst":{"attributes":{"asn":"65102"},"children":[
		{"bgpDom":{"attributes":{"name":"default"},"children":[{"bgpPeerCont":{"attributes":{"name":"CALICO","asn":"65531","passwdType":"7","password":"0835495d1d"}}}]}},
		{"bgpDom":{"attributes":{"name":"vrf-001"},"children":[{"bgpPeer":{"attributes":{"addr":"192.168.1.10","peerImp":"CALICO"}}}]}}]}}]}}]}}`)
	if e := entry(s, "vrf-001", "192.168.1.10"); e.Get("passwdSet") != "enabled" {
		t.Fatalf("a neighbor inheriting a template with a password: %v", e)
	}
	se.post("sys/bgp/inst/dom-default/peercont-CALICO", `{"bgpPeerCont":{"attributes":{"password":""}}}`)
	tmpl := s.Get("sys/bgp/inst/dom-default/peercont-CALICO")
	if tmpl.Has("password") || tmpl.Get("passwdType") != "LINE" || tmpl.Get("asn") != "65531" {
		t.Errorf("template after the empty password: %v", tmpl.Attrs)
	}
	if e := entry(s, "vrf-001", "192.168.1.10"); e.Get("passwdSet") != "disabled" {
		t.Errorf("neighbor entry after the password was removed: %v", e.Attrs)
	}
}

// A session whose template changes its password (or remote AS, update source) is reset, as on
// NX-OS: the simulated remote side comes back at once, so the reset shows as a fresh lastFlapTs;
// a change that does not touch the session leaves it alone.
func TestSessionSettingsResetTheSession(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)}
	s, se := start(t, WithClock(clk.now))
	s.SetPeersAlive(true)
	se.post("sys", leafBody)
	before := entry(s, "vrf-001", "192.168.1.10").Get("lastFlapTs")

	clk.add(time.Minute)
	se.post("sys/bgp/inst/dom-default", `{"bgpDom":{"children":[{"bgpPeerCont":{"attributes":{"name":"CALICO","desc":"a description is no session setting"}}}]}}`)
	if got := entry(s, "vrf-001", "192.168.1.10").Get("lastFlapTs"); got != before {
		t.Errorf("a description reset the session: lastFlapTs %s, was %s", got, before)
	}

	clk.add(time.Minute)
	se.post("sys/bgp/inst/dom-default", `{"bgpDom":{"children":[{"bgpPeerCont":{"attributes":{"name":"CALICO","password":"new-secret","passwdType":"0"}}}]}}`)
	e := entry(s, "vrf-001", "192.168.1.10")
	if got := e.Get("lastFlapTs"); got == before || got != "2026-05-06T07:10:09.000+00:00" {
		t.Errorf("a password change did not reset the session: lastFlapTs %s, was %s", got, before)
	}
	if e.Get("operSt") != "established" {
		t.Errorf("the session did not come back: %v", e.Attrs)
	}
}
