package addressing

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// planPrefixes returns n prefixes shaped like a large IP plan, shuffled:
// 60% IPv4 subnets (/24 to /29) carved from 10.0.0.0/8 with gaps, 20% /32
// loopbacks, 19.9% IPv6 /64s, and 0.1% aggregates (/16, /48) and duplicates
// that overlap the rest.
func planPrefixes(n int) []NamedPrefix {
	r := rand.New(rand.NewPCG(42, 7))
	out := make([]NamedPrefix, 0, n)
	next4 := netip.MustParseAddr("10.0.0.0")
	for i := 0; len(out) < n*60/100; i++ {
		bits := 24 + r.IntN(6)
		p := netip.PrefixFrom(next4, bits).Masked()
		if p.Addr() != next4 { // align up
			p = netip.PrefixFrom(LastAddr(p).Next(), bits)
		}
		next4 = LastAddr(p).Next()
		if r.IntN(4) == 0 {
			continue // leave a gap
		}
		out = append(out, NamedPrefix{fmt.Sprintf("vrf%d.subnets[%d]", i%50, i), p})
	}
	for i := 0; len(out) < n*80/100; i++ {
		a := netip.AddrFrom4([4]byte{192, 168, byte(i >> 8), byte(i)})
		if i >= 1<<16 {
			a = netip.AddrFrom4([4]byte{172, 16 + byte(i>>16), byte(i >> 8), byte(i)})
		}
		out = append(out, NamedPrefix{fmt.Sprintf("switch%d.loopback0", i), HostRoute(a)})
	}
	for i := 0; len(out) < n*999/1000; i++ {
		a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(i >> 16), byte(i >> 8), byte(i), byte(r.IntN(256))})
		out = append(out, NamedPrefix{fmt.Sprintf("vrf%d.subnets6[%d]", i%50, i), netip.PrefixFrom(a, 64)})
	}
	for i := 0; len(out) < n; i++ {
		switch i % 3 {
		case 0: // an aggregate over part of the plan
			a := netip.AddrFrom4([4]byte{10, byte(r.IntN(16)), 0, 0})
			out = append(out, NamedPrefix{fmt.Sprintf("aggregates[%d]", i), netip.PrefixFrom(a, 16)})
		case 1:
			a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(r.IntN(256))})
			out = append(out, NamedPrefix{fmt.Sprintf("aggregates6[%d]", i), netip.PrefixFrom(a, 48)})
		default: // the same prefix written twice
			d := out[r.IntN(len(out))]
			out = append(out, NamedPrefix{d.Name + ".copy", d.Prefix})
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func BenchmarkFindOverlaps100k(b *testing.B) {
	items := planPrefixes(100_000)
	b.ReportAllocs()
	var k int
	for b.Loop() {
		k = len(FindOverlaps(items))
	}
	b.ReportMetric(float64(k), "overlaps")
}

func BenchmarkSummarize100k(b *testing.B) {
	items := planPrefixes(100_000)
	prefixes := make([]netip.Prefix, len(items))
	for i, it := range items {
		prefixes[i] = it.Prefix
	}
	b.ReportAllocs()
	var k int
	for b.Loop() {
		k = len(Summarize(prefixes))
	}
	b.ReportMetric(float64(k), "prefixes_out")
}

func BenchmarkPoolNextSubnet(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		p, _ := NewPool(netip.MustParsePrefix("10.0.0.0/16"))
		for range 1000 {
			if _, err := p.NextSubnet(31); err != nil {
				b.Fatal(err)
			}
			if _, err := p.NextHost(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkRouteSetUncovered(b *testing.B) {
	items := planPrefixes(10_000)
	prefixes := make([]netip.Prefix, len(items))
	addrs := make([]netip.Addr, len(items))
	for i, it := range items {
		prefixes[i] = it.Prefix
		addrs[i] = LastAddr(it.Prefix).Next()
	}
	s := NewRouteSet(prefixes...)
	b.ReportAllocs()
	for b.Loop() {
		s.Uncovered(addrs)
	}
}
