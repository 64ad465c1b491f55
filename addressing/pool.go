package addressing

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"go4.org/netipx"
)

// Pool allocates host addresses and aligned subnets from a network prefix,
// always handing out the lowest free one, so the same sequence of calls
// always yields the same plan. Create it with [NewPool]; the zero Pool has
// no prefix and every call on it fails. A Pool is not safe for concurrent
// use.
type Pool struct {
	prefix netip.Prefix
	// used holds the taken addresses as sorted, disjoint, non-adjacent
	// ranges (adjacent ranges are merged), so the first free address after
	// a taken one is always the address after its range.
	used []netipx.IPRange
}

// NewPool returns an empty pool over p, which must be a network prefix (no
// host bits) and not an IPv4-mapped IPv6 prefix.
func NewPool(p netip.Prefix) (*Pool, error) {
	switch {
	case !p.IsValid():
		return nil, errors.New("new pool: invalid prefix")
	case p.Addr().Is4In6():
		return nil, fmt.Errorf("new pool %s: IPv4-mapped IPv6 prefix", p)
	case p != p.Masked():
		return nil, fmt.Errorf("new pool %s: host bits set (want %s)", p, p.Masked())
	}
	return &Pool{prefix: p}, nil
}

// Prefix returns the prefix the pool allocates from; the zero Prefix for a
// zero or nil Pool.
func (p *Pool) Prefix() netip.Prefix {
	if p == nil {
		return netip.Prefix{}
	}
	return p.prefix
}

// Reserve marks a as taken, so that no later allocation returns it. It fails
// if a lies outside the pool or is already taken (wrapping [ErrInUse]).
// Reserving the network or broadcast address is allowed.
func (p *Pool) Reserve(a netip.Addr) error {
	if err := p.check(); err != nil {
		return err
	}
	if !p.prefix.Contains(a) {
		return fmt.Errorf("pool %s: reserve %s: outside the pool", p.prefix, a)
	}
	if err := p.take(netipx.IPRangeFrom(a, a)); err != nil {
		return fmt.Errorf("pool %s: reserve %s: %w", p.prefix, a, err)
	}
	return nil
}

// ReservePrefix marks every address of q as taken. q must be a network
// prefix inside the pool (the pool's own prefix is allowed) and must not
// overlap anything taken already (otherwise the error wraps [ErrInUse]).
func (p *Pool) ReservePrefix(q netip.Prefix) error {
	if err := p.check(); err != nil {
		return err
	}
	switch {
	case !q.IsValid():
		return fmt.Errorf("pool %s: reserve prefix: invalid prefix", p.prefix)
	case q != q.Masked():
		return fmt.Errorf("pool %s: reserve %s: host bits set (want %s)", p.prefix, q, q.Masked())
	case q.Bits() < p.prefix.Bits() || !p.prefix.Contains(q.Addr()):
		return fmt.Errorf("pool %s: reserve %s: outside the pool", p.prefix, q)
	}
	if err := p.take(netipx.RangeOfPrefix(q)); err != nil {
		return fmt.Errorf("pool %s: reserve %s: %w", p.prefix, q, err)
	}
	return nil
}

// NextHost takes and returns the lowest free host address of the pool. For
// IPv4 pools shorter than /31 it never returns the network or broadcast
// address; for IPv6 pools shorter than /127 it never returns the
// Subnet-Router anycast address (host bits all zero). So the address with
// the pool's length is always accepted by [ParseInterfacePrefix] (except for
// a /0 pool). When no host is free the error wraps [ErrExhausted].
func (p *Pool) NextHost() (netip.Addr, error) {
	if err := p.check(); err != nil {
		return netip.Addr{}, err
	}
	first, last := p.prefix.Addr(), LastAddr(p.prefix)
	if p.prefix.Bits() < first.BitLen()-1 {
		first = first.Next()
		if first.Is4() {
			last = last.Prev()
		}
	}
	a, ok := p.firstFreeFrom(first)
	if !ok || a.Compare(last) > 0 {
		return netip.Addr{}, fmt.Errorf("pool %s: no free host address: %w", p.prefix, ErrExhausted)
	}
	if err := p.take(netipx.IPRangeFrom(a, a)); err != nil {
		return netip.Addr{}, fmt.Errorf("pool %s: %w", p.prefix, err) // unreachable: a was free
	}
	return a, nil
}

