package integration_test

import (
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
)

// TestCalicoInStep: a Syncer told that Calico is in step plans and applies the leaves and Nodes
// only (a node's new address reaches the leaves), leaves Calico's objects alone even when they
// drifted, and Apply refuses a plan made with the other setting; a run without it corrects the
// drift.
func TestCalicoInStep(t *testing.T) {
	ctx := testCtx(t)
	d := design.CaseStudy()
	env := startApplied(t, ctx, derive(t, d))
	peers := env.Clientset.ProjectcalicoV3().BGPPeers()
	list, err := peers.List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) == 0 {
		t.Fatalf("BGPPeers after apply: %v, %d", err, len(list.Items))
	}
	drifted := list.Items[0].Name
	if err := peers.Delete(ctx, drifted, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := range d.Cluster.Nodes {
		if d.Cluster.Nodes[i].Name == "node02" {
			d.Cluster.Nodes[i].IPv4 = d.Cluster.Nodes[i].IPv4.Next()
		}
	}
	in := derive(t, d)

	s := env.Syncer()
	s.CalicoInStep = true
	plan, err := s.Plan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Calico() != nil {
		t.Errorf("plan with CalicoInStep has a Calico plan: %v", plan.Calico())
	}
	if strings.Contains(plan.String(), "BGPPeer/") {
		t.Errorf("plan with CalicoInStep mentions BGPPeers:\n%s", plan)
	}
	if plan.Leaf("Leaf2101").Empty() || plan.Nodes().Empty() {
		t.Fatalf("the node's new address is not planned on the leaves and its Node:\n%s", plan)
	}
	other := env.Syncer()
	if _, err := other.Apply(ctx, plan); err == nil || !strings.Contains(err.Error(), "CalicoInStep false, the plan was made with true") {
		t.Errorf("Apply without CalicoInStep of a plan made with it = %v", err)
	}
	if _, err := s.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := peers.Get(ctx, drifted, metav1.GetOptions{}); err == nil {
		t.Errorf("BGPPeer %s recreated by a run with CalicoInStep", drifted)
	}
	assertNeighbors(t, env, in, nil)

	full, err := other.Plan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if c, _, _ := full.Calico().Counts(); c != 1 {
		t.Errorf("a plan without CalicoInStep creates %d Calico objects, want the drifted BGPPeer:\n%s", c, full)
	}
	if _, err := other.Apply(ctx, full); err != nil {
		t.Fatal(err)
	}
	if _, err := peers.Get(ctx, drifted, metav1.GetOptions{}); err != nil {
		t.Errorf("BGPPeer %s not restored by a run without CalicoInStep: %v", drifted, err)
	}
}

// TestNodePairs: a Syncer limited to some pairs' nodes plans and labels only those Nodes, leaves
// the others as they are even when they drifted, and Apply refuses a plan made for other pairs.
func TestNodePairs(t *testing.T) {
	ctx := testCtx(t)
	in := derive(t, designtest.TwoPairs())
	env := startApplied(t, ctx, in)
	// Every Node loses its annotations.
	for _, n := range in.Nodes {
		kn, err := env.Core.CoreV1().Nodes().Get(ctx, n.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		kn.Annotations = nil
		if _, err := env.Core.CoreV1().Nodes().Update(ctx, kn, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pair := in.Nodes[0].Pair
	var want []string
	for _, n := range in.Nodes {
		if n.Pair == pair {
			want = append(want, n.Name)
		}
	}
	if len(want) == len(in.Nodes) {
		t.Fatalf("design %s has one pair's nodes only", in.Cluster.Name)
	}

	s := env.Syncer()
	s.NodePairs = []string{pair}
	plan, err := s.Plan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	var planned []string
	for _, p := range plan.Nodes().Changes {
		planned = append(planned, p.Node)
	}
	if !slices.Equal(planned, want) {
		t.Errorf("plan labels %v, want the nodes of %s %v", planned, pair, want)
	}
	other := env.Syncer()
	other.NodePairs = []string{}
	if _, err := other.Apply(ctx, plan); err == nil || !strings.Contains(err.Error(), "NodePairs []") {
		t.Errorf("Apply with other NodePairs = %v", err)
	}
	rep, err := s.Apply(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Nodes, want) {
		t.Errorf("Apply labelled %v, want %v", rep.Nodes, want)
	}
	full, err := env.Syncer().Plan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(full.Nodes().Changes); got != len(in.Nodes)-len(want) {
		t.Errorf("a plan of every node labels %d, want the %d of the other pairs", got, len(in.Nodes)-len(want))
	}
}
