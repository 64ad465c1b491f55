package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/twinlab"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/twin"
	"github.com/nxcalico/nxcalico/twin/bird"
	"github.com/nxcalico/nxcalico/twin/frr"
)

// twinPoll is how often the twin tests read the daemons while they wait for a change.
const twinPoll = 20 * time.Millisecond

// twinDebounce is the reconciler's debounce in the twin tests (the command's default is 1 s).
const twinDebounce = 50 * time.Millisecond

// twinEnv is nodewatch's reconciler running in-process (leader election, Node informer,
// workqueue) against a routing twin: FRR leaves behind NX-API fronts, BIRD nodes configured from
// the cluster, and the cluster's Nodes in a fake core API.
type twinEnv struct {
	*twinlab.Env
	// in is the design with every node, the one the twin was built from.
	in *design.Intent
	r  *reconciler
	// x is the node the test labels and unlabels; it starts unlabelled.
	x      string
	prefix string
}

// skipWithoutTwin skips when this machine cannot run a twin, naming what it lacks.
func skipWithoutTwin(tb testing.TB) {
	tb.Helper()
	if err := twin.Preflight(); err != nil {
		tb.Skip(err)
	}
}

// twinPrefix is a namespace prefix unique to this test process.
func twinPrefix(tag string) string { return fmt.Sprintf("nxw%s%d", tag, os.Getpid()%100000) }

