package nxostest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestGetQueries(t *testing.T) {
	_, se := start(t)
	se.post("sys", leafBody)
	q := func(path string, kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return path + "?" + v.Encode()
	}
	tests := []struct {
		name, path string
		want       string // class:dn list of the top-level answer
	}{
		{"self", "/api/mo/sys/bgp/inst/dom-vrf-001.json", "bgpDom:sys/bgp/inst/dom-vrf-001"},
		{"children", q("/api/mo/sys/bgp/inst/dom-vrf-001.json", "query-target", "children"),
			"bgpDomAf:sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast] bgpPeer:sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10] bgpPeer:sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10]"},
		{"children of class", q("/api/mo/sys/bgp/inst/dom-vrf-001.json", "query-target", "children", "target-subtree-class", "bgpDomAf"),
			"bgpDomAf:sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]"},
		{"subtree of classes", q("/api/mo/sys/bgp.json", "query-target", "subtree", "target-subtree-class", "bgpPeerEntry"),
			"bgpPeerEntry:sys/bgp/inst/dom-default/peer-[10.2.1.5]/ent-[10.2.1.5] bgpPeerEntry:sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/ent-[192.168.1.10] bgpPeerEntry:sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10]/ent-[2001:192:168:1::10]"},
		{"subtree includes self", q("/api/mo/sys/bgp/inst/dom-vrf-001/af-ipv4-ucast.json", "query-target", "subtree"),
			"bgpDomAf:sys/bgp/inst/dom-vrf-001/af-ipv4-ucast bgpAdvPrefix:sys/bgp/inst/dom-vrf-001/af-ipv4-ucast/prefix-[0.0.0.0/0]"},
		{"class", "/api/class/bgpPeerCont.json", "bgpPeerCont:sys/bgp/inst/dom-default/peercont-CALICO"},
		{"class node form", "/api/node/class/l3LbRtdIf.json", "l3LbRtdIf:sys/intf/lb-[lo1002]"},
		{"eq", q("/api/class/bgpPeer.json", "query-target-filter", `eq(bgpPeer.peerImp,"CALICO")`), "bgpPeer:sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]"},
		{"ne", q("/api/class/bgpPeer.json", "query-target-filter", `ne(bgpPeer.peerImp,"CALICO")`),
			"bgpPeer:sys/bgp/inst/dom-default/peer-[10.2.1.5] bgpPeer:sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10]"},
		{"and", q("/api/class/bgpPeer.json", "query-target-filter", `and(eq(bgpPeer.srcIf,"lo0"),eq(bgpPeer.asn,"65102"))`), "bgpPeer:sys/bgp/inst/dom-default/peer-[10.2.1.5]"},
		{"or", q("/api/class/bgpPeer.json", "query-target-filter", `or(eq(bgpPeer.addr,"10.2.1.5"), eq(bgpPeer.peerImp,"K8-v6"))`),
			"bgpPeer:sys/bgp/inst/dom-default/peer-[10.2.1.5] bgpPeer:sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10]"},
		{"wcard", q("/api/class/bgpPeer.json", "query-target-filter", `wcard(bgpPeer.addr,"^2001:")`), "bgpPeer:sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10]"},
		{"not", q("/api/class/bgpDom.json", "query-target-filter", `not(eq(bgpDom.name,"default"))`), "bgpDom:sys/bgp/inst/dom-vrf-001"},
		{"gt numeric", q("/api/class/bgpDomAf.json", "query-target-filter", `gt(bgpDomAf.maxEcmp,"9")`), "bgpDomAf:sys/bgp/inst/dom-vrf-001/af-[ipv4-ucast]"},
		{"filter other class", q("/api/mo/sys/bgp.json", "query-target", "subtree", "query-target-filter", `eq(bgpPeerEntry.operSt,"idle")`),
			"bgpPeerEntry:sys/bgp/inst/dom-default/peer-[10.2.1.5]/ent-[10.2.1.5] bgpPeerEntry:sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/ent-[192.168.1.10] bgpPeerEntry:sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10]/ent-[2001:192:168:1::10]"},
		{"class none", "/api/class/bgpAggAddr.json", ""},
	}
	for _, tt := range tests {
		if got := dns(se.get(tt.path)); got != tt.want {
			t.Errorf("%s: GET %s\n got %s\nwant %s", tt.name, tt.path, got, tt.want)
		}
	}
}

