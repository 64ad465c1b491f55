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
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/internal/fanout"
	"github.com/nxcalico/nxcalico/nxos"
)

// Session is one eBGP session of the design seen from both ends: the leaf's neighbor entry for
// the node and the node's peer entry for the leaf loopback.
type Session struct {
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
}

// Up reports whether both ends see the session established.
func (s Session) Up() bool {
	return strings.EqualFold(s.LeafState, "established") && strings.EqualFold(s.NodeState, "Established")
}

// Verification is the state of every session the design expects, ordered by node, family and leaf.
type Verification struct {
	Sessions []Session
}

// Established reports whether every expected session is up on both ends.
func (v *Verification) Established() bool {
	for _, s := range v.Sessions {
		if !s.Up() {
			return false
		}
	}
	return len(v.Sessions) > 0
}

// Down returns the sessions that are not up on both ends.
func (v *Verification) Down() []Session {
	var down []Session
	for _, s := range v.Sessions {
		if !s.Up() {
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
		if s.Up() {
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
	leafStates := make([]map[netip.Addr]string, len(in.Leaves))
	errs := fanout.Each(ctx, len(in.Leaves), concurrency(s.Concurrency), func(ctx context.Context, i int) error {
		neighbors, err := s.Switches[in.Leaves[i].Name].Sessions(ctx, in.Fabric.VRF)
		if err != nil {
			return err
		}
		m := make(map[netip.Addr]string, len(neighbors))
		for _, n := range neighbors {
			m[n.Addr] = n.State
		}
		leafStates[i] = m
		return nil
	})
	for i, err := range errs {
		if err != nil {
			errs[i] = fmt.Errorf("leaf %s: %w", in.Leaves[i].Name, err)
		}
	}
	leafSessions := make(map[string]map[netip.Addr]string, len(in.Leaves))
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
	for _, st := range statuses {
		m := make(map[netip.Addr]calico.PeerStatus, len(st.Peers))
		for _, p := range st.Peers {
			m[p.PeerIP] = p
		}
		nodePeers[st.Node] = m
	}

	v := &Verification{}
	for _, n := range in.Nodes {
		for _, p := range n.Peers {
			row := Session{Node: n.Name, Leaf: p.Leaf, Family: p.Family, NodeAddr: n.Addr.Get(p.Family), LeafAddr: p.Addr}
			row.LeafState = leafSessions[p.Leaf][row.NodeAddr]
			if ps, ok := nodePeers[n.Name][p.Addr]; ok {
				row.NodeState, row.Since = ps.State, ps.Since
			}
			v.Sessions = append(v.Sessions, row)
		}
	}
	return v, nil
}

// WaitEstablished verifies every poll interval until every session is up on both ends, and
// returns that verification. When ctx ends first it returns the last verification it could make
// with an error naming the sessions still down (and the last read error, if the final attempt
// failed). A Syncer that does not fit the intent fails at once.
func (s *Syncer) WaitEstablished(ctx context.Context, in *design.Intent, poll time.Duration) (*Verification, error) {
	if err := s.check(in); err != nil {
		return nil, err
	}
	if poll <= 0 {
		poll = time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	var last *Verification
	for {
		v, err := s.Verify(ctx, in)
		if err == nil {
			if v.Established() {
				return v, nil
			}
			last = v
		}
		select {
		case <-ctx.Done():
			return last, notEstablished(ctx, last, err)
		case <-t.C:
		}
	}
}

// notEstablished says which sessions of the last verification are down, and why reading failed.
func notEstablished(ctx context.Context, last *Verification, readErr error) error {
	if readErr != nil && ctx.Err() != nil && errors.Is(readErr, ctx.Err()) {
		readErr = nil // the read was cut short by the same end of ctx
	}
	msg := "no verification succeeded"
	if last != nil {
		down := last.Down()
		names := make([]string, 0, min(len(down), 5))
		for _, d := range down[:min(len(down), 5)] {
			names = append(names, fmt.Sprintf("%s–%s %s", d.Node, d.Leaf, d.Family))
		}
		more := ""
		if len(down) > 5 {
			more = fmt.Sprintf(" and %d more", len(down)-5)
		}
		msg = fmt.Sprintf("%d of %d sessions not established (%s%s)", len(down), len(last.Sessions), strings.Join(names, ", "), more)
		if len(last.Sessions) == 0 {
			msg = "the design expects no sessions"
		}
	}
	if readErr != nil {
		return fmt.Errorf("nxcalico: %s: %w (last attempt: %w)", msg, ctx.Err(), readErr)
	}
	return fmt.Errorf("nxcalico: %s: %w", msg, ctx.Err())
}

func concurrency(n int) int {
	if n <= 0 {
		return nxos.DefaultConcurrency
	}
	return n
}
