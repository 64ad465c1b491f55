package frr

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// largeDesign is the case study with its anycast-gateway subnets widened to 10.1.0.0/16 and
// 2001:db8:1::/64 and nodes dual-stack nodes: every leaf gets 2*nodes neighbors.
func largeDesign(nodes int) *design.Design {
	d := design.CaseStudy()
	d.Fabric.AnycastGateway.IPv4 = netip.MustParsePrefix("10.1.0.1/16")
	d.Fabric.AnycastGateway.IPv6 = netip.MustParsePrefix("2001:db8:1::1/64")
	d.Cluster.Nodes = nil
	for i := range nodes {
		d.Cluster.Nodes = append(d.Cluster.Nodes, design.Node{
			Name:     fmt.Sprintf("node-%05d", i),
			LeafPair: d.Fabric.LeafPairs[0].Name,
			IPv4:     netip.AddrFrom4([4]byte{10, 1, byte(1 + i/250), byte(1 + i%250)}),
			IPv6:     netip.MustParseAddr(fmt.Sprintf("2001:db8:1::%x", 0x1000+i)),
		})
	}
	return d
}

func benchTranslate(b *testing.B, tree *dme.Object) {
	o := fabricOptions(0, 20) // 19 fabric peers, as in a 10-rack lab
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Translate(tree, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTranslate translates Leaf2101 of the case study (6 node neighbors) and of a design with
// 1,000 dual-stack nodes (2,000 neighbors), each with 19 fabric peers.
func BenchmarkTranslate(b *testing.B) {
	b.Run("casestudy", func(b *testing.B) {
		benchTranslate(b, renderedTrees(b, "casestudy", design.CaseStudy())[0].tree)
	})
	b.Run("nodes=1000", func(b *testing.B) {
		benchTranslate(b, renderedTrees(b, "large", largeDesign(1000))[0].tree)
	})
}
