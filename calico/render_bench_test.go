package calico

import (
	"github.com/nxcalico/nxcalico/design/designtest"
	"testing"
)

// BenchmarkRender renders 500 racks (two leaves each) and 20,000 dual-stack nodes, with unique
// and with shared loopbacks, reporting the object count. (The nodes' scripts and patches, which grow
// with the nodes, are the node package's BenchmarkNodes.)
func BenchmarkRender(b *testing.B) {
	const racks, nodesPerRack = 500, 40
	for _, c := range []struct {
		name   string
		shared bool
	}{{"unique", false}, {"shared", true}} {
		in := renderIntent(b, designtest.Scale(racks, nodesPerRack, c.shared))
		if len(in.Nodes) != racks*nodesPerRack || in.Cluster.SharedLoopbacks != c.shared {
			b.Fatalf("scale design: %d nodes, shared %v", len(in.Nodes), in.Cluster.SharedLoopbacks)
		}
		b.Run(c.name+"/objects", func(b *testing.B) {
			var objs *Objects
			for b.Loop() {
				var err error
				if objs, err = Render(in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(objs.Len()), "objects")
			b.ReportMetric(float64(len(objs.BGPPeers)), "peers")
		})
		b.Run(c.name+"/yaml", func(b *testing.B) {
			objs, err := Render(in)
			if err != nil {
				b.Fatal(err)
			}
			var n int
			for b.Loop() {
				y, err := objs.YAML()
				if err != nil {
					b.Fatal(err)
				}
				n = len(y)
			}
			b.ReportMetric(float64(n), "yaml-bytes")
		})
	}
}
