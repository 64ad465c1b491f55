package node

import (
	"testing"

	"github.com/nxcalico/nxcalico/design/designtest"
	"k8s.io/client-go/kubernetes/fake"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BenchmarkNodes renders the scripts and patches of 20,000 dual-stack nodes (500 racks of 40),
// and plans them against an informer's cache where every Node already carries its patch (the
// plan of a nodewatch pass in step).
func BenchmarkNodes(b *testing.B) {
	const racks, nodesPerRack = 500, 40
	in := derive(b, designtest.Scale(racks, nodesPerRack, false))
	b.Run("scripts", func(b *testing.B) {
		for b.Loop() {
			for i := range in.Nodes {
				_ = Script(&in.Nodes[i])
			}
		}
		b.ReportMetric(float64(len(in.Nodes)), "nodes")
	})
	b.Run("patches", func(b *testing.B) {
		var p []Patch
		for b.Loop() {
			p = Patches(in)
		}
		b.ReportMetric(float64(len(p)), "nodes")
	})
	b.Run("plan-in-step", func(b *testing.B) {
		idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
		for _, p := range Patches(in) {
			if err := idx.Add(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: p.Node, Labels: p.Labels, Annotations: p.Annotations}}); err != nil {
				b.Fatal(err)
			}
		}
		c, err := NewClient(fake.NewClientset(), Options{Lister: listersv1.NewNodeLister(idx)})
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			p, err := c.Plan(b.Context(), in)
			if err != nil || !p.Empty() {
				b.Fatalf("plan: %v, %d changes", err, len(p.Changes))
			}
		}
		b.ReportMetric(float64(len(in.Nodes)), "nodes")
	})
}
