package nxcalico

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/nxcalico/nxcalico/bgp"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/design"
)

// Waves. A change that resets sessions (a password introduced or removed, a loopback that moves)
// cannot keep a session up, but it can keep every node reachable: the leaves of a pair are
// changed one position at a time — every pair's first leaf with the Calico peers of those leaves,
// then, once their sessions are back, every pair's second leaf with its peers — so each node
// always keeps a session, its routes and its traffic through the other leaf of its pair. Apply
// runs in waves when Syncer.Handover is set and the plan resets sessions (Plan.Resets); otherwise
// in one.

// waveSet assigns the leaves and the Calico changes of a plan to waves.
type waveSet struct {
	count int
	leaf  map[string]int // leaf name -> wave; leaves absent (retired) are in wave 0
	peer  map[string]int // BGPPeer peerIP -> wave
}

// waves decides how Apply runs p.
func (s *Syncer) waves(p *Plan) waveSet {
	ws := waveSet{count: 1, leaf: map[string]int{}, peer: map[string]int{}}
	if s.Handover <= 0 || len(p.Resets()) == 0 {
		return ws
	}
	for _, pair := range p.intent.Pairs {
		for i, name := range pair.Leaves {
			ws.leaf[name] = i
			ws.count = max(ws.count, i+1)
			if l := p.intent.Leaf(name); l != nil {
				for _, lb := range []netip.Prefix{l.Loopback.IPv4, l.Loopback.IPv6} {
					if !lb.IsValid() {
						continue
					}
					// Shared loopbacks: one peer address stands for the leaves of one position.
					if w, ok := ws.peer[lb.Addr().String()]; !ok || i < w {
						ws.peer[lb.Addr().String()] = i
					}
				}
			}
		}
	}
	return ws
}

// leaves are the steps of wave w.
func (ws waveSet) leaves(steps []leafStep, w int) []leafStep {
	var out []leafStep
	for _, st := range steps {
		if ws.leaf[st.leaf.config.Leaf] == w {
			out = append(out, st)
		}
	}
	return out
}

// calico is the part of the Calico plan applied in wave w: the BGPPeers of the wave's leaves, and
// in the first wave everything else; nil when empty.
func (ws waveSet) calico(p *calico.Plan, w int) *calico.Plan {
	if p == nil {
		return nil
	}
	var out *calico.Plan
	for _, ch := range p.Changes {
		wave := 0
		if peer, ok := ch.After.(*v3.BGPPeer); ok {
			wave = ws.peer[peer.Spec.PeerIP]
		}
		if wave != w {
			continue
		}
		if out == nil {
			out = &calico.Plan{Cluster: p.Cluster, Group: p.Group}
		}
		out.Changes = append(out.Changes, ch)
	}
	return out
}

// only lists the leaves of wave w (nil: one wave, every leaf).
func (ws waveSet) only(w int) map[string]bool {
	if len(ws.leaf) == 0 {
		return nil
	}
	out := map[string]bool{}
	for name, lw := range ws.leaf {
		if lw == w {
			out[name] = true
		}
	}
	return out
}

// upTo lists the leaves of waves 0 to w.
func (ws waveSet) upTo(w int) map[string]bool {
	out := map[string]bool{}
	for name, lw := range ws.leaf {
		if lw <= w {
			out[name] = true
		}
	}
	if len(ws.leaf) == 0 {
		return nil // one wave: every leaf
	}
	return out
}

// handoverSettle is how long a session that came up during a handover must stay up before it
// counts: the routes it brings arrive shortly after it is established, and the next step may take
// the other path away.
const handoverSettle = 3 * time.Second

// resetGrace is how long a handover waits to see a session it expects to be reset go down or
// flap; a session still up after that was not reset (a switch that takes a repeated setting
// without a reset) or was reset between two readings by a switch that gives no lastFlapTs.
const resetGrace = 6 * time.Second

