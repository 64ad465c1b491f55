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
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return a.Prefix.Addr().Compare(b.Prefix.Addr()) // host bits, so only identical items tie
}

// overlapEntry is the sort key of one valid item of FindOverlaps: the first
// address as an integer (an IPv4 key packs address and length into lo),
// the length, and the item's index.
type overlapEntry struct {
	hi, lo uint64
	bits   int32
	idx    int32
}

type entry = overlapEntry

// Overlap is one pair of overlapping named prefixes. A sorts before B (by
// start address, then shorter prefix first, then name), so A is the prefix
// that contains B (or has the same prefix as B).
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
	// Sort small integer keys with an index rather than the items
	// themselves, one family at a time (IPv4 first): comparisons are cheap
	// and names are looked at only on ties.
	n4 := 0
	for _, it := range items {
		if it.Prefix.IsValid() && it.Prefix.Addr().Is4() {
			n4++
		}
	}
	sorted := make([]entry, n4, len(items)-countInvalid(items))
	v4, j4 := sorted[:n4], 0
	for i, it := range items {
		if !it.Prefix.IsValid() {
			continue
		}
		first, _ := prefixKeys(it.Prefix)
		if first.v6 {
			sorted = append(sorted, entry{first.hi, first.lo, int32(it.Prefix.Bits()), int32(i)})
		} else {
			v4[j4] = entry{0, first.lo<<6 | uint64(it.Prefix.Bits()), 0, int32(i)}
			j4++
		}
	}
	byKey := func(a, b entry) int {
		if a.hi != b.hi {
			return cmp.Compare(a.hi, b.hi)
		}
		if a.lo != b.lo {
			return cmp.Compare(a.lo, b.lo)
		}
		if a.bits != b.bits {
			return cmp.Compare(a.bits, b.bits)
		}
		return compareNamed(items[a.idx], items[b.idx])
	}
	sortIPv4(items, v4, byKey)
	slices.SortFunc(sorted[n4:], byKey)

	// Prefixes nest or are disjoint, so the open prefixes that contain the
	// current one form a chain: stack holds them outermost first, with the
	// last address of each.
	type open struct {
		pos  int // in sorted
		last key
	}
	var stack []open
	var pairs [][2]int // positions in sorted
	for j, e := range sorted {
		p := items[e.idx].Prefix
		first, last := prefixKeys(p)
		for len(stack) > 0 && stack[len(stack)-1].last.compare(first) < 0 {
			stack = stack[:len(stack)-1]
		}
		for _, o := range stack {
			pairs = append(pairs, [2]int{o.pos, j})
		}
		stack = append(stack, open{j, last})
	}
	if len(pairs) == 0 {
		return nil
	}

	// Order by A, then B. Identical items (same name and prefix) share a
	// rank, so their pairs interleave as their values say they should.
	rank := make([]int, len(sorted))
	for j := 1; j < len(sorted); j++ {
		rank[j] = rank[j-1]
		if items[sorted[j].idx] != items[sorted[j-1].idx] {
			rank[j] = j
		}
	}
	slices.SortFunc(pairs, func(x, y [2]int) int {
		if c := cmp.Compare(rank[x[0]], rank[y[0]]); c != 0 {
			return c
		}
		return cmp.Compare(rank[x[1]], rank[y[1]])
	})
	out := make([]Overlap, len(pairs))
	for n, ij := range pairs {
		out[n] = Overlap{A: items[sorted[ij[0]].idx], B: items[sorted[ij[1]].idx]}
	}
	return out
}

// sortIPv4 sorts IPv4 entries (address and length packed in lo) like byKey.
// When indexes fit, it packs each key with its index into one word and
// sorts words without a comparison function, then orders the rare runs of
// equal prefixes by name.
func sortIPv4(items []NamedPrefix, v4 []entry, byKey func(a, b entry) int) {
	if len(items) >= packedSortLimit {
		slices.SortFunc(v4, byKey)
		return
	}
	words := make([]uint64, len(v4))
	for i, e := range v4 {
		words[i] = e.lo<<idxBits | uint64(e.idx)
	}
	slices.Sort(words)
	const idxMask = 1<<idxBits - 1
	for i := 0; i < len(words); {
		j := i + 1
		for j < len(words) && words[j]>>idxBits == words[i]>>idxBits {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(words[i:j], func(a, b uint64) int {
				return compareNamed(items[a&idxMask], items[b&idxMask])
			})
		}
		i = j
	}
	for i, w := range words {
		v4[i] = entry{lo: w >> idxBits, idx: int32(w & idxMask)}
	}
}

// idxBits is the room for an item index in a packed IPv4 sort word:
// 32 address bits + 6 length bits + 26 index bits = 64.
const idxBits = 26

// packedSortLimit is the item count from which sortIPv4 falls back to a
// comparison sort; a variable so that tests can exercise the fallback.
var packedSortLimit = 1 << idxBits

func countInvalid(items []NamedPrefix) int {
	n := 0
	for _, it := range items {
		if !it.Prefix.IsValid() {
			n++
		}
	}
	return n
}
