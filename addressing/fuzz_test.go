package addressing

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"slices"
	"testing"

	"go4.org/netipx"
)

// prefixesFromBytes decodes fuzz input into prefixes, 6 bytes each: a family
// and length byte, then 4 address bytes (IPv6 prefixes put them into
// 2001:db8::/96 so that they collide often).
func prefixesFromBytes(b []byte) []netip.Prefix {
	var out []netip.Prefix
	for ; len(b) >= 6; b = b[6:] {
		var a netip.Addr
		bits := int(b[0] & 0x7f)
		if b[0]&0x80 == 0 {
			a = netip.AddrFrom4([4]byte(b[1:5]))
			bits %= 33
		} else {
			var a16 [16]byte
			copy(a16[:], []byte{0x20, 0x01, 0x0d, 0xb8})
			copy(a16[12:], b[1:5])
			a = netip.AddrFrom16(a16)
			bits = 96 + bits%33
		}
		out = append(out, netip.PrefixFrom(a, bits)) // host bits kept on purpose
	}
	return out
}

func FuzzSummarize(f *testing.F) {
	f.Add([]byte{24, 10, 0, 0, 0, 0, 24, 10, 0, 1, 0, 0})
	f.Add([]byte{32, 192, 168, 100, 1, 0, 32, 192, 168, 100, 2, 0, 32, 192, 168, 100, 0, 0})
	f.Add([]byte{0x80 | 32, 0, 0, 0, 0, 0, 8, 10, 1, 2, 3, 0, 0, 255, 255, 255, 255, 0})
	f.Add([]byte{0x80 | 24, 0xff, 0xff, 0xff, 0, 7, 16, 172, 16, 5, 5, 9})
	f.Fuzz(func(t *testing.T, b []byte) {
		in := prefixesFromBytes(b)
		got := Summarize(in)

		// Oracle 1: netipx.IPSet of the input yields the same minimal list.
		var sb netipx.IPSetBuilder
		for _, p := range in {
			sb.AddPrefix(p.Masked())
		}
		set, err := sb.IPSet()
		if err != nil {
			t.Fatal(err)
		}
		if want := set.Prefixes(); !slices.Equal(got, want) {
			t.Fatalf("Summarize(%v) = %v, IPSet says %v", in, got, want)
		}

		// Sorted, disjoint, non-adjacent-mergeable, masked.
		for i, p := range got {
			if p != p.Masked() {
				t.Fatalf("output %v has host bits", p)
			}
			if i > 0 && got[i-1].Addr().Compare(p.Addr()) >= 0 {
				t.Fatalf("output not sorted: %v", got)
			}
			if i > 0 && got[i-1].Overlaps(p) {
				t.Fatalf("output overlaps itself: %v", got)
			}
		}

		// Oracle 2: probes inside, at the edges of and just outside every input
		// and output prefix are covered by the input exactly when by the output.
		inputCovers := func(a netip.Addr) bool {
			for _, p := range in {
				if p.Masked().Contains(a) {
					return true
				}
			}
			return false
		}
		outputCovers := func(a netip.Addr) bool {
			for _, p := range got {
				if p.Contains(a) {
					return true
				}
			}
			return false
		}
		var probes []netip.Addr
		for _, p := range slices.Concat(in, got) {
			first, last := p.Masked().Addr(), LastAddr(p)
			mid := first
			if p.Bits() < p.Addr().BitLen() {
				mid = LastAddr(netip.PrefixFrom(first, p.Bits()+1)).Next() // first of the upper half
			}
			probes = append(probes, first, last, first.Prev(), last.Next(), mid)
		}
		for _, a := range probes {
			if a.IsValid() && inputCovers(a) != outputCovers(a) {
				t.Fatalf("probe %v: input covers %v, summary covers %v (in %v, summary %v)", a, inputCovers(a), outputCovers(a), in, got)
			}
		}
	})
}