// handover waits up to Handover until every session of in with one of leaves (all when nil) is
// Established on both ends and has settled. A session that was down when the wait began, or that
// the plan resets (see resetsOf) on the wave's own leaves (all when nil), counts only once it came
// up again — seen down and then up, or its lastFlapTs differs from the one in before (the
// reading taken before the wave) — and stayed up for handoverSettle: a reading from before the
// reset, or a session without its routes yet, would otherwise let the next step take the other
// leaf of the pair too. A session expected to reset that stays up resetGrace counts as it is.
func (s *Syncer) handover(ctx context.Context, in *design.Intent, leaves, wave map[string]bool, resets func(SessionState) bool, before map[string]time.Time) error {
	begun := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.Handover)
	defer cancel()
	t := time.NewTicker(min(bgp.DefaultPoll, 250*time.Millisecond))
	defer t.Stop()
	type progress struct {
		mustFlap, sawDown bool
		upSince           time.Time
	}
	var (
		first = true
		seen  = map[string]*progress{}
		down  []string
	)
	for {
		v, err := s.Verify(ctx, in)
		if err == nil {
			now := time.Now()
			down = down[:0]
			for _, st := range v.Sessions {
				if leaves != nil && !leaves[st.Leaf] {
					continue
				}
				key := sessionKey(st)
				p := seen[key]
				if p == nil {
					p = &progress{}
					seen[key] = p
					// Down when the wait began, or reset by the wave: it must come up again.
					p.mustFlap = first && (!st.Established() || (wave == nil || wave[st.Leaf]) && resets(st)) || !first
				}
				if !st.Established() {
					p.sawDown, p.upSince = true, time.Time{}
					down = append(down, key)
					continue
				}
				if !p.mustFlap {
					continue
				}
				if p.upSince.IsZero() {
					if !p.sawDown && st.LeafFlap.Equal(before[key]) {
						if now.Sub(begun) < resetGrace {
							down = append(down, key+" (not yet seen reset)")
						}
						continue
					}
					p.upSince = now
				}
				if now.Sub(p.upSince) < handoverSettle {
					down = append(down, key+" (settling)")
				}
			}
			first = false
			if len(down) == 0 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			if len(down) == 0 && err != nil {
				return fmt.Errorf("reading the sessions: %w", err)
			}
			slices.Sort(down)
			werr := fmt.Errorf("%d sessions not Established (%s): %w", len(down), strings.Join(down, ", "), ctx.Err())
			if err != nil && !bgp.CutShort(ctx, err) {
				werr = errors.Join(werr, fmt.Errorf("the last reading failed: %w", err))
			}
			return werr
		case <-t.C:
		}
	}
}

// flaps reads the leaves' lastFlapTs of every session of in, by sessionKey.
func (s *Syncer) flaps(ctx context.Context, in *design.Intent) (map[string]time.Time, error) {
	v, err := s.Verify(ctx, in)
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(v.Sessions))
	for _, st := range v.Sessions {
		out[sessionKey(st)] = st.LeafFlap
	}
	return out, nil
}

func sessionKey(st SessionState) string {
	return fmt.Sprintf("%s–%s %s", st.Node, st.Leaf, st.Family)
}

// resetsOf returns whether the plan resets a session: a leaf's reset neighbor, or a session with
// the address of a BGPPeer whose password reference changes.
func (p *Plan) resetsOf() func(SessionState) bool {
	leafSide := map[string]bool{}
	for _, l := range p.leaves {
		for _, r := range l.plan.Resets() {
			leafSide[l.config.Leaf+" "+r.Neighbor] = true
		}
	}
	peerSide := map[netip.Addr]bool{}
	for _, u := range passwordUpdates(p.calico) {
		if a, err := netip.ParseAddr(u.after.Spec.PeerIP); err == nil {
			peerSide[a] = true
		}
	}
	return func(st SessionState) bool {
		return leafSide[st.Leaf+" "+st.NodeAddr.String()] || peerSide[st.LeafAddr]
	}
}

// mergeResults adds b's objects to a (either may be nil).
func mergeResults(a, b *calico.Result) *calico.Result {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	a.Created = append(a.Created, b.Created...)
	a.Updated = append(a.Updated, b.Updated...)
	a.Deleted = append(a.Deleted, b.Deleted...)
	return a
}

// Outages lists the nodes of the plan's design that keep no session while it is applied: every
// leaf of their pair gains their neighbor while another leaf loses it (the node moves to another
// pair, or both leaves of its pair are replaced at once). Syncer.Plan refuses such a plan unless
// the Syncer allows an outage.
func (p *Plan) Outages() []string {
	created := map[string]map[netip.Addr]bool{} // leaf -> node addresses it gains
	lost := map[netip.Addr][]string{}           // node address -> leaves that lose it
	for _, l := range p.leaves {
		for _, c := range l.plan.Changes {
			if c.Class != "bgpPeer" || (c.Action != change.Create && c.Action != change.Delete) {
				continue
			}
			a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(c.DN.Last(), "peer-["), "]"))
			if err != nil {
				continue
			}
			if c.Action == change.Create {
				if created[l.config.Leaf] == nil {
					created[l.config.Leaf] = map[netip.Addr]bool{}
				}
				created[l.config.Leaf][a] = true
			} else {
				lost[a] = append(lost[a], l.config.Leaf)
			}
		}
	}
	var out []string
	for _, n := range p.intent.Nodes {
		var from []string
		keeps := false
		for _, peer := range n.Peers {
			a := n.Addr.Get(peer.Family)
			from = append(from, lost[a]...)
			if !created[peer.Leaf][a] {
				keeps = true
			}
		}
		if keeps || len(from) == 0 || len(n.Peers) == 0 {
			continue
		}
		slices.Sort(from)
		var to []string
		for _, peer := range n.Peers {
			to = append(to, peer.Leaf)
		}
		slices.Sort(to)
		out = append(out, fmt.Sprintf("node %s moves from leaves %s to %s: it keeps no session while the change is applied",
			n.Name, strings.Join(slices.Compact(from), ", "), strings.Join(slices.Compact(to), ", ")))
	}
	return out
}
