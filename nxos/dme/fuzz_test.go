package dme

import (
	"errors"
	"testing"
)

// FuzzObjectJSON: any body either fails to decode or decodes to an object that encodes and
// decodes back to itself; checking it against the schema and the device model never panics and
// every violation can be worded as a switch error.
func FuzzObjectJSON(f *testing.F) {
	for _, s := range []string{
		`{"topSystem":{"children":[{"bgpEntity":{"children":[{"bgpInst":{"attributes":{"asn":"65501"}}}]}}]}}`,
		`{"bgpPeer":{"attributes":{"addr":"2001:DB8::1","ttl":"256","colour":"red"},"children":[{"bgpPeerAf":{"attributes":{"type":"ipv9"}}}]}}`,
		`{"rtmapSetRttComm":{"children":[{"rtextcomItem":{"attributes":{"community":"route-target:as2-nn2:1:2"}}}]}}`,
		`{"x":{}}`, `{}`, `[]`, `{"bgpDom":{"attributes":{"name":7}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var o Object
		if err := o.UnmarshalJSON(b); err != nil {
			return
		}
		enc, err := o.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of a decoded object: %v", err)
		}
		var back Object
		if err := back.UnmarshalJSON(enc); err != nil || !back.Equal(&o) {
			t.Fatalf("round trip of %q: %s, err %v", b, enc, err)
		}
		for _, list := range [][]error{Check("", &o), CheckModel("", &o)} {
			for _, e := range list {
				var se *SchemaError
				if !errors.As(e, &se) {
					t.Fatalf("%T is not a *SchemaError", e)
				}
				if de := se.DeviceError("sys"); de.Code == "" || de.Text == "" {
					t.Fatalf("empty device error for %v", se)
				}
			}
		}
	})
}

// FuzzChildClass: an RN that resolves to a child class gives back naming properties from which
// the class formats an RN naming the same object.
func FuzzChildClass(f *testing.F) {
	for _, s := range [][2]string{
		{"bgpDom", "peer-[2001:192:168:1::10]"}, {"bgpInst", "dom-default"}, {"bgpDom", "af-ipv4-ucast"},
		{"bgpDomAf", "interleak-direct-interleak-none"}, {"rtmapSetRttComm", "item-[transitive]-[route-target:as2-nn2:1:2]"},
		{"rtmapMatchRtDst", "rsrtDstAtt-[sys/rpm/pfxlistv4-[a]]"}, {"ipv4Route", "nh-[unspecified]-addr-[10.0.0.1/32]-vrf-[default]"},
		{"topSystem", "inst-[vrf-001]"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, parent, rn string) {
		key, err := RNKey(rn)
		if err != nil {
			return
		}
		c, naming, ok := ChildClass(parent, rn)
		if !ok {
			return
		}
		again, err := c.FormatRN(naming)
		if err != nil {
			t.Fatalf("%s: FormatRN(%v) from %q: %v", c.Name, naming, rn, err)
		}
		k2, err := RNKey(again)
		if err != nil || k2 != key {
			t.Fatalf("%s: %q -> %v -> %q: key %q, want %q (err %v)", c.Name, rn, naming, again, k2, key, err)
		}
	})
}
