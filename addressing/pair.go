package addressing

import (
	"errors"
	"fmt"
	"net/netip"
)

// AddrPair is a dual-stack address: an IPv4 and an IPv6 member, either of
// which may be unset (the zero Addr). The zero AddrPair has neither.
type AddrPair struct {
	IPv4 netip.Addr
	IPv6 netip.Addr
}

// Get returns the member of family f, or the zero Addr for an unset member
// or an invalid family.
func (p AddrPair) Get(f Family) netip.Addr {
	switch f {
	case IPv4:
		return p.IPv4
	case IPv6:
		return p.IPv6
	}
	return netip.Addr{}
}

// Has reports whether the member of family f is set.
func (p AddrPair) Has(f Family) bool { return p.Get(f).IsValid() }

// Set returns a copy of p with the member of family f replaced by a (the
// zero Addr unsets it). It does not check that a belongs to f; [AddrPair.Validate]
// does. Set panics if f is not [IPv4] or [IPv6].
func (p AddrPair) Set(f Family, a netip.Addr) AddrPair {
	switch f {
	case IPv4:
		p.IPv4 = a
	case IPv6:
		p.IPv6 = a
	default:
		panic("addressing: AddrPair.Set with invalid " + f.String())
	}
	return p
}

// Families returns the families whose member is set, IPv4 first.
func (p AddrPair) Families() []Family {
	return setFamilies(p.IPv4.IsValid(), p.IPv6.IsValid())
}

// IsZero reports whether neither member is set.
func (p AddrPair) IsZero() bool { return p == AddrPair{} }

// String returns the set members separated by a comma, IPv4 first, such as
// "192.168.1.10,2001:192:168:1::10"; the zero pair is "".
func (p AddrPair) String() string {
	return joinPair(p.IPv4.IsValid(), p.IPv4.String(), p.IPv6.IsValid(), p.IPv6.String())
}

// Validate reports every member that is set but does not belong to its
// family, carries a zone, or is an IPv4-mapped IPv6 address.
func (p AddrPair) Validate() error {
	var errs []error
	for _, f := range Families {
		a := p.Get(f)
		switch {
		case !a.IsValid():
		case FamilyOf(a) != f:
			errs = append(errs, fmt.Errorf("%s member %s is not an %s address", f, a, f))
		case a.Is4In6():
			errs = append(errs, fmt.Errorf("%s member %s is an IPv4-mapped address", f, a))
		case a.Zone() != "":
			errs = append(errs, fmt.Errorf("%s member %s has a zone", f, a))
		}
	}
	return errors.Join(errs...)
}

// PrefixPair is a dual-stack prefix: an IPv4 and an IPv6 member, either of
// which may be unset (the zero Prefix). The zero PrefixPair has neither.
type PrefixPair struct {
	IPv4 netip.Prefix
	IPv6 netip.Prefix
}

// Get returns the member of family f, or the zero Prefix for an unset
// member or an invalid family.
func (p PrefixPair) Get(f Family) netip.Prefix {
	switch f {
	case IPv4:
		return p.IPv4
	case IPv6:
		return p.IPv6
	}
	return netip.Prefix{}
}

// Has reports whether the member of family f is set.
func (p PrefixPair) Has(f Family) bool { return p.Get(f).IsValid() }

// Set returns a copy of p with the member of family f replaced by q (the
// zero Prefix unsets it). It does not check that q belongs to f;
// [PrefixPair.Validate] does. Set panics if f is not [IPv4] or [IPv6].
func (p PrefixPair) Set(f Family, q netip.Prefix) PrefixPair {
	switch f {
	case IPv4:
		p.IPv4 = q
	case IPv6:
		p.IPv6 = q
	default:
		panic("addressing: PrefixPair.Set with invalid " + f.String())
	}
	return p
}

// Families returns the families whose member is set, IPv4 first.
func (p PrefixPair) Families() []Family {
	return setFamilies(p.IPv4.IsValid(), p.IPv6.IsValid())
}

// IsZero reports whether neither member is set.
func (p PrefixPair) IsZero() bool { return p == PrefixPair{} }

// String returns the set members separated by a comma, IPv4 first, such as
// "192.168.1.0/24,2001:192:168:1::/64"; the zero pair is "".
func (p PrefixPair) String() string {
	return joinPair(p.IPv4.IsValid(), p.IPv4.String(), p.IPv6.IsValid(), p.IPv6.String())
}

// Validate reports every member that is set but does not belong to its
// family or is an IPv4-mapped IPv6 prefix. It does not reject host bits:
// a pair may hold interface prefixes such as 192.168.1.1/24.
func (p PrefixPair) Validate() error {
	var errs []error
	for _, f := range Families {
		q := p.Get(f)
		switch {
		case !q.IsValid():
		case PrefixFamily(q) != f:
			errs = append(errs, fmt.Errorf("%s member %s is not an %s prefix", f, q, f))
		case q.Addr().Is4In6():
			errs = append(errs, fmt.Errorf("%s member %s is an IPv4-mapped prefix", f, q))
		}
	}
	return errors.Join(errs...)
}

func setFamilies(has4, has6 bool) []Family {
	fs := make([]Family, 0, 2)
	if has4 {
		fs = append(fs, IPv4)
	}
	if has6 {
		fs = append(fs, IPv6)
	}
	return fs
}

func joinPair(has4 bool, s4 string, has6 bool, s6 string) string {
	switch {
	case has4 && has6:
		return s4 + "," + s6
	case has4:
		return s4
	case has6:
		return s6
	}
	return ""
}
