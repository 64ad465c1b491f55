package main

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/lab"
	"github.com/nxcalico/nxcalico/nxos"
)

// TestDepartedNodes finds the nodes that left the design since the last pass that succeeded: a
// node that moved to another pair has not left it, and nothing is known before a first pass.
func TestDepartedNodes(t *testing.T) {
	a := designNode("a", "rack1", "192.168.1.10", "2001:192:168:1::10")
	b := designNode("b", "rack1", "192.168.1.11", "2001:192:168:1::11")
	c := designNode("c", "rack2", "192.168.1.12", "2001:192:168:1::12")
	moved := b
	moved.LeafPair = "rack2"
	known := membership{"rack1": {a, b}, "rack2": {c}}
	tests := []struct {
		name  string
		known membership
		want  membership
		left  []design.Node
	}{
		{"nothing known yet", nil, membership{"rack1": {a}}, nil},
		{"in step", known, known, nil},
		{"one left, one moved", known, membership{"rack1": nil, "rack2": {moved, c}}, []design.Node{a}},
		{"a pair left the design", known, membership{"rack1": {a, b}}, []design.Node{c}},
		{"all left", known, membership{}, []design.Node{a, b, c}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := departedNodes(tt.known, tt.want); !reflect.DeepEqual(got, tt.left) {
				t.Errorf("departed = %v, want %v", got, tt.left)
			}
		})
	}
}

// TestRetiredLeaves retires rack2 through the base design: its leaves go to fabric.retiredLeaves
// with a client each, and the leader's first pass removes the design's node sessions and
// templates from them while rack1 stays in step; rack2's Node is then skipped (its pair is gone).
func TestRetiredLeaves(t *testing.T) {
	ctx := context.Background()
	base := twoPairDesign()
	w := world{
		"master": designNode("master", "rack1", "192.168.1.10", "2001:192:168:1::10"),
		"node11": designNode("node11", "rack2", "192.168.1.21", "2001:192:168:1::21"),
	}
	env, err := lab.Start(ctx, intentOf(t, base, w.list()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Close() })
	for _, n := range w.list() {
		putNode(t, env, nodeOf(n))
	}

	// Both pairs in step first.
	a := start(newTestReconciler(t, env, base, "replica-a", "nodewatch-retire"))
	eventually(t, 10*time.Second, "both pairs in step", func() (bool, string) { return inStep(env, w) })
	eventually(t, 10*time.Second, "the first replica's pass done", func() (bool, string) {
		h := a.r.history()
		return len(h) > 0 && h[0].Err == nil, fmt.Sprint(h)
	})
	if err := a.shutdown(t); err != nil {
		t.Fatal(err)
	}
	template := "sys/bgp/inst/dom-default/peercont-" + design.DefaultTemplateIPv4
	for _, l := range rack2Leaves {
		if len(neighbors(env.Sims[l])) == 0 || env.Sims[l].Get(template) == nil {
			t.Fatalf("%s holds no neighbor or template before it is retired", l)
		}
	}

	retiring := design.CaseStudy()
	retiring.Cluster.Nodes = nil
	retiring.Fabric.RetiredLeaves = slices.Clone(rack2Leaves)
	r := newTestReconciler(t, env, retiring, "replica-b", "nodewatch-retire")
	r.Switches = map[string]*nxos.Client{}
	r.Retired = map[string]*nxos.Client{}
	for _, l := range rack1Leaves {
		r.Switches[l] = env.Switches[l]
	}
	for _, l := range rack2Leaves {
		r.Retired[l] = env.Switches[l]
	}
	b := start(r)
	defer b.shutdown(t)
	var first pass
	eventually(t, 10*time.Second, "first pass of the new leader", func() (bool, string) {
		h := b.r.history()
		if len(h) == 0 {
			return false, "no pass"
		}
		first = h[0]
		return true, ""
	})
	if first.Err != nil || !first.Changed || !reflect.DeepEqual(first.Leaves, append(slices.Clone(rack1Leaves), rack2Leaves...)) {
		t.Fatalf("first pass = %+v, want rack1's leaves and the retired ones, changed", first)
	}
	if skippedCode(first, "node11") != design.CodeUnknownLeafPair {
		t.Errorf("node11 skipped with %q, want %s", skippedCode(first, "node11"), design.CodeUnknownLeafPair)
	}
	for _, l := range rack2Leaves {
		if got := neighbors(env.Sims[l]); len(got) != 0 {
			t.Errorf("retired %s still holds neighbors %v", l, got)
		}
		if env.Sims[l].Get(template) != nil {
			t.Errorf("retired %s still holds the design's template", l)
		}
	}
	want := addrs(w["master"])
	for _, l := range rack1Leaves {
		if got := neighbors(env.Sims[l]); !slices.Equal(got, want) {
			t.Errorf("%s neighbors %v, want %v", l, got, want)
		}
	}
	for _, l := range rack2Leaves {
		ev := eventSaying(t, env, "Lease", "nodewatch-retire", reasonLeafApplied, "retired leaf "+l+", removals: applied")
		if !strings.Contains(ev.Message, "deleted") || strings.Contains(ev.Message, " 0 deleted") {
			t.Errorf("retired %s: event %q, want the objects it deleted", l, ev.Message)
		}
	}
	t.Logf("retired in the first pass: %v", first.Leaves)
}
