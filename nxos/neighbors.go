package nxos

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/nxcalico/nxcalico/bgp"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// NeighborState is a leaf's state of one configured BGP neighbor: its bgpPeerEntry, one end of a
// session. (The design's session seen from both ends is nxcalico.SessionState.)
type NeighborState struct {
	VRF  string
	Addr netip.Addr
	// State is operSt verbatim: idle, connect, active, opensent, openconfirm,
	// established, or whatever else the switch reports.
	State string
	// LastFlap is lastFlapTs, zero when the switch gave none (or an unreadable one).
	LastFlap time.Time
	// Families are the per-address-family entries (bgpPeerAfEntry), by type.
	Families []FamilyState
}

// Established reports whether the neighbor's session is up (bgp.IsEstablished).
func (s NeighborState) Established() bool { return bgp.IsEstablished(s.State) }

// FamilyState is one address family of a neighbor's session (bgpPeerAfEntry).
type FamilyState struct {
	Type          string // ipv4-ucast, ipv6-ucast, l2vpn-evpn, …
	AcceptedPaths string // verbatim, "" when not reported
	PfxSent       string
}

// lastFlapLayouts are the timestamp forms NX-OS writes.
var lastFlapLayouts = []string{"2006-01-02T15:04:05.999-07:00", time.RFC3339Nano}

// vrfDN returns the DN of the BGP domain of vrf.
func vrfDN(vrf string) (string, error) {
	c, ok := dme.Lookup("bgpDom")
	if !ok {
		return "", errors.New("nxos: schema has no bgpDom")
	}
	if vrf == "" {
		return "", errors.New("nxos: empty VRF name")
	}
	rn, err := c.FormatRN(map[string]string{"name": vrf})
	if err != nil {
		return "", err
	}
	dn := "sys/bgp/inst/" + rn
	if _, err := dme.ParseDN(dn); err != nil {
		return "", fmt.Errorf("nxos: VRF %q: %w", vrf, err)
	}
	return dn, nil
}

// Neighbors returns the state of every configured neighbor in vrf, in one GET,
// sorted by address (IPv4 first).
func (c *Client) Neighbors(ctx context.Context, vrf string) ([]NeighborState, error) {
	dn, err := vrfDN(vrf)
	if err != nil {
		return nil, err
	}
	objs, err := c.Get(ctx, dn, url.Values{
		"query-target":         {"subtree"},
		"target-subtree-class": {"bgpPeerEntry,bgpPeerAfEntry"},
	})
	if err != nil {
		return nil, err
	}
	t, err := flattenAnswer(objs)
	if err != nil {
		return nil, err
	}
	byEntry := map[string]*NeighborState{}
	var order []string
	for _, k := range t.order {
		f := t.objs[k]
		if f.class != "bgpPeerEntry" {
			continue
		}
		s := &NeighborState{VRF: vrf, State: f.attrs["operSt"]}
		addr := f.attrs["addr"]
		if addr == "" {
			if m, ok := mustClass("bgpPeerEntry").ParseRN(f.dn.Last()); ok {
				addr = m["addr"]
			}
		}
		a, err := netip.ParseAddr(addr)
		if err != nil {
			return nil, fmt.Errorf("nxos: %s: neighbor address %q: %w", f.dn, addr, err)
		}
		s.Addr = a
		for _, l := range lastFlapLayouts {
			if ts, err := time.Parse(l, f.attrs["lastFlapTs"]); err == nil {
				s.LastFlap = ts
				break
			}
		}
		byEntry[k] = s
		order = append(order, k)
	}
	for _, k := range t.order {
		f := t.objs[k]
		if f.class != "bgpPeerAfEntry" {
			continue
		}
		s := byEntry[f.dn.Parent().Key()]
		if s == nil {
			continue
		}
		typ := f.attrs["type"]
		if typ == "" {
			if m, ok := mustClass("bgpPeerAfEntry").ParseRN(f.dn.Last()); ok {
				typ = m["type"]
			}
		}
		s.Families = append(s.Families, FamilyState{Type: typ, AcceptedPaths: f.attrs["acceptedPaths"], PfxSent: f.attrs["pfxSent"]})
	}
	out := make([]NeighborState, 0, len(order))
	for _, k := range order {
		s := byEntry[k]
		sort.Slice(s.Families, func(i, j int) bool { return s.Families[i].Type < s.Families[j].Type })
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Addr.Less(out[j].Addr) })
	return out, nil
}