// twinNamespaces lists the named network namespaces starting with prefix.
func twinNamespaces(tb testing.TB, prefix string) []string {
	tb.Helper()
	entries, err := os.ReadDir("/run/netns")
	if err != nil && !os.IsNotExist(err) {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

// startTwinEnv builds the twin of d (every node of d gets a namespace and a BIRD), gives the
// cluster a Node per node of d with its addresses as InternalIPs and the rack label on all but x,
// and starts the reconciler on the base design (d without nodes). It returns once the first pass
// has applied and every labelled node's sessions are Established on both ends while x has none.
// Cleanup stops the reconciler, closes the twin and fails when a namespace is left behind.
func startTwinEnv(tb testing.TB, ctx context.Context, d *design.Design, x, tag string, log, twinLog *slog.Logger) *twinEnv {
	tb.Helper()
	skipWithoutTwin(tb)
	in, err := design.Derive(d)
	if err != nil {
		tb.Fatal(err)
	}
	if in.Node(x) == nil {
		tb.Fatalf("the design has no node %s", x)
	}
	base := *d
	base.Cluster.Nodes = nil
	prefix := twinPrefix(tag)
	started := time.Now()
	env, err := twinlab.Start(ctx, in, twinlab.Options{Twin: twin.Options{Prefix: prefix, Logger: twinLog}})
	if err != nil {
		tb.Fatal(err)
	}
	e := &twinEnv{Env: env, in: in, x: x, prefix: prefix}
	var run *running
	tb.Cleanup(func() {
		if run != nil {
			run.stop()
			select {
			case err := <-run.done:
				if err != nil {
					tb.Errorf("reconciler: %v", err)
				}
			case <-time.After(30 * time.Second):
				tb.Error("the reconciler did not stop within 30 s")
			}
		}
		if err := env.Close(); err != nil {
			tb.Errorf("closing the twin: %v", err)
		}
		if left := twinNamespaces(tb, prefix); len(left) > 0 {
			tb.Errorf("the twin left namespaces behind: %v", left)
		}
	})
	for _, n := range in.Nodes {
		pair := n.Pair
		if n.Name == x {
			pair = "-"
		}
		var as []string
		for _, f := range addressing.Families {
			if a := n.Addr.Get(f); a.IsValid() {
				as = append(as, a.String())
			}
		}
		k := k8sNode(n.Name, pair, as...)
		cur, err := env.Core.CoreV1().Nodes().Get(ctx, n.Name, metav1.GetOptions{})
		if err != nil {
			tb.Fatal(err)
		}
		cur.Labels, cur.Status.Addresses = k.Labels, k.Status.Addresses
		if _, err := env.Core.CoreV1().Nodes().Update(ctx, cur, metav1.UpdateOptions{}); err != nil {
			tb.Fatal(err)
		}
	}
	sw, err := env.Lab.Switches()
	if err != nil {
		tb.Fatal(err)
	}
	e.r = &reconciler{
		Base: &base, Switches: sw, Calico: env.Calico, Core: env.Core,
		Lease:    leaseConfig{Namespace: leaseNS, Name: "nodewatch", ID: "twin"},
		Debounce: twinDebounce,
		Logger:   log,
		Health:   &health{},
		Verify:   true,
	}
	run = start(e.r)
	wctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := pollUntil(wctx, 100*time.Millisecond, func(ctx context.Context) (bool, string) {
		h := e.r.history()
		for _, p := range h {
			if p.Changed && p.Err == nil {
				return true, ""
			}
		}
		return false, fmt.Sprintf("passes %+v", h)
	}); err != nil {
		tb.Fatalf("the first pass: %v", err)
	}
	if err := pollUntil(wctx, 250*time.Millisecond, func(ctx context.Context) (bool, string) {
		s, err := e.read(ctx, e.leafNames(), e.nodeNames())
		if err != nil {
			return false, err.Error()
		}
		for _, n := range in.Nodes {
			up, gone, detail := s.sessions(in, n.Name)
			if (n.Name == x && !gone) || (n.Name != x && !up) {
				return false, detail
			}
		}
		return true, ""
	}); err != nil {
		tb.Fatalf("the labelled nodes' sessions: %v", err)
	}
	tb.Logf("twin of %d leaves and %d nodes up and nodewatch in step in %s", len(in.Leaves), len(in.Nodes), time.Since(started).Round(time.Millisecond))
	return e
}

// setLabel labels the named node with its pair (on) or removes the rack label (off).
func (e *twinEnv) setLabel(ctx context.Context, name string, on bool) error {
	cur, err := e.Core.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	cur.Labels = maps.Clone(cur.Labels)
	if on {
		cur.Labels[node.LeafPairLabel] = e.in.Node(name).Pair
	} else {
		delete(cur.Labels, node.LeafPairLabel)
	}
	_, err = e.Core.CoreV1().Nodes().Update(ctx, cur, metav1.UpdateOptions{})
	return err
}

func (e *twinEnv) leafNames() []string {
	var out []string
	for _, l := range e.in.Leaves {
		out = append(out, l.Name)
	}
	return out
}

func (e *twinEnv) nodeNames() []string {
	var out []string
	for _, n := range e.in.Nodes {
		out = append(out, n.Name)
	}
	return out
}

// twinState is one reading of some of the twin's daemons.
type twinState struct {
	// leaves holds each leaf's BGP neighbors as bgpd reports them, by neighbor address.
	leaves map[string]map[netip.Addr]frr.Neighbor
	// nodes holds each node's BGP protocols as BIRD reports them (none before BIRD runs).
	nodes map[string][]bird.Protocol
}

// read reads the named leaves' FRR and nodes' BIRD, straight from the daemons.
func (e *twinEnv) read(ctx context.Context, leaves, nodes []string) (*twinState, error) {
	s := &twinState{leaves: map[string]map[netip.Addr]frr.Neighbor{}, nodes: map[string][]bird.Protocol{}}
	for _, name := range leaves {
		ns, err := e.Lab.Leaf(name).Daemons().Neighbors(ctx)
		if err != nil {
			return nil, err
		}
		m := map[netip.Addr]frr.Neighbor{}
		for _, n := range ns {
			m[n.Addr.Unmap()] = n
		}
		s.leaves[name] = m
	}
	for _, name := range nodes {
		var bgp []bird.Protocol
		if d := e.Lab.Node(name).Daemons(); d != nil {
			ps, err := d.Protocols(ctx)
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if p.Proto == "BGP" {
					bgp = append(bgp, p)
				}
			}
		}
		s.nodes[name] = bgp
	}
	return s, nil
}

// sessions reports, for the daemons s holds, whether every session of node (one per leaf of its
// pair and family) is Established on the ends read (up), and whether they are gone: no leaf read
// has the node as a neighbor and none of the node's BIRD protocols towards its leaves is
// Established. (The node's BIRD may keep its protocols: with shared loopbacks Calico's BGPPeers
// are global and select every node, labelled or not; the leaves then refuse its connections.)
// detail names the state of each session.
func (s *twinState) sessions(in *design.Intent, node string) (up, gone bool, detail string) {
	n := in.Node(node)
	up, gone = true, true
	var notes []string
	for _, p := range n.Peers {
		addr := n.Addr.Get(p.Family)
		if nbrs, ok := s.leaves[p.Leaf]; ok {
			nb, found := nbrs[addr]
			if found {
				gone = false
			}
			if !found || !nb.Established {
				up = false
				notes = append(notes, fmt.Sprintf("%s: neighbor %s %s", p.Leaf, addr, orNone(found, nb.State)))
			} else {
				notes = append(notes, fmt.Sprintf("%s: neighbor %s Established", p.Leaf, addr))
			}
		}
		if protos, ok := s.nodes[node]; ok {
			i := slices.IndexFunc(protos, func(pr bird.Protocol) bool { return pr.Family == p.Family && pr.Neighbor == p.Addr })
			if i >= 0 && protos[i].Established {
				gone = false
			}
			if i < 0 || !protos[i].Established {
				up = false
				st := ""
				if i >= 0 {
					st = protos[i].BGPState + " " + protos[i].Info
				}
				notes = append(notes, fmt.Sprintf("%s: peer %s %s", node, p.Addr, orNone(i >= 0, st)))
			} else {
				notes = append(notes, fmt.Sprintf("%s: peer %s Established", node, p.Addr))
			}
		}
	}
	return up, gone, strings.Join(notes, "; ")
}

func orNone(found bool, state string) string {
	if !found {
		return "not configured"
	}
	return state
}

// sessionMark is what proves a session was not reset: on a leaf, bgpd's counts of transitions to
// Established and of drops; on a node, BIRD's time of the protocol's last state change.
type sessionMark struct {
	Up                   bool
	Established, Dropped int
	Since                string
}

// marks returns the marks of every session of every node but except, keyed "leaf neighbor" and
// "node peer".
func (s *twinState) marks(in *design.Intent, except string) map[string]sessionMark {
	out := map[string]sessionMark{}
	for _, n := range in.Nodes {
		if n.Name == except {
			continue
		}
		for _, p := range n.Peers {
			addr := n.Addr.Get(p.Family)
			if nb, ok := s.leaves[p.Leaf][addr]; ok {
				out[p.Leaf+" "+addr.String()] = sessionMark{Up: nb.Established, Established: nb.EstablishedCount, Dropped: nb.DroppedCount}
			}
			for _, pr := range s.nodes[n.Name] {
				if pr.Family == p.Family && pr.Neighbor == p.Addr {
					out[n.Name+" "+p.Addr.String()] = sessionMark{Up: pr.Established, Since: pr.Since}
				}
			}
		}
	}
	return out
}

// resets lists the sessions of before that are not Established in after or were reset between the
// two readings.
func resets(before, after map[string]sessionMark) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(before)) {
		b, a := before[k], after[k]
		if !b.Up {
			out = append(out, k+": was not Established before")
		} else if a != b {
			out = append(out, fmt.Sprintf("%s: %+v, was %+v", k, a, b))
		}
	}
	return out
}

