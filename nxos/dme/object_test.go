package dme

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func peerTree() *Object {
	return New("bgpDom", "name", "vrf-001").Add(
		New("bgpPeer", "peerImp", "CALICO", "addr", "192.168.1.10", "asn", "65531").Add(
			New("bgpPeerAf", "type", "ipv4-ucast", "ctrl", "dis-peer-as-check", "asOverride", "enabled"),
		),
		New("bgpPeer", "addr", "2001:192:168:1::10", "password", `a"b\c`+"\n<&>"),
		New("unknownClass", "zeta", "1", "alpha", "2"),
	)
}

func TestMarshalJSONShape(t *testing.T) {
	got, err := peerTree().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"bgpDom":{"attributes":{"name":"vrf-001"},"children":[` +
		`{"bgpPeer":{"attributes":{"addr":"192.168.1.10","asn":"65531","peerImp":"CALICO"},"children":[` +
		`{"bgpPeerAf":{"attributes":{"type":"ipv4-ucast","asOverride":"enabled","ctrl":"dis-peer-as-check"}}}]}},` +
		`{"bgpPeer":{"attributes":{"addr":"2001:192:168:1::10","password":"a\"b\\c\n<&>"}}},` +
		`{"unknownClass":{"attributes":{"alpha":"2","zeta":"1"}}}]}}`
	if string(got) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, want)
	}
	if b, _ := json.Marshal(New("fmEntity")); string(b) != `{"fmEntity":{}}` {
		t.Errorf("empty object = %s", b)
	}
	if _, err := json.Marshal(&Object{}); err == nil {
		t.Error("object without class marshalled")
	}
}

func TestMarshalDeterministicAndRoundTrip(t *testing.T) {
	o := peerTree()
	first, err := o.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, _ := o.Clone().MarshalJSON()
		if string(again) != string(first) {
			t.Fatalf("marshal not deterministic:\n%s\n%s", first, again)
		}
	}
	var back Object
	if err := json.Unmarshal(first, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(o) {
		t.Errorf("round trip changed the object:\n%s\n%s", o, &back)
	}
}

func TestUnmarshalJSON(t *testing.T) {
	var o Object
	err := json.Unmarshal([]byte(`{"bgpPeer":{"attributes":{"addr":"10.0.0.1","holdIntvl":180,"x":true,"n":null,"dn":"sys\/bgp\/inst\/dom-default\/peer-[10.0.0.1]"},"children":[{"bgpPeerAf":{"attributes":{"type":"l2vpn-evpn"}}}]}}`), &o)
	if err != nil {
		t.Fatal(err)
	}
	want := New("bgpPeer", "addr", "10.0.0.1", "holdIntvl", "180", "x", "true", "n", "", "dn", "sys/bgp/inst/dom-default/peer-[10.0.0.1]").
		Add(New("bgpPeerAf", "type", "l2vpn-evpn"))
	if !o.Equal(want) {
		t.Errorf("got %s", &o)
	}
	for _, bad := range []string{`{}`, `{"a":{},"b":{}}`, `[]`, `{"a":{"attributes":{"x":{}}}}`, `{"a":{"children":[null]}}`, `{"":{}}`} {
		var o Object
		if err := json.Unmarshal([]byte(bad), &o); err == nil {
			t.Errorf("Unmarshal(%s): no error", bad)
		}
	}
}

func TestObjectHelpers(t *testing.T) {
	o := New("bgpPeer")
	if o.Get("addr") != "" || o.Has("addr") {
		t.Error("empty object has addr")
	}
	o.Set("addr", "10.0.0.1").Add(nil, New("bgpPeerAf", "type", "ipv4-ucast"), nil)
	if len(o.Children) != 1 || o.Get("addr") != "10.0.0.1" {
		t.Errorf("Set/Add: %s", o)
	}
	c := o.Clone()
	c.Children[0].Set("type", "ipv6-ucast")
	c.Set("addr", "x")
	if o.Children[0].Get("type") != "ipv4-ucast" || o.Get("addr") != "10.0.0.1" {
		t.Error("Clone is shallow")
	}
	if rn, err := o.RN(); err != nil || rn != "peer-[10.0.0.1]" {
		t.Errorf("RN = %q, %v", rn, err)
	}
	if rn, _ := New("bgpPeer", "rn", "peer-[1.1.1.1]").RN(); rn != "peer-[1.1.1.1]" {
		t.Errorf("explicit rn = %q", rn)
	}
	if _, err := New("bgpPeer").RN(); err == nil || !strings.Contains(err.Error(), `"addr"`) {
		t.Errorf("RN without addr: %v", err)
	}
	if _, err := New("nope").RN(); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("RN of unknown class: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("New with odd kv did not panic")
		}
	}()
	//lint:ignore SA5012 an odd argument count is what this test checks
	New("x", "a")
}

func TestParse(t *testing.T) {
	body := []byte(`{"totalCount":"2","imdata":[` +
		`{"bgpPeerEntry":{"attributes":{"addr":"172.20.0.1","dn":"sys\/bgp\/inst\/dom-default\/peer-[172.20.0.1]\/ent-[172.20.0.1]","operSt":"established"}}},` +
		`{"bgpDomAf":{"attributes":{"dn":"sys\/bgp\/inst\/dom-default\/af-ipv4-ucast","type":"ipv4-ucast"},"children":[{"bgpAdvPrefix":{"attributes":{"addr":"0.0.0.0\/0","rn":"prefix-[0.0.0.0\/0]"}}}]}}]}`)
	objs, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || objs[0].Get("operSt") != "established" || objs[0].Get("dn") != "sys/bgp/inst/dom-default/peer-[172.20.0.1]/ent-[172.20.0.1]" {
		t.Fatalf("Parse = %v", objs)
	}
	if got := objs[1].Children[0].Get("rn"); got != "prefix-[0.0.0.0/0]" {
		t.Errorf("nested rn = %q", got)
	}
	objs, err = Parse([]byte(`{"totalCount":"0","imdata":[]}`))
	if err != nil || len(objs) != 0 {
		t.Errorf("empty answer: %v, %v", objs, err)
	}
	_, err = Parse([]byte(`{"totalCount":"1","imdata":[{"error":{"attributes":{"code":"102","text":"configured object ((Dn0)) not found Dn0=sys\/ipv4\/inst\/dom-default\/if-[vlan100]\/addr-[10.10.10.2\/31], "}}}]}`))
	var e *Error
	if !errors.As(err, &e) || e.Code != "102" || e.Text != "configured object ((Dn0)) not found Dn0=sys/ipv4/inst/dom-default/if-[vlan100]/addr-[10.10.10.2/31], " {
		t.Fatalf("error body: %#v", err)
	}
	if !strings.Contains(e.Error(), "102") {
		t.Errorf("Error() = %q", e.Error())
	}
	for _, bad := range []string{`{"totalCount":"1"}`, `not json`, `{"imdata":[{"a":{},"b":{}}]}`} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%s): no error", bad)
		}
	}
}

func TestErrorBody(t *testing.T) {
	e := &Error{Code: "17", Text: `Unknown class "x"`}
	want := `{"imdata":[{"error":{"attributes":{"code":"17","text":"Unknown class \"x\""}}}]}`
	if string(e.Body()) != want {
		t.Errorf("Body = %s", e.Body())
	}
	_, err := Parse(e.Body())
	var back *Error
	if !errors.As(err, &back) || *back != *e {
		t.Errorf("Parse(Body) = %v", err)
	}
}
