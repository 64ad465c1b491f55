package main

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/nxcalico/nxcalico/design"
)

func TestAffectedPairs(t *testing.T) {
	n := func(name, pair, v4 string) design.Node {
		return design.Node{Name: name, LeafPair: pair, IPv4: netip.MustParseAddr(v4)}
	}
	applied := membership{
		"rack1": {n("a", "rack1", "192.168.1.10"), n("b", "rack1", "192.168.1.11")},
		"rack2": {n("c", "rack2", "192.168.1.20")},
		"rack3": nil,
	}
	tests := []struct {
		name    string
		applied membership
		want    membership
		pairs   []string
	}{
		{"nothing known: every pair", nil, applied, []string{"rack1", "rack2", "rack3"}},
		{"no change", applied, applied, nil},
		{"a node joins", applied, membership{
			"rack1": applied["rack1"], "rack2": {n("c", "rack2", "192.168.1.20"), n("d", "rack2", "192.168.1.21")}, "rack3": nil,
		}, []string{"rack2"}},
		{"a node leaves", applied, membership{"rack1": {n("a", "rack1", "192.168.1.10")}, "rack2": applied["rack2"], "rack3": nil}, []string{"rack1"}},
		{"the last node of a pair leaves", applied, membership{"rack1": applied["rack1"], "rack2": nil, "rack3": nil}, []string{"rack2"}},
		{"an address changes", applied, membership{
			"rack1": {n("a", "rack1", "192.168.1.10"), n("b", "rack1", "192.168.1.99")}, "rack2": applied["rack2"], "rack3": nil,
		}, []string{"rack1"}},
		{"a node moves: both pairs", applied, membership{
			"rack1": {n("a", "rack1", "192.168.1.10")}, "rack2": applied["rack2"], "rack3": {n("b", "rack3", "192.168.1.11")},
		}, []string{"rack1", "rack3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := affectedPairs(tt.applied, tt.want); !reflect.DeepEqual(got, tt.pairs) {
				t.Errorf("affectedPairs = %v, want %v", got, tt.pairs)
			}
		})
	}
}

func TestScoped(t *testing.T) {
	d := twoPairDesign()
	d.Cluster.Nodes = []design.Node{{Name: "a", LeafPair: "rack1", IPv4: netip.MustParseAddr("192.168.1.10"), IPv6: netip.MustParseAddr("2001:192:168:1::10")}}
	in, err := design.Derive(d)
	if err != nil {
		t.Fatal(err)
	}
	sub := scoped(in, []string{"rack2"})
	var leaves []string
	for _, l := range sub.Leaves {
		leaves = append(leaves, l.Name)
	}
	if want := []string{"Leaf2201", "Leaf2202"}; !reflect.DeepEqual(leaves, want) {
		t.Errorf("scoped leaves = %v, want %v", leaves, want)
	}
	if !reflect.DeepEqual(sub.Nodes, in.Nodes) || !reflect.DeepEqual(sub.Cluster, in.Cluster) || !reflect.DeepEqual(sub.Pairs, in.Pairs) {
		t.Error("scoping changed the nodes, pairs or cluster part")
	}
	if len(in.Leaves) != 4 {
		t.Errorf("scoping changed the original: %d leaves", len(in.Leaves))
	}
}
