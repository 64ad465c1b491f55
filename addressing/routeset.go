package addressing

import (
	"net/netip"

	"go4.org/netipx"
)

// RouteSet is the set of addresses covered by a list of routes. It answers
// whether an address (or prefix) is reachable through any of them. A nil or
// zero RouteSet covers nothing. A RouteSet is immutable and safe for
// concurrent use.
type RouteSet struct {
	set *netipx.IPSet
}

// NewRouteSet returns the set of addresses covered by prefixes. Host bits
// are ignored (192.168.1.1/24 covers 192.168.1.0/24) and invalid prefixes
// are skipped.
func NewRouteSet(prefixes ...netip.Prefix) *RouteSet {
	var b netipx.IPSetBuilder
	for _, p := range prefixes {
		if p.IsValid() {
			b.AddPrefix(p.Masked())
		}
	}
	s, _ := b.IPSet() // AddPrefix of valid prefixes records no errors
	return &RouteSet{set: s}
}

// Covers reports whether a lies in one of the routes. The zone of a is
// ignored; an IPv4-mapped IPv6 address is IPv6 and is not covered by IPv4
// routes.
func (s *RouteSet) Covers(a netip.Addr) bool {
	if s == nil || s.set == nil || !a.IsValid() {
		return false
	}
	return s.set.Contains(a.WithZone(""))
}

// CoversPrefix reports whether every address of p lies in the routes
// (together, not necessarily in one of them).
func (s *RouteSet) CoversPrefix(p netip.Prefix) bool {
	if s == nil || s.set == nil || !p.IsValid() {
		return false
	}
	return s.set.ContainsPrefix(p.Masked())
}

// Overlaps reports whether any address of p lies in the routes.
func (s *RouteSet) Overlaps(p netip.Prefix) bool {
	if s == nil || s.set == nil || !p.IsValid() {
		return false
	}
	return s.set.OverlapsPrefix(p.Masked())
}

// Uncovered returns the addresses of addrs that no route covers, in input
// order, each once. Invalid (zero) addresses are skipped: whether an address
// is set is for the caller to check.
func (s *RouteSet) Uncovered(addrs []netip.Addr) []netip.Addr {
	var out []netip.Addr
	var seen map[netip.Addr]bool
	for _, a := range addrs {
		if !a.IsValid() || s.Covers(a) {
			continue
		}
		if seen == nil {
			seen = make(map[netip.Addr]bool)
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// Prefixes returns the set as the shortest sorted list of prefixes, IPv4
// first (see [Summarize]).
func (s *RouteSet) Prefixes() []netip.Prefix {
	if s == nil || s.set == nil {
		return nil
	}
	return s.set.Prefixes()
}
