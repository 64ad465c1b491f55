package node

import (
	"maps"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/nxcalico/nxcalico/design"
)

// nodesOf returns a Node per node of the intent, with a kubelet label, a stale pair label and an
// annotation nxcalico does not own.
func nodesOf(in *design.Intent) []runtime.Object {
	objs := make([]runtime.Object, len(in.Nodes))
	for i, n := range in.Nodes {
		objs[i] = &corev1.Node{ObjectMeta: metav1.ObjectMeta{
			Name:        n.Name,
			Labels:      map[string]string{"kubernetes.io/hostname": n.Name, LeafPairLabel: "stale"},
			Annotations: map[string]string{"node.alpha.kubernetes.io/ttl": "0"},
		}}
	}
	return objs
}

func newClient(t *testing.T, core *fake.Clientset, opts Options) *Client {
	t.Helper()
	c, err := NewClient(core, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// lister returns a Node lister over the Nodes core holds now.
func lister(t *testing.T, core *fake.Clientset) listersv1.NodeLister {
	t.Helper()
	idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	list, err := core.CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range list.Items {
		if err := idx.Add(&list.Items[i]); err != nil {
			t.Fatal(err)
		}
	}
	return listersv1.NewNodeLister(idx)
}

func TestPlanAndApplyMergeLabelsAndAnnotations(t *testing.T) {
	in := derive(t, design.CaseStudy())
	core := fake.NewClientset(nodesOf(in)...)
	c := newClient(t, core, Options{Concurrency: 2})
	plan, err := c.Plan(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != len(in.Nodes) || plan.Unchanged != 0 {
		t.Fatalf("plan changes %d nodes, %d unchanged; want all %d to change", len(plan.Changes), plan.Unchanged, len(in.Nodes))
	}
	if c, u, d := plan.Counts(); c != 0 || u != len(in.Nodes) || d != 0 {
		t.Errorf("Counts = %d, %d, %d; want 0, %d, 0", c, u, d, len(in.Nodes))
	}
	if s := plan.String(); !strings.Contains(s, "~ node/master nxcalico.io/leaf-pair=rack1 projectcalico.org/IPv4Address=192.168.1.10/24") {
		t.Errorf("plan text lacks master's line:\n%s", s)
	}
	res, err := c.Apply(t.Context(), plan)
	if err != nil {
		t.Fatal(err)
	}
	if _, u, _ := res.Counts(); u != len(in.Nodes) {
		t.Errorf("Apply updated %v, want every node", res.Updated)
	}
	for _, p := range Patches(in) {
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
	// Planned again, from a List and from a cache, nothing changes and Apply sends nothing.
	for name, opts := range map[string]Options{"list": {}, "lister": {Lister: lister(t, core)}} {
		again, err := newClient(t, core, opts).Plan(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Empty() || again.Unchanged != len(in.Nodes) {
			t.Errorf("%s: plan after apply changes %v, %d unchanged", name, again.Changes, again.Unchanged)
		}
		before := len(core.Actions())
		if _, err := c.Apply(t.Context(), again); err != nil || len(core.Actions()) != before {
			t.Errorf("%s: applying an empty plan: %v, %d requests", name, err, len(core.Actions())-before)
		}
	}
}

func TestPlanReadsTheLister(t *testing.T) {
	in := derive(t, design.CaseStudy())
	core := fake.NewClientset(nodesOf(in)...)
	c := newClient(t, core, Options{Lister: lister(t, core)})
	before := len(core.Actions())
	plan, err := c.Plan(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(core.Actions()) != before {
		t.Errorf("Plan with a lister made %d requests", len(core.Actions())-before)
	}
	if len(plan.Changes) != len(in.Nodes) {
		t.Errorf("plan changes %d nodes, want %d", len(plan.Changes), len(in.Nodes))
	}
}

func TestPlanNamesMissingNodes(t *testing.T) {
	in := derive(t, design.CaseStudy())
	objs := nodesOf(in)
	for name, core := range map[string]*fake.Clientset{"list": fake.NewClientset(objs[1]), "lister": fake.NewClientset(objs[1])} {
		opts := Options{}
		if name == "lister" {
			opts.Lister = lister(t, core)
		}
		_, err := newClient(t, core, opts).Plan(t.Context(), in)
		if err == nil || !strings.Contains(err.Error(), "the design's nodes master, node02 are not Kubernetes Nodes") {
			t.Errorf("%s: Plan = %v, want the missing nodes named", name, err)
		}
	}
}

func TestApplyRefusesABadPlanBeforeAnyRequest(t *testing.T) {
	core := fake.NewClientset(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}})
	c := newClient(t, core, Options{})
	_, err := c.Apply(t.Context(), &Plan{Changes: []Patch{
		{Node: "n1", Labels: map[string]string{LeafPairLabel: "rack 1"}},
		{Node: "Bad_Node", Annotations: map[string]string{"a": "b"}},
		{Node: "n1", Labels: map[string]string{"/": "x"}},
		{Node: "n2", Annotations: map[string]string{"bad key!": "x"}},
	}})
	for _, w := range []string{
		`Plan.Changes[0] "n1": Labels[nxcalico.io/leaf-pair] "rack 1"`,
		`Plan.Changes[1] "Bad_Node": Node:`,
		`Plan.Changes[2] "n1": same Node as Plan.Changes[0]`,
		`Plan.Changes[2] "n1": Labels key "/"`,
		`Plan.Changes[3] "n2": Annotations key "bad key!"`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %q", err, w)
		}
	}
	if n := len(core.Actions()); n != 0 {
		t.Errorf("%d requests sent before validation failed", n)
	}
}

func TestApplyNamesAMissingNode(t *testing.T) {
	core := fake.NewClientset(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}})
	res, err := newClient(t, core, Options{}).Apply(t.Context(), &Plan{Changes: []Patch{
		{Node: "ghost", Labels: map[string]string{LeafPairLabel: "rack1"}},
		{Node: "n1", Labels: map[string]string{LeafPairLabel: "rack1"}},
	}})
	if err == nil || !strings.Contains(err.Error(), `patch Node "ghost"`) || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Apply = %v, want the missing Node named", err)
	}
	if len(res.Updated) != 1 || res.Updated[0] != "n1" {
		t.Errorf("Result.Updated = %v, want [n1]: what was done before the failure", res.Updated)
	}
}