// waitSessions waits until every session of node is Established on both ends (up) or gone (!up,
// see twinState.sessions). Each of node's leaves and node's BIRD is read by a poller of its own every
// twinPoll, so the times it returns — when each daemon's part first held, by leaf name and by
// node name — are as fine as one reading of that daemon allows.
func (e *twinEnv) waitSessions(ctx context.Context, node string, up bool) (map[string]time.Time, error) {
	n := e.in.Node(node)
	var leaves []string
	for _, p := range n.Peers {
		if !slices.Contains(leaves, p.Leaf) {
			leaves = append(leaves, p.Leaf)
		}
	}
	type probe struct{ name, leaf, node string }
	probes := []probe{{name: node, node: node}}
	for _, l := range leaves {
		probes = append(probes, probe{name: l, leaf: l})
	}
	var (
		mu   sync.Mutex
		at   = map[string]time.Time{}
		errs []error
		wg   sync.WaitGroup
	)
	for _, pr := range probes {
		wg.Go(func() {
			var ls, ns []string
			if pr.leaf != "" {
				ls = []string{pr.leaf}
			} else {
				ns = []string{pr.node}
			}
			err := pollUntil(ctx, twinPoll, func(ctx context.Context) (bool, string) {
				s, err := e.read(ctx, ls, ns)
				if err != nil {
					return false, err.Error()
				}
				u, g, detail := s.sessions(e.in, node)
				return (up && u) || (!up && g), detail
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", pr.name, err))
				return
			}
			at[pr.name] = time.Now()
		})
	}
	wg.Wait()
	return at, errors.Join(errs...)
}

// pollUntil calls cond every interval until it holds; when ctx ends first it returns an error
// with cond's last detail.
func pollUntil(ctx context.Context, interval time.Duration, cond func(context.Context) (bool, string)) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	last := ""
	for {
		ok, detail := cond(ctx)
		if ok {
			return nil
		}
		if ctx.Err() != nil { // detail is then the cancelled read's
			return fmt.Errorf("%w; last: %s", context.Cause(ctx), last)
		}
		last = detail
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w; last: %s", context.Cause(ctx), last)
		case <-tick.C:
		}
	}
}

