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

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Established is the operSt of a BGP session that is up.
const Established = "established"

// Session is the state of one configured BGP neighbor (bgpPeerEntry).
type Session struct {
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

// Up reports whether the session is established.
func (s Session) Up() bool { return s.State == Established }

// FamilyState is one address family of a session.
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

// Sessions returns the state of every configured neighbor in vrf, in one GET,
// sorted by address (IPv4 first).
func (c *Client) Sessions(ctx context.Context, vrf string) ([]Session, error) {
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
	byEntry := map[string]*Session{}
	var order []string
	for _, k := range t.order {
		f := t.objs[k]
		if f.class != "bgpPeerEntry" {
			continue
		}
		s := &Session{VRF: vrf, State: f.attrs["operSt"]}
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
	out := make([]Session, 0, len(order))
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

// NotEstablishedError says which sessions were not up when WaitEstablished gave up.
type NotEstablishedError struct {
	VRF     string
	Pending []Session // not established; State "" when the neighbor has no session entry at all
	Err     error     // why waiting stopped (the context's error)
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
	return fmt.Sprintf("nxos: vrf %q: %d session(s) not established (%s): %v", e.VRF, len(e.Pending), strings.Join(parts, ", "), e.Err)
}

// Unwrap returns the context's error.
func (e *NotEstablishedError) Unwrap() error { return e.Err }

// WaitEstablished polls Sessions every poll until every address in addrs has an
// established session in vrf, and returns their states. When ctx ends first it
// returns a *NotEstablishedError naming the sessions still down (it unwraps to
// ctx.Err()). A failed read is returned at once.
func (c *Client) WaitEstablished(ctx context.Context, vrf string, addrs []netip.Addr, poll time.Duration) ([]Session, error) {
	if poll <= 0 {
		return nil, fmt.Errorf("nxos: WaitEstablished: poll interval %v must be positive", poll)
	}
	var pending []Session
	for {
		ss, err := c.Sessions(ctx, vrf)
		if err != nil {
			if ctx.Err() != nil {
				return nil, &NotEstablishedError{VRF: vrf, Pending: pendingOr(pending, addrs), Err: ctx.Err()}
			}
			return nil, err
		}
		byAddr := make(map[netip.Addr]Session, len(ss))
		for _, s := range ss {
			byAddr[s.Addr] = s
		}
		pending = pending[:0]
		got := make([]Session, 0, len(addrs))
		for _, a := range addrs {
			s, ok := byAddr[a.Unmap()]
			if !ok {
				s = Session{VRF: vrf, Addr: a}
			}
			if !s.Up() {
				pending = append(pending, s)
			}
			got = append(got, s)
		}
		if len(pending) == 0 {
			return got, nil
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, &NotEstablishedError{VRF: vrf, Pending: pending, Err: ctx.Err()}
		case <-t.C:
		}
	}
}

func pendingOr(pending []Session, addrs []netip.Addr) []Session {
	if len(pending) > 0 {
		return pending
	}
	out := make([]Session, len(addrs))
	for i, a := range addrs {
		out[i] = Session{Addr: a}
	}
	return out
}
