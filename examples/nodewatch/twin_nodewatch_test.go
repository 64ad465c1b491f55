package main

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/twin"
)

// TestNodewatchOnTwin runs nodewatch's reconciler in-process (leader election, Node informer,
// workqueue) against a routing twin of the case study whose leaves send the nodes every pod block
// (peering.advertisePodBlocks, pools without IPIP), so that a node's pod routes reach the other
// nodes. node02 starts without the rack label; it joins by getting the label and leaves by losing
// it. Each phase reads the real daemons: the node's sessions on the leaves' FRR and its own BIRD,
// its pod blocks on the leaves and the other nodes, and bgpd's and BIRD's marks of every other
// session, which must not have been reset.
func TestNodewatchOnTwin(t *testing.T) {
	skipWithoutTwin(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	d := design.CaseStudy()
	d.Peering.AdvertisePodBlocks = design.Bool(true)
	for i := range d.Cluster.IPPools {
		d.Cluster.IPPools[i].Encapsulation, d.Cluster.IPPools[i].EncapsulationMode = design.EncapNone, ""
	}
	const x = "node02"
	e := startTwinEnv(t, ctx, d, x, "t", testLogger(t), nil)
	leaves, nodes := e.leafNames(), e.nodeNames()
	var others []string
	for _, n := range nodes {
		if n != x {
			others = append(others, n)
		}
	}
	marks := func(t *testing.T) map[string]sessionMark {
		t.Helper()
		s, err := e.read(ctx, leaves, nodes)
		if err != nil {
			t.Fatal(err)
		}
		m := s.marks(e.in, x)
		if len(m) != 2*2*2*len(others) { // per node: two leaves, two families, both ends
			t.Fatalf("%d session ends of the other nodes read, want %d: %v", len(m), 2*2*2*len(others), m)
		}
		return m
	}
	// passesSince waits until a pass planned and applied rack1 after the first `before` passes,
	// and fails when any pass since failed or planned another pair.
	passesSince := func(t *testing.T, before int) {
		t.Helper()
		pctx, stop := context.WithTimeout(ctx, 30*time.Second)
		defer stop()
		var since []pass
		if err := pollUntil(pctx, 50*time.Millisecond, func(context.Context) (bool, string) {
			since = e.r.history()[before:]
			return slices.ContainsFunc(since, func(p pass) bool { return len(p.Pairs) > 0 }), fmt.Sprintf("%+v", since)
		}); err != nil {
			t.Fatalf("no pass planned a pair: %v", err)
		}
		for _, p := range since {
			if p.Err != nil || p.Problems != nil || len(p.Skipped) > 0 || (len(p.Pairs) > 0 && (!slices.Equal(p.Pairs, []string{"rack1"}) || !p.Changed)) {
				t.Errorf("pass %+v, want rack1 planned and changed, no failure, nothing skipped", p)
			}
		}
	}

	joined := t.Run("a node joins", func(t *testing.T) {
		before, passes := marks(t), len(e.r.history())
		if err := e.setLabel(ctx, x, true); err != nil {
			t.Fatal(err)
		}
		wctx, stop := context.WithTimeout(ctx, time.Minute)
		defer stop()
		if _, err := e.waitSessions(wctx, x, true); err != nil {
			t.Fatalf("%s's sessions after the label: %v", x, err)
		}
		passesSince(t, passes)
		if r := resets(before, marks(t)); len(r) > 0 {
			t.Errorf("other sessions reset or down after %s joined:\n%s", x, strings.Join(r, "\n"))
		}
		// Its pod blocks reach its leaves from it, and every other node through the leaves; it
		// learns every other node's.
		if err := pollUntil(wctx, 250*time.Millisecond, func(ctx context.Context) (bool, string) {
			held, err := e.routes(ctx, leaves, nodes)
			if err != nil {
				return false, err.Error()
			}
			var missing []string
			for _, b := range e.Lab.Node(x).NS.Blocks {
				from := e.in.Node(x).Addr.Get(addressing.PrefixFamily(b)).String()
				for _, l := range leaves {
					if !slices.ContainsFunc(held[l], func(r heldRoute) bool { return r.Prefix == b && r.From == from }) {
						missing = append(missing, fmt.Sprintf("%s lacks %s from %s", l, b, from))
					}
				}
				for _, n := range others {
					if !slices.ContainsFunc(held[n], func(r heldRoute) bool { return r.Prefix == b && r.Usable }) {
						missing = append(missing, fmt.Sprintf("%s lacks a usable route to %s", n, b))
					}
				}
			}
			for _, n := range others {
				for _, b := range e.Lab.Node(n).NS.Blocks {
					if !slices.ContainsFunc(held[x], func(r heldRoute) bool { return r.Prefix == b && r.Usable }) {
						missing = append(missing, fmt.Sprintf("%s lacks a usable route to %s of %s", x, b, n))
					}
				}
			}
			return len(missing) == 0, strings.Join(missing, "; ")
		}); err != nil {
			t.Fatalf("pod routes after %s joined: %v", x, err)
		}
		// The twin's own proofs: every session of the design up on both ends, the routes each end
		// may hold, pod-to-pod and service traffic, pod blocks on every node.
		r, err := e.Lab.Check(ctx, twin.CheckOptions{Settle: 30 * time.Second, SkipRouteSafety: true, SkipFailover: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("\n%s", r)
		for _, name := range []string{twin.CheckSessions, twin.CheckRoutes, twin.CheckPackets, twin.CheckService, twin.CheckPodRoutes} {
			if c := r.Check(name); c == nil || c.Result != twin.Pass {
				t.Errorf("check %s did not pass: %+v", name, c)
			}
		}
	})
	if !joined {
		return
	}

	t.Run("the node leaves", func(t *testing.T) {
		before, passes := marks(t), len(e.r.history())
		if err := e.setLabel(ctx, x, false); err != nil {
			t.Fatal(err)
		}
		wctx, stop := context.WithTimeout(ctx, time.Minute)
		defer stop()
		if _, err := e.waitSessions(wctx, x, false); err != nil {
			t.Fatalf("%s's sessions after the unlabel: %v", x, err)
		}
		passesSince(t, passes)
		// Its pod blocks leave every leaf and every other node; it holds no BGP route.
		if err := pollUntil(wctx, 250*time.Millisecond, func(ctx context.Context) (bool, string) {
			held, err := e.routes(ctx, leaves, nodes)
			if err != nil {
				return false, err.Error()
			}
			var left []string
			for _, b := range e.Lab.Node(x).NS.Blocks {
				for _, name := range append(slices.Clone(leaves), others...) {
					if slices.ContainsFunc(held[name], func(r heldRoute) bool { return r.Prefix == b }) {
						left = append(left, fmt.Sprintf("%s still holds %s", name, b))
					}
				}
			}
			for _, r := range held[x] {
				if strings.HasPrefix(r.From, "Global_") || strings.HasPrefix(r.From, "Node_") {
					left = append(left, fmt.Sprintf("%s still holds %s from %s", x, r.Prefix, r.From))
				}
			}
			return len(left) == 0, strings.Join(left, "; ")
		}); err != nil {
			t.Fatalf("routes after %s left: %v", x, err)
		}
		if r := resets(before, marks(t)); len(r) > 0 {
			t.Errorf("other sessions reset or down after %s left:\n%s", x, strings.Join(r, "\n"))
		}
		// The leaves hold exactly the other nodes as neighbors on the gateway subnets.
		s, err := e.read(ctx, leaves, nil)
		if err != nil {
			t.Fatal(err)
		}
		var want []netip.Addr
		for _, n := range others {
			want = append(want, e.in.Node(n).Addr.IPv4, e.in.Node(n).Addr.IPv6)
		}
		slices.SortFunc(want, netip.Addr.Compare)
		gw := d.Fabric.AnycastGateway
		for _, l := range leaves {
			var got []netip.Addr
			for _, a := range slices.SortedFunc(maps.Keys(s.leaves[l]), netip.Addr.Compare) {
				if gw.IPv4.Masked().Contains(a) || gw.IPv6.Masked().Contains(a) {
					got = append(got, a)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s's neighbors = %v, want %v", l, got, want)
			}
		}
		// nodewatch does not put the label back: the user's word stands.
		n, err := e.Core.CoreV1().Nodes().Get(ctx, x, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := n.Labels[node.LeafPairLabel]; ok {
			t.Errorf("%s has the label %s=%q again after the user removed it", x, node.LeafPairLabel, v)
		}
	})
}
