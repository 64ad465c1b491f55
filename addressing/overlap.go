package addressing

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
)

// NamedPrefix is a prefix with the name of the place it comes from, such as
// a field path ("cluster.ipPools[0].cidr"), so that an overlap can say where
// both of its prefixes were written.
type NamedPrefix struct {
	Name   string
	Prefix netip.Prefix
}

// String returns the name and the prefix separated by a space.
func (n NamedPrefix) String() string { return n.Name + " " + n.Prefix.String() }

// compareNamed orders named prefixes by start address (IPv4 before IPv6),
// then shorter prefix first, then name.
func compareNamed(a, b NamedPrefix) int {
	if c := a.Prefix.Masked().Addr().Compare(b.Prefix.Masked().Addr()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

// Overlap is one pair of overlapping named prefixes. A sorts before B (by
// start address, then shorter prefix first, then name), so A is the prefix
// that contains B.
type Overlap struct {
	A, B NamedPrefix
}

// String describes the overlap, for example
// "cluster.ipPools[0].cidr 10.244.0.0/16 overlaps service 10.244.1.0/24".
func (o Overlap) String() string { return o.A.String() + " overlaps " + o.B.String() }

// FindOverlaps reports every pair of items whose prefixes share an address,
// each pair once, ordered by A and then by B. Two items with the same
// prefix overlap. Prefixes are compared without their host bits; invalid
// prefixes are ignored, and IPv4 prefixes never overlap IPv6 ones (an
// IPv4-mapped IPv6 prefix is IPv6). It sorts once and sweeps with a stack of
// enclosing prefixes, so it takes O(n log n + k) time for n items and k
// overlaps.
func FindOverlaps(items []NamedPrefix) []Overlap {
	sorted := make([]NamedPrefix, 0, len(items))
	for _, it := range items {
		if it.Prefix.IsValid() {
			sorted = append(sorted, it)
		}
	}
	slices.SortFunc(sorted, compareNamed)

	// Prefixes nest or are disjoint, so the open prefixes that contain the
	// current one form a chain: stack holds their indexes, outermost first.
	var stack []int
	var pairs [][2]int
	for j, it := range sorted {
		start := it.Prefix.Masked().Addr()
		for len(stack) > 0 && !sorted[stack[len(stack)-1]].Prefix.Masked().Contains(start) {
			stack = stack[:len(stack)-1]
		}
		for _, i := range stack {
			pairs = append(pairs, [2]int{i, j})
		}
		stack = append(stack, j)
	}
	if len(pairs) == 0 {
		return nil
	}
	slices.SortFunc(pairs, func(x, y [2]int) int {
		if c := cmp.Compare(x[0], y[0]); c != 0 {
			return c
		}
		return cmp.Compare(x[1], y[1])
	})
	out := make([]Overlap, len(pairs))
	for n, ij := range pairs {
		out[n] = Overlap{A: sorted[ij[0]], B: sorted[ij[1]]}
	}
	return out
}