func TestNewClientRefusesBadOptions(t *testing.T) {
	if _, err := NewClient(nil, Options{}); err == nil {
		t.Error("NewClient(nil) succeeded")
	}
	if _, err := NewClient(fake.NewClientset(), Options{Concurrency: -1}); err == nil || !strings.Contains(err.Error(), "Options.Concurrency -1") {
		t.Errorf("NewClient with Concurrency -1 = %v", err)
	}
}

func TestPlanComparesAddressesAsPrefixes(t *testing.T) {
	in := derive(t, design.CaseStudy())
	var objs []runtime.Object
	for _, p := range Patches(in) {
		ann := maps.Clone(p.Annotations)
		if p.Node == "master" {
			ann[IPv6AddressAnnotation] = "2001:192:168:1:0:0:0:10/64" // the same prefix, written long
		}
		if p.Node == "node01" {
			ann[IPv4AddressAnnotation] = "192.168.1.11/16" // another prefix length
		}
		objs = append(objs, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: p.Node, Labels: p.Labels, Annotations: ann}})
	}
	plan, err := newClient(t, fake.NewClientset(objs...), Options{}).Plan(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != 1 || plan.Changes[0].Node != "node01" || plan.Unchanged != 2 {
		t.Errorf("plan changes %v (%d unchanged), want node01 only", plan.Changes, plan.Unchanged)
	}
}
