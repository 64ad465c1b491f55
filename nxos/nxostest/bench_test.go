package nxostest

import (
	"context"
	"net/http"
	"testing"
)

// BenchmarkPostLeaf measures one full-design POST (check, copy, merge, swap) over HTTP.
func BenchmarkPostLeaf(b *testing.B) {
	s := NewServer()
	defer s.Close()
	se := login(b, s)
	body := []byte(leafBody)
	u := s.URL() + "/api/mo/sys.json"
	b.ReportAllocs()
	for b.Loop() {
		if st, out, err := DoJSON(context.Background(), se.c, http.MethodPost, u, body); err != nil || st != 200 {
			b.Fatalf("%d %s %v", st, out, err)
		}
	}
}

// BenchmarkGetSubtree measures a full-subtree GET of the BGP tree over HTTP.
func BenchmarkGetSubtree(b *testing.B) {
	s := NewServer()
	defer s.Close()
	se := login(b, s)
	if st, out, _ := DoJSON(context.Background(), se.c, http.MethodPost, s.URL()+"/api/mo/sys.json", []byte(leafBody)); st != 200 {
		b.Fatalf("%d %s", st, out)
	}
	u := s.URL() + "/api/mo/sys/bgp.json?rsp-subtree=full"
	b.ReportAllocs()
	for b.Loop() {
		if st, _, err := DoJSON(context.Background(), se.c, http.MethodGet, u, nil); err != nil || st != 200 {
			b.Fatal(st, err)
		}
	}
}
