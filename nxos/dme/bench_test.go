package dme

import (
	"encoding/json"
	"testing"
)

func BenchmarkParseDN(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDN("sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10]/af-[ipv6-ucast]"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalLeaf(b *testing.B) {
	o := leaf2101()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := o.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalLeaf(b *testing.B) {
	body, _ := leaf2101().MarshalJSON()
	b.ReportAllocs()
	for b.Loop() {
		var o Object
		if err := json.Unmarshal(body, &o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckLeaf(b *testing.B) {
	o := leaf2101()
	b.ReportAllocs()
	for b.Loop() {
		if errs := Check("", o); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}
