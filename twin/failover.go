package twin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nxcalico/nxcalico/twin/frr"
)

// failoverRound is how often the failover check probes, and failoverWait how long one probe waits.
const (
	failoverRound = 100 * time.Millisecond
	failoverWait  = "0.3"
	// failoverStreak rounds in a row with every probe answered count as recovered.
	failoverStreak = 5
)

// failoverProbes are the pings that must keep flowing while a leaf of the rack is down: from
// every node of the rack to the next node of the rack, and to a node of another rack, per family.
func (l *Lab) failoverProbes(pair string) []probe {
	var rack, others []*NodeNS
	for i := range l.Topology.Nodes {
		n := &l.Topology.Nodes[i]
		if n.Pair == pair {
			rack = append(rack, n)
		} else if len(others) == 0 {
			others = append(others, n)
		}
	}
	var out []probe
	for _, f := range l.families() {
		for i, from := range rack {
			targets := others
			if len(rack) > 1 {
				targets = append([]*NodeNS{rack[(i+1)%len(rack)]}, others...)
			}
			for _, to := range targets {
				if src, dst := from.Pod(f), to.Pod(f); src.IsValid() && dst.IsValid() {
					out = append(out, probe{fmt.Sprintf("%s %s -> %s", f, from.Name, to.Name), from.Netns, src, dst})
				}
			}
		}
	}
	return out
}

// round sends every probe once, in parallel, and returns the ones that got no answer.
func round(ctx context.Context, probes []probe) []string {
	var mu sync.Mutex
	var lost []string
	_ = parallel(ctx, len(probes), 16, func(ctx context.Context, i int) error {
		p := probes[i]
		if _, err := inNetns(ctx, p.netns, "ping", "-n", "-q", "-c", "1", "-W", failoverWait, "-I", p.src.String(), p.dst.String()); err != nil {
			mu.Lock()
			lost = append(lost, p.what)
			mu.Unlock()
		}
		return nil
	})
	return lost
}

// checkFailover fails one leaf of a pair with two leaves — its FRR stops and its links lose
// carrier, as when a switch loses power — while pods of its rack ping each other and another
// rack, and measures how long traffic stops; then it starts the leaf again
// with its configuration and waits for its sessions.
func (l *Lab) checkFailover(ctx context.Context, o CheckOptions, c *Check) {
	var victim *Leaf
	for _, p := range l.intent.Pairs {
		if len(p.Leaves) >= 2 && len(p.Nodes) > 0 {
			victim = l.leaves[p.Leaves[0]]
			break
		}
	}
	if victim == nil {
		c.Result, c.Summary = Skip, "no leaf pair with two leaves and nodes"
		return
	}
	probes := l.failoverProbes(victim.NS.Pair)
	if len(probes) == 0 {
		c.Result, c.Summary = Skip, "no pod pairs to probe"
		return
	}
	if lost := round(ctx, probes); len(lost) > 0 {
		c.Result, c.Summary, c.Details = Fail, "pod traffic did not flow before the leaf was stopped", lost
		return
	}
	links, err := nsLinks(ctx, victim.NS.Netns)
	if err != nil {
		c.Result, c.Summary = Fail, "listing the links of leaf "+victim.Name+": "+err.Error()
		return
	}
	// The leaf fails as a switch does: its control plane stops and its links lose carrier.
	d := victim.Daemons()
	start := time.Now()
	stopErr := d.Stop(ctx)
	downErr := setLinks(ctx, victim.NS.Netns, links, "down")
	defer func() {
		rctx := context.WithoutCancel(ctx)
		if err := setLinks(rctx, victim.NS.Netns, links, "up"); err != nil {
			c.Result = Fail
			c.Details = append(c.Details, "bringing the links of leaf "+victim.Name+" up: "+err.Error())
			return
		}
		if err := l.restartLeaf(rctx, victim, o); err != nil {
			c.Result = Fail
			c.Details = append(c.Details, "restarting leaf "+victim.Name+": "+err.Error())
		}
	}()
	if err := errors.Join(stopErr, downErr); err != nil {
		c.Result, c.Summary = Fail, "stopping leaf "+victim.Name+": "+err.Error()
		return
	}
	var streak int
	var streakStart time.Time
	var everLost bool
	var lastLost []string
	deadline := start.Add(o.Settle + time.Duration(l.intent.Cluster.MaxRestartTime)*time.Second)
	tick := time.NewTicker(failoverRound)
	defer tick.Stop()
	for streak < failoverStreak && time.Now().Before(deadline) {
		roundStart := time.Now()
		lost := round(ctx, probes)
		if len(lost) > 0 {
			everLost, lastLost, streak = true, lost, 0
		} else {
			if streak == 0 {
				streakStart = roundStart
			}
			streak++
		}
		select {
		case <-ctx.Done():
			c.Result, c.Summary = Fail, ctx.Err().Error()
			return
		case <-tick.C:
		}
	}
	if streak < failoverStreak {
		c.Result = Fail
		c.Summary = fmt.Sprintf("with leaf %s stopped, pod traffic did not recover within %s", victim.Name, time.Since(start).Round(time.Millisecond))
		c.Details = lastLost
		return
	}
	took := streakStart.Sub(start)
	if !everLost {
		took = 0
	}
	c.Summary = fmt.Sprintf("leaf %s failed: %d pod-to-pod flows recovered through the other leaf after %s", victim.Name, len(probes), took.Round(time.Millisecond))
	if !everLost {
		c.Summary = fmt.Sprintf("leaf %s failed: %d pod-to-pod flows kept flowing through the other leaf (no probe lost)", victim.Name, len(probes))
	}
	c.Details = append(c.Details, fmt.Sprintf("traffic flowed again after %s (probing every %s)", took.Round(time.Millisecond), failoverRound))
}

// nsLinks lists the links of a namespace other than lo.
func nsLinks(ctx context.Context, netns string) ([]string, error) {
	out, err := inNetns(ctx, netns, "ip", "-o", "link", "show")
	if err != nil {
		return nil, err
	}
	var links []string
	for line := range strings.Lines(string(out)) {
		// "3: br0@if2: <...>" or "2: up0: <...>"
		f := strings.SplitN(line, ":", 3)
		if len(f) < 3 {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimSpace(f[1]), "@")
		if name != "" && name != "lo" {
			links = append(links, name)
		}
	}
	return links, nil
}

// setLinks sets every named link of a namespace up or down.
func setLinks(ctx context.Context, netns string, links []string, state string) error {
	lines := make([]string, len(links))
	for i, l := range links {
		lines[i] = "link set dev " + l + " " + state
	}
	return ipBatch(ctx, netns, lines)
}

// restartLeaf starts a stopped leaf's FRR again with its current configuration and waits for
// every session of the lab.
func (l *Lab) restartLeaf(ctx context.Context, lf *Leaf, o CheckOptions) error {
	d, err := frr.Start(ctx, frr.DaemonOptions{Netns: lf.NS.Netns, Dir: lf.dir(l), Name: lf.Name, Logger: l.log})
	if err != nil {
		return err
	}
	lf.mu.Lock()
	lf.daemons = d
	lf.mu.Unlock()
	lf.apply(ctx, l, lf.Front.Dump())
	if err := lf.Err(); err != nil {
		return err
	}
	ok, down := poll(ctx, o.Settle, 200*time.Millisecond, func(ctx context.Context) (bool, []string) {
		_, down := l.sessionStates(ctx)
		return len(down) == 0, down
	})
	if !ok {
		return fmt.Errorf("sessions not back: %v", down)
	}
	return nil
}
