package main

import (
	"context"
	"fmt"
	"net/netip"
	"testing"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"

	listersv1 "k8s.io/client-go/listers/core/v1"

	"github.com/nxcalico/nxcalico/design"
)

// benchNodes returns a lister over n labelled Nodes spread over the two pairs of twoPairDesign,
// with dual-stack addresses in the case study's gateway subnets (IPv4 /24 holds at most 253).
func benchNodes(b *testing.B, n int) listersv1.NodeLister {
	idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	for i := range n {
		pair := "rack1"
		if i%2 == 1 {
			pair = "rack2"
		}
		v4 := netip.AddrFrom4([4]byte{192, 168, 1, byte(10 + i)})
		v6 := netip.MustParseAddr(fmt.Sprintf("2001:192:168:1::%x", 0x100+i))
		if err := idx.Add(nodeOf(design.Node{Name: fmt.Sprintf("node%03d", i), LeafPair: pair, IPv4: v4, IPv6: v6})); err != nil {
			b.Fatal(err)
		}
	}
	return listersv1.NewNodeLister(idx)
}

// BenchmarkPassInStep is the cost of a pass whose Nodes changed nothing the leaves see: read the
// cache, apply the address rule, derive and validate the design, compare per pair. It makes no
// request; this is what a burst of irrelevant Node events costs the leader.
func BenchmarkPassInStep(b *testing.B) {
	for _, n := range []int{10, 200} {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			lister := benchNodes(b, n)
			r := &reconciler{Base: twoPairDesign(), Logger: discard()}
			nodes, _ := lister.List(labels.Everything())
			list, _ := designNodes(r.Base.Fabric.AnycastGateway, nodes, nil)
			d := *r.Base
			d.Cluster.Nodes = list
			in, err := design.Derive(&d)
			if err != nil {
				b.Fatal(err)
			}
			r.applied = membershipOf(in)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if p := r.reconcile(ctx, lister); len(p.Pairs) != 0 || p.Problems != nil || p.Err != nil {
					b.Fatalf("pass = %+v, want nothing to do", p)
				}
			}
		})
	}
}
