package nxcalico

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/bgp"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/internal/fanout"
	"github.com/nxcalico/nxcalico/nxos"
)

// SessionState is the state of one eBGP session of the design seen from both ends: the leaf's
// neighbor entry for the node (an nxos.NeighborState) and the node's peer entry for the leaf
// loopback (a calico.PeerStatus).
type SessionState struct {
	Node     string
	Leaf     string
	Family   addressing.Family
	NodeAddr netip.Addr // the node's address, the leaf's neighbor
	LeafAddr netip.Addr // the leaf's peering loopback, the node's peer
	// LeafState is the leaf's bgpPeerEntry operSt ("established", "idle", …); empty when the leaf
	// has no such neighbor.
	LeafState string
	// NodeState is the state calico-node reports ("Established", "Active", …); empty when it has
	// not reported this peer.
	NodeState string
	// Since is when the node's session last changed state, as calico-node reports it.
	Since string
	// LeafFlap is when the leaf saw the session last change state (lastFlapTs, the switch's
	// clock); zero when it did not say.
	LeafFlap time.Time
	// Reported is when calico-node wrote the node's state; zero when it has not.
	Reported time.Time
}

// Established reports whether both ends see the session established (bgp.IsEstablished).
func (s SessionState) Established() bool {
	return bgp.IsEstablished(s.LeafState) && bgp.IsEstablished(s.NodeState)
}

// Verification is the state of every session the design expects, ordered by node, family and leaf.
type Verification struct {
	Sessions []SessionState
}

// Established reports whether every expected session is up on both ends.
func (v *Verification) Established() bool {
	for _, s := range v.Sessions {
		if !s.Established() {
			return false
		}
	}
	return len(v.Sessions) > 0
}

// Down returns the sessions that are not up on both ends.
func (v *Verification) Down() []SessionState {
	var down []SessionState
	for _, s := range v.Sessions {
		if !s.Established() {
			down = append(down, s)
		}
	}
	return down
}

// String returns the sessions as an aligned table, one row per node, family and leaf.
func (v *Verification) String() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NODE\tFAMILY\tLEAF\tNODE ADDRESS\tLEAF LOOPBACK\tLEAF SIDE\tCALICO SIDE\tUP")
	for _, s := range v.Sessions {
		up := "no"
		if s.Established() {
			up = "yes"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Node, s.Family, s.Leaf, s.NodeAddr, s.LeafAddr,
			orDash(s.LeafState), orDash(s.NodeState), up)
	}
	_ = w.Flush()
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Verify reads the session state of every leaf (one query per switch, in parallel) and of every
// node (Calico's CalicoNodeStatus) and joins them into one table. It changes no configuration of
// the leaves or of Calico's BGP; it does keep one CalicoNodeStatus per node of the design (the
// object calico-node reports into), labelled as nxcalico's, and Apply deletes those of nodes that
// left the design (see calico.Client.Status and PruneStatus).
func (s *Syncer) Verify(ctx context.Context, in *design.Intent) (*Verification, error) {
	if err := s.check(in); err != nil {
		return nil, err
	}
	leafStates := make([]map[netip.Addr]nxos.NeighborState, len(in.Leaves))
	errs := fanout.Each(ctx, len(in.Leaves), concurrency(s.Concurrency), func(ctx context.Context, i int) error {
		neighbors, err := s.Switches[in.Leaves[i].Name].Neighbors(ctx, in.Fabric.VRF)
		if err != nil {
			return err
		}
		m := make(map[netip.Addr]nxos.NeighborState, len(neighbors))
		for _, n := range neighbors {
			m[n.Addr] = n
		}
		leafStates[i] = m
		return nil
	})
	for i, err := range errs {
		if err != nil {
			errs[i] = fmt.Errorf("leaf %s: %w", in.Leaves[i].Name, err)
		}
	}
	leafSessions := make(map[string]map[netip.Addr]nxos.NeighborState, len(in.Leaves))
	for i, l := range in.Leaves {
		leafSessions[l.Name] = leafStates[i]
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("nxcalico: reading leaf sessions: %w", err)
	}

	names := make([]string, len(in.Nodes))
	for i, n := range in.Nodes {
		names[i] = n.Name
	}
	statuses, err := s.Calico.Status(ctx, in.Cluster.Name, names)
	if err != nil {
		return nil, fmt.Errorf("nxcalico: reading Calico node status: %w", err)
	}
	nodePeers := make(map[string]map[netip.Addr]calico.PeerStatus, len(statuses))
	reported := make(map[string]time.Time, len(statuses))
	for _, st := range statuses {
		reported[st.Node] = st.Updated
		m := make(map[netip.Addr]calico.PeerStatus, len(st.Peers))
		for _, p := range st.Peers {
			m[p.PeerIP] = p
		}
		nodePeers[st.Node] = m
	}

	v := &Verification{}
	for _, n := range in.Nodes {
		for _, p := range n.Peers {
			row := SessionState{Node: n.Name, Leaf: p.Leaf, Family: p.Family, NodeAddr: n.Addr.Get(p.Family), LeafAddr: p.Addr, Reported: reported[n.Name]}
			if ns, ok := leafSessions[p.Leaf][row.NodeAddr]; ok {
				row.LeafState, row.LeafFlap = ns.State, ns.LastFlap
			}
			if ps, ok := nodePeers[n.Name][p.Addr]; ok {
				row.NodeState, row.Since = ps.State, ps.Since
			}
			v.Sessions = append(v.Sessions, row)
		}
	}
	return v, nil
}

