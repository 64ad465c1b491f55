package main

import (
	"context"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
)

// BenchmarkNodeLabelledToEstablished is the time from a user labelling a Node with its rack until
// both of its eBGP sessions (one per leaf of its pair, both families) are Established on the real
// daemons — the leaves' FRR and the node's BIRD — with nodewatch's reconciler (leader election,
// Node informer, workqueue, debounce twinDebounce) driving a routing twin of the case study. The
// twin's nodes read the cluster every 200 ms, as twinlab sets them up. Each iteration then
// unlabels the Node and waits, untimed, until its sessions are gone from both ends and the
// reconciler's pass has returned.
//
// Besides ns/op it reports, averaged over the iterations and counted from the label: when the
// reconciler started planning (s/planning), when the leaves' FRR took their last configuration
// of the pass (s/frr-configured), when the reconciler's Apply returned (s/applied), when the last
// leaf's and the node's sessions were Established (s/frr-up, s/bird-up) and the slowest iteration
// (s/established-max); s/established is the mean time until both ends were up. s/frr-reload is
// how long one FRR reload (frr-reload.py, run for every NX-API change a leaf accepts) took and
// frr-reloads/op how many the pass caused. idle-cores is the CPU the idle twin and reconciler
// keep busy before the first label (this process and the programs it runs and waits for, such as
// the twin's vtysh and birdc readings; not the daemons themselves). When the twin
// reconfigured the node's BIRD before its sessions came up (its BGPPeers select the node by the
// label), s/bird-configured is when, averaged over the iterations where it did.
func BenchmarkNodeLabelledToEstablished(b *testing.B) {
	benchLabelled(b, design.CaseStudy(), "node02", "b")
}

// BenchmarkNodeLabelledToEstablishedTenRacks is the same on 10 racks of 3 dual-stack nodes each
// (20 FRR leaves, 30 BIRD nodes, unique loopbacks), labelling a node of the last rack.
func BenchmarkNodeLabelledToEstablishedTenRacks(b *testing.B) {
	benchLabelled(b, designtest.Racks(10, 3, false), "node-10-3", "k")
}

// labelPhases are the moments of one label, counted from it; zero when not seen.
type labelPhases struct {
	planning, frrConfigured, applied, birdConfigured, frrUp, birdUp, established time.Duration
	// reloads counts the leaves' FRR reloads (frr-reload.py, one per accepted NX-API change) of
	// the pass and reloading is their time, summed.
	reloads   int
	reloading time.Duration
}

func benchLabelled(b *testing.B, d *design.Design, x, tag string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	stamps := &stampLog{}
	e := startTwinEnv(b, ctx, d, x, tag, slog.New(stamps), slog.New(stamps))
	var leaves []string
	for _, p := range e.in.Node(x).Peers {
		leaves = append(leaves, p.Leaf)
	}
	// What the idle twin and reconciler cost: the CPU time of this process and of the programs it
	// ran and waited for (the twin's vtysh and birdc readings) over a few seconds, as busy cores.
	idleCPU, err := busyCores(ctx, 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	var sum labelPhases
	var slowest time.Duration
	n, reconfigured := 0, 0
	for b.Loop() {
		t0 := time.Now()
		if err := e.setLabel(ctx, x, true); err != nil {
			b.Fatal(err)
		}
		wctx, stop := context.WithTimeout(ctx, 2*time.Minute)
		at, err := e.waitSessions(wctx, x, true)
		stop()
		if err != nil {
			b.Fatalf("after labelling %s: %v", x, err)
		}
		b.StopTimer()
		n++
		var ph labelPhases
		for _, l := range leaves {
			ph.frrUp = max(ph.frrUp, at[l].Sub(t0))
		}
		ph.birdUp = at[x].Sub(t0)
		ph.established = max(ph.frrUp, ph.birdUp)
		upAt := t0.Add(ph.established)
		if t, ok := stamps.first("nodewatch: planning", t0); ok {
			ph.planning = t.Sub(t0)
		}
		if t, ok := stamps.first("nodewatch: applied", t0); ok {
			ph.applied = t.Sub(t0)
			reloads := stamps.between("frr configuration applied", t0, t)
			if len(reloads) > 0 {
				ph.frrConfigured = reloads[len(reloads)-1].at.Sub(t0)
			}
			for _, rl := range reloads {
				ph.reloads++
				ph.reloading += rl.took
			}
		}
		if t, ok := stamps.last("twin: node configured", t0, upAt); ok {
			ph.birdConfigured = t.Sub(t0)
			reconfigured++
		}
		sum.reloads += ph.reloads
		sum.reloading += ph.reloading
		sum.planning += ph.planning
		sum.frrConfigured += ph.frrConfigured
		sum.applied += ph.applied
		sum.birdConfigured += ph.birdConfigured
		sum.frrUp += ph.frrUp
		sum.birdUp += ph.birdUp
		sum.established += ph.established
		slowest = max(slowest, ph.established)
		r := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
		b.Logf("%s labelled: planning %s, FRR configured %s (%d reloads, %s), applied %s, BIRD configured %s, FRR up %s, BIRD up %s", x,
			r(ph.planning), r(ph.frrConfigured), ph.reloads, r(ph.reloading), r(ph.applied), r(ph.birdConfigured), r(ph.frrUp), r(ph.birdUp))

		t1 := time.Now()
		if err := e.setLabel(ctx, x, false); err != nil {
			b.Fatal(err)
		}
		wctx, stop = context.WithTimeout(ctx, 2*time.Minute)
		_, err = e.waitSessions(wctx, x, false)
		if err == nil {
			// The pass that removed the node (its verification included) returns before the next
			// label.
			err = pollUntil(wctx, twinPoll, func(context.Context) (bool, string) {
				_, ok := stamps.first("nodewatch: pass done", t1)
				return ok, "no pass done since the unlabel"
			})
		}
		stop()
		if err != nil {
			b.Fatalf("after unlabelling %s: %v", x, err)
		}
		b.StartTimer()
	}
	if n == 0 {
		return
	}
	mean := func(d time.Duration) float64 { return d.Seconds() / float64(n) }
	b.ReportMetric(mean(sum.established), "s/established")
	b.ReportMetric(slowest.Seconds(), "s/established-max")
	b.ReportMetric(mean(sum.planning), "s/planning")
	b.ReportMetric(mean(sum.frrConfigured), "s/frr-configured")
	b.ReportMetric(mean(sum.applied), "s/applied")
	b.ReportMetric(mean(sum.frrUp), "s/frr-up")
	b.ReportMetric(mean(sum.birdUp), "s/bird-up")
	b.ReportMetric(idleCPU, "idle-cores")
	if sum.reloads > 0 {
		b.ReportMetric(sum.reloading.Seconds()/float64(sum.reloads), "s/frr-reload")
		b.ReportMetric(float64(sum.reloads)/float64(n), "frr-reloads/op")
	}
	if reconfigured > 0 {
		b.ReportMetric(sum.birdConfigured.Seconds()/float64(reconfigured), "s/bird-configured")
	}
}

// busyCores measures, over d, the CPU time of this process and its waited-for children per second
// of wall time.
func busyCores(ctx context.Context, d time.Duration) (float64, error) {
	cpu := func() time.Duration {
		var total time.Duration
		for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
			var ru syscall.Rusage
			_ = syscall.Getrusage(who, &ru)
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
		return total
	}
	c0, t0 := cpu(), time.Now()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-t.C:
	}
	return (cpu() - c0).Seconds() / time.Since(t0).Seconds(), nil
}