func mustClass(name string) *dme.Class {
	c, ok := dme.Lookup(name)
	if !ok {
		panic("nxos: schema lacks class " + name)
	}
	return c
}

// NotEstablishedError is the error of a WaitEstablished that gave up: it names the neighbors
// whose session was not up at the last read and unwraps to why waiting stopped (the context's
// error) and to the last read error. nxcalico.NotEstablishedError is
// the same for the design's sessions seen from both ends.
type NotEstablishedError struct {
	VRF string
	// Pending are the neighbors not established at the last read that succeeded (all the
	// awaited ones when none did); State "" when the neighbor has no session entry at all.
	Pending []NeighborState
	// Err is why waiting stopped: the context's error.
	Err error
	// ReadErr is why the latest read that failed on its own (not merely cut short by the
	// context) failed; nil when none did or one succeeded after it.
	ReadErr error
}

// Error implements error.
func (e *NotEstablishedError) Error() string {
	parts := make([]string, len(e.Pending))
	for i, s := range e.Pending {
		st := s.State
		if st == "" {
			st = "no session"
		}
		parts[i] = s.Addr.String() + " " + st
	}
	msg := fmt.Sprintf("nxos: vrf %q: %d session(s) not established (%s): %v", e.VRF, len(e.Pending), strings.Join(parts, ", "), e.Err)
	if e.ReadErr != nil {
		msg += fmt.Sprintf(" (last attempt: %v)", e.ReadErr)
	}
	return msg
}

// Unwrap returns the context's error and the last read error, if any.
func (e *NotEstablishedError) Unwrap() []error {
	if e.ReadErr == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.ReadErr}
}

// WaitEstablished reads the neighbors of vrf every poll interval until every
// address in addrs has an established session (bgp.IsEstablished), and returns
// their states in the order of addrs. A zero poll means bgp.DefaultPoll; a
// negative one, or an invalid VRF name, is an error at once. A read that fails
// is tried again at the next interval. When ctx ends first it returns the states
// of the last read that succeeded (nil when none did) with a
// *NotEstablishedError naming the sessions still down, which unwraps to
// ctx.Err() and to the last read error (of the latest read that failed, unless
// one succeeded after it). nxcalico.Syncer.WaitEstablished
// keeps the same contract for the design's sessions.
func (c *Client) WaitEstablished(ctx context.Context, vrf string, addrs []netip.Addr, poll time.Duration) ([]NeighborState, error) {
	poll, err := bgp.PollInterval(poll)
	if err != nil {
		return nil, fmt.Errorf("nxos: WaitEstablished: %w", err)
	}
	if _, err := vrfDN(vrf); err != nil {
		return nil, fmt.Errorf("nxos: WaitEstablished: %w", err)
	}
	var (
		last, pending []NeighborState
		readErr       error // of the latest read that failed on its own, unless one succeeded since
	)
	for {
		ns, err := c.Neighbors(ctx, vrf)
		switch {
		case err == nil:
			last, pending = awaited(vrf, ns, addrs)
			if len(pending) == 0 {
				return last, nil
			}
			readErr = nil
		case !bgp.CutShort(ctx, err):
			readErr = err
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			if last == nil {
				_, pending = awaited(vrf, nil, addrs)
			}
			return last, &NotEstablishedError{VRF: vrf, Pending: pending, Err: ctx.Err(), ReadErr: readErr}
		case <-t.C:
		}
	}
}

// awaited returns the state of each address of addrs among ns (an empty state for one that is
// missing) and those of them that are not established.
func awaited(vrf string, ns []NeighborState, addrs []netip.Addr) (states, pending []NeighborState) {
	byAddr := make(map[netip.Addr]NeighborState, len(ns))
	for _, s := range ns {
		byAddr[s.Addr] = s
	}
	states = make([]NeighborState, 0, len(addrs))
	for _, a := range addrs {
		s, ok := byAddr[a.Unmap()]
		if !ok {
			s = NeighborState{VRF: vrf, Addr: a}
		}
		if !s.Established() {
			pending = append(pending, s)
		}
		states = append(states, s)
	}
	return states, pending
}