// WaitEstablished verifies every poll interval until every session is up on both ends, and
// returns that verification. It keeps the contract of nxos.Client.WaitEstablished: a zero poll
// means bgp.DefaultPoll and a negative one is an error at once, as is a Syncer that does not fit
// the intent; a verification that fails is tried again at the next interval. When ctx ends first
// it returns the last verification that succeeded (nil when none did) with a
// *NotEstablishedError naming the sessions still down, which unwraps to ctx.Err() and to the
// last read error (of the latest attempt that failed, unless one succeeded after it).
func (s *Syncer) WaitEstablished(ctx context.Context, in *design.Intent, poll time.Duration) (*Verification, error) {
	if err := s.check(in); err != nil {
		return nil, err
	}
	poll, err := bgp.PollInterval(poll)
	if err != nil {
		return nil, fmt.Errorf("nxcalico: WaitEstablished: %w", err)
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	var (
		last    *Verification
		readErr error // of the latest attempt that failed on its own, unless one succeeded since
	)
	for {
		v, err := s.Verify(ctx, in)
		switch {
		case err == nil:
			if v.Established() {
				return v, nil
			}
			last, readErr = v, nil
		case !bgp.CutShort(ctx, err):
			readErr = err
		}
		select {
		case <-ctx.Done():
			ne := &NotEstablishedError{Last: last, Err: ctx.Err(), ReadErr: readErr}
			if last != nil {
				ne.Pending = last.Down()
			}
			return last, ne
		case <-t.C:
		}
	}
}

// NotEstablishedError is the error of a WaitEstablished that gave up, shaped like
// nxos.NotEstablishedError: it names the sessions not up on both ends at the last verification
// and unwraps to why waiting stopped (the context's error) and to the last read error.
type NotEstablishedError struct {
	// Last is the last verification that succeeded; nil when none did.
	Last *Verification
	// Pending are the sessions of Last not established on both ends.
	Pending []SessionState
	// Err is why waiting stopped: the context's error.
	Err error
	// ReadErr is why the latest verification that failed on its own (not merely cut short by the
	// context) failed; nil when none did or one succeeded after it.
	ReadErr error
}

// Error says how many of the expected sessions are down and names up to five of them.
func (e *NotEstablishedError) Error() string {
	msg := "no verification succeeded"
	if e.Last != nil {
		names := make([]string, 0, min(len(e.Pending), 5))
		for _, d := range e.Pending[:min(len(e.Pending), 5)] {
			names = append(names, fmt.Sprintf("%s–%s %s", d.Node, d.Leaf, d.Family))
		}
		more := ""
		if len(e.Pending) > 5 {
			more = fmt.Sprintf(" and %d more", len(e.Pending)-5)
		}
		msg = fmt.Sprintf("%d of %d sessions not established (%s%s)", len(e.Pending), len(e.Last.Sessions), strings.Join(names, ", "), more)
		if len(e.Last.Sessions) == 0 {
			msg = "the design expects no sessions"
		}
	}
	if e.ReadErr != nil {
		return fmt.Sprintf("nxcalico: %s: %v (last attempt: %v)", msg, e.Err, e.ReadErr)
	}
	return fmt.Sprintf("nxcalico: %s: %v", msg, e.Err)
}

// Unwrap returns the context's error and the last read error, if any.
func (e *NotEstablishedError) Unwrap() []error {
	if e.ReadErr == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.ReadErr}
}

func concurrency(n int) int {
	if n <= 0 {
		return nxos.DefaultConcurrency
	}
	return n
}