func TestGetSubtree(t *testing.T) {
	_, se := start(t)
	se.post("sys", leafBody)
	count := func(o interface{ String() string }) int { return strings.Count(o.String(), `":{"attributes"`) }

	self := se.get("/api/mo/sys/bgp/inst/dom-default.json")[0]
	children := se.get("/api/mo/sys/bgp/inst/dom-default.json?rsp-subtree=children")[0]
	full := se.get("/api/mo/sys/bgp/inst/dom-default.json?rsp-subtree=full")[0]
	if len(self.Children) != 0 || len(children.Children) != 2 || len(children.Children[0].Children) != 0 {
		t.Errorf("rsp-subtree no/children: %s / %s", self, children)
	}
	if count(full) != 7 { // dom, peercont, its af, peer, its af, entry, entry af
		t.Errorf("rsp-subtree=full: %d objects: %s", count(full), full)
	}
	only := se.get("/api/mo/sys/bgp/inst/dom-default.json?rsp-subtree=full&rsp-subtree-class=bgpPeerAf")[0]
	for _, ch := range only.Children {
		if len(ch.Children) != 1 || ch.Children[0].Class != "bgpPeerAf" || len(ch.Children[0].Children) != 0 {
			t.Errorf("rsp-subtree-class kept %s", ch)
		}
	}
	naming := se.get("/api/mo/sys/bgp/inst/dom-default/peer-[10.2.1.5].json?rsp-prop-include=naming-only")[0]
	if len(naming.Attrs) != 2 || naming.Get("addr") != "10.2.1.5" {
		t.Errorf("naming-only: %v", naming.Attrs)
	}
}

func TestGetErrors(t *testing.T) {
	_, se := start(t)
	tests := []struct{ path, code, text string }{
		{"/api/class/fmServiceAccel.json", "17", "Unknown class fmServiceAccel"},
		{"/api/mo/sys.json?rsp-subtree=full&rsp-subtree-class=bgpPeer,fmServiceAccel", "17", "Unknown class fmServiceAccel"},
		{"/api/mo/sys.json?query-target=subtree&target-subtree-class=nope", "17", "Unknown class nope"},
		{"/api/class/bgpPeer.json?query-target-filter=" + url.QueryEscape(`eq(nope.x,"1")`), "17", "Unknown class nope"},
		{"/api/class/bgpPeer.json?query-target-filter=" + url.QueryEscape(`eq(bgpPeer.addr,1)`), "400", "expected a quoted value"},
		{"/api/class/bgpPeer.json?query-target-filter=" + url.QueryEscape(`like(bgpPeer.addr,"1")`), "400", `unknown operator "like"`},
		{"/api/class/bgpPeer.json?query-target-filter=" + url.QueryEscape(`wcard(bgpPeer.addr,"(")`), "400", "wcard pattern"},
		{"/api/mo/sys.json?query-target=all", "400", "invalid query-target"},
		{"/api/mo/sys.json?rsp-subtree=yes", "400", "invalid rsp-subtree"},
		{"/api/mo/sys.xml", "400", "unsupported URL"},
	}
	for _, tt := range tests {
		st, e := se.fail(http.MethodGet, tt.path, "")
		if st != http.StatusBadRequest || e.Code != tt.code || !strings.Contains(e.Text, tt.text) {
			t.Errorf("GET %s: %d %+v; want code %s, text containing %q", tt.path, st, e, tt.code, tt.text)
		}
	}
}
