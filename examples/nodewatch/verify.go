package main

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/design"
)

// verify reads the BGP sessions of the given pairs (their leaves, and the Calico status of their
// nodes) and sets the sessions gauges per pair. A failure is logged, counted and reported on the
// Lease; it does not fail the pass, whose changes were applied.
func (r *reconciler) verify(ctx context.Context, s *nxcalico.Syncer, in *design.Intent, pairs []string) {
	sub := scoped(in, pairs)
	sub.Nodes = nil
	for _, n := range in.Nodes {
		if slices.Contains(pairs, n.Pair) {
			sub.Nodes = append(sub.Nodes, n)
		}
	}
	m := r.metrics()
	v, err := s.Verify(ctx, sub)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		m.passErrors.WithLabelValues("verify").Inc()
		r.logger().Warn("nodewatch: verification failed", "pairs", pairs, "err", err)
		r.event(leaseRef(r.Lease), corev1.EventTypeWarning, reasonVerifyFailed, "reading the sessions of pairs %v failed: %v", pairs, err)
		return
	}
	leafPair := map[string]string{}
	for _, l := range sub.Leaves {
		leafPair[l.Name] = l.Pair
	}
	expected, up := map[string]int{}, map[string]int{}
	for _, p := range pairs {
		expected[p], up[p] = 0, 0
	}
	for _, ss := range v.Sessions {
		p := leafPair[ss.Leaf]
		expected[p]++
		if ss.Established() {
			up[p]++
		}
	}
	for _, p := range pairs {
		m.sessionsExpected.WithLabelValues(p).Set(float64(expected[p]))
		m.sessionsEstablished.WithLabelValues(p).Set(float64(up[p]))
	}
	r.logger().Info("nodewatch: verified", "pairs", pairs, "sessions", len(v.Sessions), "down", len(v.Down()))
}
