package node

import (
	"testing"

	"github.com/nxcalico/nxcalico/design/designtest"
)

func TestPatches(t *testing.T) {
	in := derive(t, designtest.UniqueLoopbacks())
	patches := Patches(in)
	if len(patches) != len(in.Nodes) {
		t.Fatalf("%d patches for %d nodes", len(patches), len(in.Nodes))
	}
	want := map[string]Patch{
		"k8s-a1": {Node: "k8s-a1", Labels: map[string]string{LeafPairLabel: "rack-a"}, Annotations: map[string]string{
			IPv4AddressAnnotation: "172.16.0.11/24", IPv6AddressAnnotation: "fd00:172:16::11/64"}},
		"k8s-c1": {Node: "k8s-c1", Labels: map[string]string{LeafPairLabel: "rack-c"}, Annotations: map[string]string{
			IPv4AddressAnnotation: "172.16.0.31/24"}}, // IPv4 only: no IPv6 annotation
	}
	for i, p := range patches {
		if i > 0 && patches[i-1].Node >= p.Node {
			t.Errorf("patches not sorted by node: %s before %s", patches[i-1].Node, p.Node)
		}
		w, ok := want[p.Node]
		if !ok {
			continue
		}
		if p.Labels[LeafPairLabel] != w.Labels[LeafPairLabel] || len(p.Labels) != 1 {
			t.Errorf("%s: labels %v, want %v", p.Node, p.Labels, w.Labels)
		}
		if len(p.Annotations) != len(w.Annotations) {
			t.Errorf("%s: annotations %v, want %v", p.Node, p.Annotations, w.Annotations)
		}
		for k, v := range w.Annotations {
			if p.Annotations[k] != v {
				t.Errorf("%s: annotation %s=%q, want %q", p.Node, k, p.Annotations[k], v)
			}
		}
	}
	if Patches(nil) != nil {
		t.Error("Patches(nil) is not empty")
	}
}
