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
	ranges := make([]netipx.IPRange, 0, len(prefixes))
	for _, p := range prefixes {
		if p.IsValid() {
			ranges = append(ranges, netipx.RangeOfPrefix(p.Masked()))
		}
	}
	if len(ranges) == 0 {
		return nil
	}
	slices.SortFunc(ranges, func(a, b netipx.IPRange) int {
		return a.From().Compare(b.From())
	})
	merged := ranges[:1]
	for _, r := range ranges[1:] {
		cur := &merged[len(merged)-1]
		// Merge when r starts inside cur or right after it, in one family.
		// At the family's last address Next is the zero Addr: no merge.
		if r.From().BitLen() == cur.To().BitLen() &&
			(r.From().Compare(cur.To()) <= 0 || r.From() == cur.To().Next()) {
			if r.To().Compare(cur.To()) > 0 {
				*cur = netipx.IPRangeFrom(cur.From(), r.To())
			}
			continue
		}
		merged = append(merged, r)
	}
	out := make([]netip.Prefix, 0, len(merged))
	for _, r := range merged {
		out = r.AppendPrefixes(out)
	}
	return out
}
