package addressing

import (
	"cmp"
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// key is an address as an integer with its family, ordered like
// netip.Addr.Compare: every IPv4 address (v6 false, value in lo) before
// every IPv6 address. Sorting integers is several times faster than
// sorting netip.Addr values through a comparison function.
type key struct {
	v6     bool
	hi, lo uint64
}

func keyOf(a netip.Addr) key {
	if a.Is4() {
		b := a.As4()
		return key{lo: uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return key{v6: true, hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

func (k key) addr() netip.Addr {
	if !k.v6 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(k.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], k.hi)
	binary.BigEndian.PutUint64(b[8:], k.lo)
	return netip.AddrFrom16(b)
}

func (k key) compare(o key) int {
	if k.v6 != o.v6 {
		if k.v6 {
			return 1
		}
		return -1
	}
	if c := cmp.Compare(k.hi, o.hi); c != 0 {
		return c
	}
	return cmp.Compare(k.lo, o.lo)
}

// isLast reports whether k is the last address of its family.
func (k key) isLast() bool {
	if !k.v6 {
		return k.lo == 1<<32-1
	}
	return k.hi == ^uint64(0) && k.lo == ^uint64(0)
}

// next returns k+1; the caller checks isLast first.
func (k key) next() key {
	lo, carry := bits.Add64(k.lo, 1, 0)
	k.hi += carry
	k.lo = lo
	return k
}

// prefixKeys returns the first and last address of p, which must be valid,
// ignoring its host bits.
func prefixKeys(p netip.Prefix) (first, last key) {
	first = keyOf(p.Addr())
	host := p.Addr().BitLen() - p.Bits()
	var mhi, mlo uint64 // host mask
	switch {
	case host >= 128:
		mhi, mlo = ^uint64(0), ^uint64(0)
	case host > 64:
		mhi, mlo = 1<<(host-64)-1, ^uint64(0)
	case host == 64:
		mlo = ^uint64(0)
	default:
		mlo = 1<<host - 1
	}
	first.hi &^= mhi
	first.lo &^= mlo
	last = first
	last.hi |= mhi
	last.lo |= mlo
	return first, last
}