// routes reads the BGP tables of the named leaves and nodes, both families: by daemon name, the
// prefixes held with where from (the peer on a leaf, the protocol on a node) and whether usable.
func (e *twinEnv) routes(ctx context.Context, leaves, nodes []string) (map[string][]heldRoute, error) {
	out := map[string][]heldRoute{}
	for _, f := range addressing.Families {
		for _, name := range leaves {
			rs, err := e.Lab.Leaf(name).Daemons().Routes(ctx, f)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				out[name] = append(out[name], heldRoute{Prefix: r.Prefix, From: r.Peer.Unmap().String(), Usable: r.Best})
			}
		}
		for _, name := range nodes {
			d := e.Lab.Node(name).Daemons()
			if d == nil {
				continue
			}
			rs, err := d.Routes(ctx, f)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				out[name] = append(out[name], heldRoute{Prefix: r.Prefix, From: r.From, Usable: r.Reachable})
			}
		}
	}
	return out, nil
}

// heldRoute is one route a daemon holds.
type heldRoute struct {
	Prefix netip.Prefix
	From   string
	Usable bool
}

// stampLog is a slog.Handler that keeps the time of every record by message, so a benchmark can
// tell when the reconciler started planning, finished applying, and when a leaf's FRR took a
// configuration.
type stampLog struct {
	mu   sync.Mutex
	recs []stamp
}

type stamp struct {
	msg  string
	at   time.Time
	took time.Duration // the record's "took" attribute, if any
}

func (s *stampLog) Enabled(context.Context, slog.Level) bool { return true }

func (s *stampLog) Handle(_ context.Context, r slog.Record) error {
	st := stamp{msg: r.Message, at: r.Time}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "took" {
			st.took, _ = a.Value.Any().(time.Duration)
		}
		return true
	})
	s.mu.Lock()
	s.recs = append(s.recs, st)
	s.mu.Unlock()
	return nil
}

func (s *stampLog) WithAttrs([]slog.Attr) slog.Handler { return s }
func (s *stampLog) WithGroup(string) slog.Handler      { return s }

// first returns the time of the first record with msg at or after t.
func (s *stampLog) first(msg string, t time.Time) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.recs {
		if r.msg == msg && !r.at.Before(t) {
			return r.at, true
		}
	}
	return time.Time{}, false
}

// between returns the records with msg in [from, to].
func (s *stampLog) between(msg string, from, to time.Time) []stamp {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []stamp
	for _, r := range s.recs {
		if r.msg == msg && !r.at.Before(from) && !r.at.After(to) {
			out = append(out, r)
		}
	}
	return out
}

// last returns the time of the last record with msg in [from, to].
func (s *stampLog) last(msg string, from, to time.Time) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.recs) - 1; i >= 0; i-- {
		if r := s.recs[i]; r.msg == msg && !r.at.Before(from) && !r.at.After(to) {
			return r.at, true
		}
	}
	return time.Time{}, false
}