func FuzzPool(f *testing.F) {
	f.Add(uint32(0x0a000000), uint8(28), []byte{0, 30, 1, 5, 2, 0, 29, 0})
	f.Add(uint32(0xc0a86400), uint8(30), []byte{0, 0, 0, 0})
	f.Add(uint32(0x0a000000), uint8(31), []byte{30, 31, 0, 32})
	f.Add(uint32(0xffffff00), uint8(24), []byte{26, 2, 200, 0, 25, 0, 27})
	f.Fuzz(func(t *testing.T, base uint32, bits uint8, ops []byte) {
		v6 := bits&0x80 != 0
		var a netip.Addr
		if v6 {
			var a16 [16]byte
			copy(a16[:], []byte{0x20, 0x01, 0x0d, 0xb8})
			binary.BigEndian.PutUint32(a16[12:], base)
			a = netip.AddrFrom16(a16)
			bits = 96 + (bits&0x7f)%33
		} else {
			a = netip.AddrFrom4([4]byte(binary.BigEndian.AppendUint32(nil, base)))
			bits = 20 + bits%13 // keep pools small enough to exhaust
		}
		prefix := netip.PrefixFrom(a, int(bits)).Masked()
		pool, err := NewPool(prefix)
		if err != nil {
			t.Fatal(err)
		}
		var given netipx.IPSetBuilder
		give := func(r netipx.IPRange) {
			if !prefix.Contains(r.From()) || !prefix.Contains(r.To()) {
				t.Fatalf("pool %s handed out %v outside the pool", prefix, r)
			}
			s, _ := given.IPSet()
			if s.OverlapsRange(r) {
				t.Fatalf("pool %s handed out %v twice", prefix, r)
			}
			given.AddRange(r)
		}
		for i, op := range ops {
			if i > 200 {
				break
			}
			switch kind, arg := op>>6, int(op&0x3f); kind {
			case 0: // host
				h, err := pool.NextHost()
				if err != nil {
					if !errors.Is(err, ErrExhausted) {
						t.Fatal(err)
					}
					continue
				}
				give(netipx.IPRangeFrom(h, h))
				if prefix.Bits() < h.BitLen()-1 && (h == prefix.Addr() || (h.Is4() && h == LastAddr(prefix))) {
					t.Fatalf("pool %s handed out reserved host %s", prefix, h)
				}
			case 1: // subnet
				n := prefix.Bits() + arg%(prefix.Addr().BitLen()-prefix.Bits()+1)
				s, err := pool.NextSubnet(n)
				if err != nil {
					if !errors.Is(err, ErrExhausted) {
						t.Fatal(err)
					}
					continue
				}
				if s.Bits() != n || s != s.Masked() {
					t.Fatalf("NextSubnet(%d) = %v", n, s)
				}
				give(netipx.RangeOfPrefix(s))
			default: // reserve an address by offset from the pool start
				r := prefix.Addr()
				for range arg * int(kind) {
					r = r.Next()
				}
				err := pool.Reserve(r)
				set, _ := given.IPSet()
				switch {
				case !prefix.Contains(r):
					if err == nil {
						t.Fatalf("Reserve(%s) outside %s succeeded", r, prefix)
					}
				case set.Contains(r):
					if !errors.Is(err, ErrInUse) {
						t.Fatalf("Reserve(%s) of a taken address: %v", r, err)
					}
				default:
					if err != nil {
						t.Fatalf("Reserve(%s): %v", r, err)
					}
					given.Add(r)
				}
			}
		}
	})
}

func FuzzParsePrefix(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "10.0.0.1/8", "2001:db8::/32", "::ffff:10.0.0.0/104", "fe80::%eth0/64", "0.0.0.0/0", "1.2.3.4/33", "::/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePrefix(s)
		np, nerr := netip.ParsePrefix(s)
		if err != nil {
			// Differential: we reject only what netip rejects, or host bits, or 4in6.
			if nerr == nil && np == np.Masked() && !np.Addr().Is4In6() {
				t.Fatalf("ParsePrefix(%q) rejected a network prefix netip accepts: %v", s, err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Input != s {
				t.Fatalf("ParsePrefix(%q) error %v does not carry the input", s, err)
			}
			return
		}
		if nerr != nil || np != p {
			t.Fatalf("ParsePrefix(%q) = %v; netip says %v, %v", s, p, np, nerr)
		}
		// Round trip through the canonical text.
		p2, err := ParsePrefix(p.String())
		if err != nil || p2 != p {
			t.Fatalf("ParsePrefix(%q) = %v, but ParsePrefix(%q) = %v, %v", s, p, p.String(), p2, err)
		}
		text, _ := p.MarshalText()
		if string(text) != p.String() {
			t.Fatalf("MarshalText = %q, String = %q", text, p.String())
		}
	})
}

func FuzzFindOverlaps(f *testing.F) {
	f.Add([]byte{24, 10, 0, 0, 0, 1, 16, 10, 0, 0, 0, 2, 0x80 | 8, 0, 0, 0, 0, 1})
	f.Add([]byte{32, 10, 0, 0, 1, 0, 32, 10, 0, 0, 1, 0, 31, 10, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		prefixes := prefixesFromBytes(b)
		items := make([]NamedPrefix, len(prefixes))
		for i, p := range prefixes {
			items[i] = NamedPrefix{Name: string(rune('a' + b[i*6+5]%4)), Prefix: p}
		}
		got, want := FindOverlaps(items), overlapsPairwise(items)
		if !slices.Equal(got, want) {
			t.Fatalf("FindOverlaps(%v) = %v, pairwise says %v", items, got, want)
		}
	})
}