// NextSubnet takes and returns the lowest free subnet of length bits that is
// aligned on its own size. bits must lie between the pool's length and the
// address length. When no such subnet is free the error wraps
// [ErrExhausted].
func (p *Pool) NextSubnet(bits int) (netip.Prefix, error) {
	if err := p.check(); err != nil {
		return netip.Prefix{}, err
	}
	if bits < p.prefix.Bits() || bits > p.prefix.Addr().BitLen() {
		return netip.Prefix{}, fmt.Errorf("pool %s: subnet length /%d outside /%d../%d", p.prefix, bits, p.prefix.Bits(), p.prefix.Addr().BitLen())
	}
	cand := netip.PrefixFrom(p.prefix.Addr(), bits)
	for {
		// The first used range that ends at or after the candidate's start.
		i, _ := slices.BinarySearchFunc(p.used, cand.Addr(), func(r netipx.IPRange, a netip.Addr) int {
			return r.To().Compare(a)
		})
		last := netipx.PrefixLastIP(cand)
		if i == len(p.used) || p.used[i].From().Compare(last) > 0 {
			break
		}
		// Skip past that range, then round up to the next aligned subnet.
		next := p.used[i].To().Next()
		if !next.IsValid() || !p.prefix.Contains(next) {
			return netip.Prefix{}, fmt.Errorf("pool %s: no free /%d subnet: %w", p.prefix, bits, ErrExhausted)
		}
		cand = netip.PrefixFrom(next, bits).Masked()
		if cand.Addr() != next {
			next = netipx.PrefixLastIP(cand).Next()
			if !next.IsValid() || !p.prefix.Contains(next) {
				return netip.Prefix{}, fmt.Errorf("pool %s: no free /%d subnet: %w", p.prefix, bits, ErrExhausted)
			}
			cand = netip.PrefixFrom(next, bits)
		}
	}
	if err := p.take(netipx.RangeOfPrefix(cand)); err != nil {
		return netip.Prefix{}, fmt.Errorf("pool %s: %w", p.prefix, err) // unreachable: cand was free
	}
	return cand, nil
}

func (p *Pool) check() error {
	if p == nil || !p.prefix.IsValid() {
		return errors.New("pool not created with NewPool")
	}
	return nil
}

// firstFreeFrom returns the lowest free address at or after a.
func (p *Pool) firstFreeFrom(a netip.Addr) (netip.Addr, bool) {
	i, _ := slices.BinarySearchFunc(p.used, a, func(r netipx.IPRange, a netip.Addr) int {
		return r.To().Compare(a)
	})
	if i < len(p.used) && p.used[i].From().Compare(a) <= 0 {
		a = p.used[i].To().Next() // free, as adjacent ranges are merged
	}
	return a, a.IsValid()
}

// take adds r to the used ranges, failing with ErrInUse if any of it is
// taken already, and merges it with adjacent ranges.
func (p *Pool) take(r netipx.IPRange) error {
	// i is the first used range ending at or after r's start.
	i, _ := slices.BinarySearchFunc(p.used, r.From(), func(u netipx.IPRange, a netip.Addr) int {
		return u.To().Compare(a)
	})
	if i < len(p.used) && p.used[i].From().Compare(r.To()) <= 0 {
		return ErrInUse
	}
	from, to := r.From(), r.To()
	lo, hi := i, i // used[lo:hi] is replaced by the merged range
	if lo > 0 && p.used[lo-1].To().Next() == from {
		lo--
		from = p.used[lo].From()
	}
	if hi < len(p.used) && to.Next() == p.used[hi].From() {
		to = p.used[hi].To()
		hi++
	}
	p.used = slices.Replace(p.used, lo, hi, netipx.IPRangeFrom(from, to))
	return nil
}
