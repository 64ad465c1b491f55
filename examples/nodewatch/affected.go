package main

import (
	"maps"
	"slices"

	"github.com/nxcalico/nxcalico/design"
)

// membership is, per leaf pair, the design nodes attached to it (sorted by name): everything the
// pair's leaves derive their neighbors from.
type membership map[string][]design.Node

// membershipOf groups a derived intent's nodes by pair; every pair of the design has an entry,
// empty when no node is attached.
func membershipOf(in *design.Intent) membership {
	m := make(membership, len(in.Pairs))
	for _, p := range in.Pairs {
		m[p.Name] = nil
	}
	for _, n := range in.Nodes { // sorted by name
		m[n.Pair] = append(m[n.Pair], design.Node{Name: n.Name, LeafPair: n.Pair, IPv4: n.Addr.IPv4, IPv6: n.Addr.IPv6})
	}
	return m
}

// affectedPairs returns, sorted, the pairs whose node list differs between what was last brought
// in step (applied) and what the Nodes say now (want): a node joined, left, moved to another pair
// or changed an address. A nil applied means nothing is known yet, so every pair of want is
// affected.
func affectedPairs(applied, want membership) []string {
	var out []string
	if applied == nil {
		return slices.Sorted(maps.Keys(want))
	}
	for pair, nodes := range want {
		if old, ok := applied[pair]; !ok || !slices.Equal(old, nodes) {
			out = append(out, pair)
		}
	}
	for pair := range applied {
		if _, ok := want[pair]; !ok {
			out = append(out, pair)
		}
	}
	slices.Sort(out)
	return out
}

// scoped returns a copy of in that holds only the leaves of the given pairs; the pairs, nodes
// and cluster-wide part stay whole, so the Calico objects and Node labels rendered from it are the
// design's complete ones. A Syncer given the scoped intent and only those leaves' clients plans
// and applies those leaves and no other.
func scoped(in *design.Intent, pairs []string) *design.Intent {
	out := *in
	out.Leaves = nil
	for _, l := range in.Leaves {
		if slices.Contains(pairs, l.Pair) {
			out.Leaves = append(out.Leaves, l)
		}
	}
	return &out
}
