package addressing

import (
	"net/netip"
	"slices"

	"go4.org/netipx"
)

// Summarize returns the shortest list of prefixes that covers exactly the
// addresses covered by the input, sorted by address with IPv4 first. It
// merges overlapping and adjacent prefixes and aggregates them where
// alignment allows, and never covers an address the input did not.
//
// Host routes mix freely with subnets: 192.168.100.0/32 and
// 192.168.100.1/32 summarise to 192.168.100.0/31, while 192.168.100.1/32
// and 192.168.100.2/32 stay two host routes, as no aligned /31 holds both.
// Host bits are ignored and invalid prefixes are skipped; an IPv4-mapped
// IPv6 prefix is IPv6 and never merges with IPv4.
func Summarize(prefixes []netip.Prefix) []netip.Prefix {
	// Each family is sorted as integers: IPv4 spans packed into one uint64
	// (first<<32 | last) sort without a comparison function.
	n4 := 0
	for _, p := range prefixes {
		if p.Addr().Is4() {
			n4++
		}
	}
	v4 := make([]uint64, 0, n4)
	v6 := make([]span6, 0, len(prefixes)-n4)
	for _, p := range prefixes {
		if !p.IsValid() {
			continue
		}
		first, last := prefixKeys(p)
		if !first.v6 {
			v4 = append(v4, first.lo<<32|last.lo)
		} else {
			v6 = append(v6, span6{first, last})
		}
	}
	if len(v4)+len(v6) == 0 {
		return nil
	}
	slices.Sort(v4)
	slices.SortFunc(v6, func(a, b span6) int { return a.from.compare(b.from) })

	var out []netip.Prefix
	if len(v4) > 0 {
		from, to := v4[0]>>32, v4[0]&(1<<32-1)
		for _, s := range v4[1:] {
			f, t := s>>32, s&(1<<32-1)
			if f <= to+1 { // overlapping or adjacent; no overflow in uint64
				to = max(to, t)
				continue
			}
			out = appendRange(out, key{lo: from}, key{lo: to})
			from, to = f, t
		}
		out = appendRange(out, key{lo: from}, key{lo: to})
	}
	if len(v6) > 0 {
		cur := v6[0]
		for _, s := range v6[1:] {
			if s.from.compare(cur.to) <= 0 || (!cur.to.isLast() && s.from == cur.to.next()) {
				if s.to.compare(cur.to) > 0 {
					cur.to = s.to
				}
				continue
			}
			out = appendRange(out, cur.from, cur.to)
			cur = s
		}
		out = appendRange(out, cur.from, cur.to)
	}
	return out
}

// span6 is a range of IPv6 addresses.
type span6 struct{ from, to key }

// appendRange appends the fewest prefixes that cover exactly from..to.
func appendRange(dst []netip.Prefix, from, to key) []netip.Prefix {
	return netipx.IPRangeFrom(from.addr(), to.addr()).AppendPrefixes(dst)
}
