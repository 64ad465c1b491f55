package integration_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/design/designtest"
)

// TestPlanRefusesAnOutage moves a node to the other pair: while the change is applied the node
// peers with neither pair (the old leaves lose it, the new ones gain it), so Plan refuses the
// change naming the node and how to allow it, and with the outage allowed the plan says it.
func TestPlanRefusesAnOutage(t *testing.T) {
	ctx := testCtx(t)
	before := derive(t, designtest.TwoPairs())
	env := startApplied(t, ctx, before)

	moved := designtest.TwoPairs()
	for i := range moved.Cluster.Nodes {
		if moved.Cluster.Nodes[i].Name == "node03" {
			moved.Cluster.Nodes[i].LeafPair = "rack1"
		}
	}
	after := derive(t, moved)
	s := syncerFor(env, after)
	_, err := s.Plan(ctx, after)
	if err == nil {
		t.Fatal("Plan accepted moving node03 to the other pair without AllowOutage")
	}
	for _, want := range []string{"node node03 moves from leaves Leaf2103, Leaf2104 to Leaf2101, Leaf2102", "AllowOutage"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal does not say %q: %v", want, err)
		}
	}

	s.AllowOutage = true
	plan, err := s.Plan(ctx, after)
	if err != nil {
		t.Fatal(err)
	}
	if out := plan.Outages(); len(out) != 1 || !strings.Contains(out[0], "node03") {
		t.Errorf("Outages: %v, want node03's", out)
	}
	if !strings.Contains(plan.String(), "without a session while it is applied") {
		t.Errorf("the plan text does not say the outage:\n%s", plan)
	}

	// A node that joins a pair is no outage: it had no session to lose.
	joined := designtest.TwoPairs()
	joined.Cluster.Nodes = append(joined.Cluster.Nodes, joined.Cluster.Nodes[len(joined.Cluster.Nodes)-1])
	last := &joined.Cluster.Nodes[len(joined.Cluster.Nodes)-1]
	last.Name, last.IPv4, last.IPv6 = "node04", last.IPv4.Next(), last.IPv6.Next()
	in := derive(t, joined)
	if _, err := env.Core.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node04"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := syncerFor(env, in).Plan(ctx, in); err != nil {
		t.Errorf("a node joining was refused: %v", err)
	}
}
