package calico

import (
	"maps"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
)

// offlineClient is a Client whose cluster is never contacted (ApplyNodes uses the core client
// it is given).
func offlineClient(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(&rest.Config{Host: "https://192.0.2.1:6443"}, Options{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestApplyNodesMergesLabelsAndAnnotations(t *testing.T) {
	in := renderIntent(t, design.CaseStudy())
	patches := NodePatches(in)
	var existing []*corev1.Node
	for _, p := range patches {
		existing = append(existing, &corev1.Node{ObjectMeta: metav1.ObjectMeta{
			Name:        p.Node,
			Labels:      map[string]string{"kubernetes.io/hostname": p.Node, LeafPairLabel: "stale"},
			Annotations: map[string]string{"node.alpha.kubernetes.io/ttl": "0"},
		}})
	}
	objs := make([]runtime.Object, len(existing))
	for i, n := range existing {
		objs[i] = n
	}
	core := fake.NewClientset(objs...)
	c := offlineClient(t)
	if err := c.ApplyNodes(t.Context(), core, patches); err != nil {
		t.Fatal(err)
	}
	for _, p := range patches {
		n, err := core.CoreV1().Nodes().Get(t.Context(), p.Node, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		wantLabels := map[string]string{"kubernetes.io/hostname": p.Node}
		maps.Copy(wantLabels, p.Labels)
		wantAnn := map[string]string{"node.alpha.kubernetes.io/ttl": "0"}
		maps.Copy(wantAnn, p.Annotations)
		if !maps.Equal(n.Labels, wantLabels) || !maps.Equal(n.Annotations, wantAnn) {
			t.Errorf("node %s: labels %v annotations %v\nwant labels %v annotations %v", p.Node, n.Labels, n.Annotations, wantLabels, wantAnn)
		}
	}
	// Applying again changes nothing.
	before := len(core.Actions())
	if err := c.ApplyNodes(t.Context(), core, patches); err != nil {
		t.Fatal(err)
	}
	if got := len(core.Actions()) - before; got != len(patches) {
		t.Errorf("%d requests on the second run, want one patch per node (%d)", got, len(patches))
	}
}

func TestApplyNodesErrors(t *testing.T) {
	tests := []struct {
		name    string
		patches []NodePatch
		want    []string
		noCalls bool // validation must fail before any request
	}{
		{
			name:    "missing node",
			patches: []NodePatch{{Node: "ghost", Labels: map[string]string{LeafPairLabel: "rack1"}}},
			want:    []string{`patch Node "ghost"`, "not found"},
		},
		{
			name: "invalid input",
			patches: []NodePatch{
				{Node: "n1", Labels: map[string]string{LeafPairLabel: "rack 1"}},
				{Node: "Bad_Node", Annotations: map[string]string{"a": "b"}},
				{Node: "n1", Labels: map[string]string{"/": "x"}},
				{Node: "n2", Annotations: map[string]string{"bad key!": "x"}},
			},
			want: []string{
				`NodePatch[0] "n1": Labels[nxcalico.io/leaf-pair] "rack 1"`,
				`NodePatch[1] "Bad_Node": Node:`,
				`NodePatch[2] "n1": same node as NodePatch[0]`,
				`NodePatch[2] "n1": Labels key "/"`,
				`NodePatch[3] "n2": Annotations key "bad key!"`,
			},
			noCalls: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core := fake.NewClientset(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}})
			err := offlineClient(t).ApplyNodes(t.Context(), core, tt.patches)
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v lacks %q", err, w)
				}
			}
			if tt.noCalls && len(core.Actions()) != 0 {
				t.Errorf("%d requests sent before validation failed", len(core.Actions()))
			}
		})
	}
	if err := offlineClient(t).ApplyNodes(t.Context(), nil, nil); err == nil {
		t.Error("ApplyNodes with a nil core client succeeded")
	}
}
