package addressing

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
)

func TestFindOverlaps(t *testing.T) {
	np := func(name, p string) NamedPrefix { return NamedPrefix{name, netip.MustParsePrefix(p)} }
	tests := []struct {
		name  string
		items []NamedPrefix
		want  []string
	}{
		{"empty", nil, nil},
		{"disjoint", []NamedPrefix{np("a", "10.0.0.0/24"), np("b", "10.0.1.0/24"), np("c", "2001:db8::/64")}, nil},
		{"adjacent is not overlapping", []NamedPrefix{np("a", "10.0.0.0/25"), np("b", "10.0.0.128/25")}, nil},
		{
			"nested chain",
			[]NamedPrefix{np("host", "10.1.2.3/32"), np("wide", "10.0.0.0/8"), np("mid", "10.1.0.0/16"), np("other", "10.2.0.0/16")},
			[]string{
				"wide 10.0.0.0/8 overlaps mid 10.1.0.0/16",
				"wide 10.0.0.0/8 overlaps host 10.1.2.3/32",
				"wide 10.0.0.0/8 overlaps other 10.2.0.0/16",
				"mid 10.1.0.0/16 overlaps host 10.1.2.3/32",
			},
		},
		{
			"identical prefixes under two names, ordered by name",
			[]NamedPrefix{np("service", "10.96.0.0/12"), np("pod", "10.96.0.0/12")},
			[]string{"pod 10.96.0.0/12 overlaps service 10.96.0.0/12"},
		},
		{
			"families never overlap",
			[]NamedPrefix{np("v4", "0.0.0.0/0"), np("v6", "::/0"), np("mapped", "::ffff:10.0.0.0/104"), np("ten", "10.0.0.0/8")},
			[]string{"v4 0.0.0.0/0 overlaps ten 10.0.0.0/8", "v6 ::/0 overlaps mapped ::ffff:10.0.0.0/104"},
		},
		{
			"host bits ignored, original kept, invalid skipped",
			[]NamedPrefix{{"svi", netip.MustParsePrefix("192.168.1.1/24")}, np("lo", "192.168.1.7/32"), {"unset", netip.Prefix{}}},
			[]string{"svi 192.168.1.1/24 overlaps lo 192.168.1.7/32"},
		},
		{
			"stack pops past closed prefixes",
			[]NamedPrefix{np("a", "10.0.0.0/16"), np("b", "10.0.0.0/24"), np("c", "10.0.1.0/24"), np("d", "10.1.0.0/24")},
			[]string{"a 10.0.0.0/16 overlaps b 10.0.0.0/24", "a 10.0.0.0/16 overlaps c 10.0.1.0/24"},
		},
	}
	for _, tt := range tests {
		var got []string
		for _, o := range FindOverlaps(tt.items) {
			got = append(got, o.String())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// overlapsPairwise is the O(n²) oracle for FindOverlaps.
func overlapsPairwise(items []NamedPrefix) []Overlap {
	var out []Overlap
	for i, a := range items {
		for _, b := range items[i+1:] {
			if !a.Prefix.IsValid() || !b.Prefix.IsValid() || !a.Prefix.Overlaps(b.Prefix) {
				continue
			}
			if compareNamed(b, a) < 0 {
				a, b := b, a
				out = append(out, Overlap{a, b})
			} else {
				out = append(out, Overlap{a, b})
			}
		}
	}
	slices.SortFunc(out, func(x, y Overlap) int {
		if c := compareNamed(x.A, y.A); c != 0 {
			return c
		}
		return compareNamed(x.B, y.B)
	})
	return out
}

func TestFindOverlapsMatchesPairwise(t *testing.T) {
	t.Run("packed", func(t *testing.T) { testFindOverlapsMatchesPairwise(t) })
	t.Run("comparison sort", func(t *testing.T) {
		defer func(old int) { packedSortLimit = old }(packedSortLimit)
		packedSortLimit = 0
		testFindOverlapsMatchesPairwise(t)
	})
}

func testFindOverlapsMatchesPairwise(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		items := randomNamedPrefixes(r, 1+r.IntN(40))
		got, want := FindOverlaps(items), overlapsPairwise(items)
		if !slices.Equal(got, want) {
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			t.Fatalf("round %d: items %v\n%d overlaps, want %d; first difference at %d", round, items, len(got), len(want), i)
		}
	}
}

// randomNamedPrefixes draws prefixes from a small space so that overlaps,
// duplicates and both families are common.
func randomNamedPrefixes(r *rand.Rand, n int) []NamedPrefix {
	items := make([]NamedPrefix, n)
	for i := range items {
		var p netip.Prefix
		if r.IntN(4) == 0 {
			a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(r.IntN(256))})
			p = netip.PrefixFrom(a, 120+r.IntN(9)).Masked()
		} else {
			a := netip.AddrFrom4([4]byte{10, 0, byte(r.IntN(4)), byte(r.IntN(256))})
			p = netip.PrefixFrom(a, 20+r.IntN(13)).Masked()
		}
		items[i] = NamedPrefix{Name: fmt.Sprintf("n%d", r.IntN(n)), Prefix: p}
	}
	return items
}
