package addressing

import (
	"net/netip"
	"strings"

	"go4.org/netipx"
)

// ParsePrefix parses a network prefix such as "10.244.0.0/16" or
// "2001:db8::/32". Unlike [netip.ParsePrefix] it rejects host bits
// ("10.0.0.1/8"; the error names the network the writer probably meant),
// IPv6 zones, and IPv4-mapped IPv6 forms ("::ffff:10.0.0.0/104"). For every
// accepted s, ParsePrefix(p.String()) returns p again.
func ParsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, &ParseError{Kind: "prefix", Input: s, Msg: netipReason(err)}
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, &ParseError{Kind: "prefix", Input: s, Msg: "IPv4-mapped IPv6 prefix (write the IPv4 prefix)"}
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, &ParseError{Kind: "prefix", Input: s, Msg: "host bits set (want " + m.String() + ")"}
	}
	return p, nil
}

// MustParsePrefix is like [ParsePrefix] but panics on error. It is meant for
// tests and literals.
func MustParsePrefix(s string) netip.Prefix {
	p, err := ParsePrefix(s)
	if err != nil {
		panic(err)
	}
	return p
}

// ParseInterfacePrefix parses an interface address with its prefix length,
// where the host bits are the point: an SVI gateway "192.168.1.1/24", a
// point-to-point "10.0.0.0/31", a loopback "192.168.100.1/32" or
// "2001:db8::1/64". Zones, IPv4-mapped IPv6 forms and length 0 are
// rejected, and so is any address that cannot be used by a host on that
// subnet: the IPv4 network and broadcast addresses when the length is 30 or
// less, and the IPv6 Subnet-Router anycast address (host bits all zero,
// RFC 4291 section 2.6.1) when the length is 126 or less. Lengths /31 and
// /32 (IPv4) and /127 and /128 (IPv6) accept every address (RFC 3021,
// RFC 6164).
func ParseInterfacePrefix(s string) (netip.Prefix, error) {
	const kind = "interface prefix"
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, &ParseError{Kind: kind, Input: s, Msg: netipReason(err)}
	}
	a := p.Addr()
	switch {
	case a.Is4In6():
		return netip.Prefix{}, &ParseError{Kind: kind, Input: s, Msg: "IPv4-mapped IPv6 address (write the IPv4 address)"}
	case p.Bits() == 0:
		return netip.Prefix{}, &ParseError{Kind: kind, Input: s, Msg: "prefix length 0 is not an interface subnet"}
	case a == p.Masked().Addr() && p.Bits() < a.BitLen()-1:
		if a.Is4() {
			return netip.Prefix{}, &ParseError{Kind: kind, Input: s, Msg: "network address of " + p.Masked().String() + " is not a host address"}
		}
		return netip.Prefix{}, &ParseError{Kind: kind, Input: s, Msg: "Subnet-Router anycast address of " + p.Masked().String() + " is not a host address"}
	case a.Is4() && p.Bits() < 31 && a == netipx.PrefixLastIP(p):
		return netip.Prefix{}, &ParseError{Kind: kind, Input: s, Msg: "broadcast address of " + p.Masked().String() + " is not a host address"}
	}
	return p, nil
}

// MustParseInterfacePrefix is like [ParseInterfacePrefix] but panics on
// error. It is meant for tests and literals.
func MustParseInterfacePrefix(s string) netip.Prefix {
	p, err := ParseInterfacePrefix(s)
	if err != nil {
		panic(err)
	}
	return p
}

// ParseAddr parses a plain IPv4 or IPv6 address. Unlike [netip.ParseAddr]
// it rejects zones ("fe80::1%eth0") and IPv4-mapped IPv6 addresses
// ("::ffff:10.0.0.1"), which would silently compare unequal to the IPv4
// address they spell.
func ParseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, &ParseError{Kind: "address", Input: s, Msg: netipReason(err)}
	}
	if a.Zone() != "" {
		return netip.Addr{}, &ParseError{Kind: "address", Input: s, Msg: "zone not allowed"}
	}
	if a.Is4In6() {
		return netip.Addr{}, &ParseError{Kind: "address", Input: s, Msg: "IPv4-mapped IPv6 address (write " + a.Unmap().String() + ")"}
	}
	return a, nil
}

// MustParseAddr is like [ParseAddr] but panics on error. It is meant for
// tests and literals.
func MustParseAddr(s string) netip.Addr {
	a, err := ParseAddr(s)
	if err != nil {
		panic(err)
	}
	return a
}

// HostRoute returns the host route for a: a /32 for IPv4, a /128 for IPv6,
// without a's zone. It returns the zero Prefix for the zero Addr.
func HostRoute(a netip.Addr) netip.Prefix {
	if !a.IsValid() {
		return netip.Prefix{}
	}
	return netip.PrefixFrom(a.WithZone(""), a.BitLen())
}

// LastAddr returns the last address of p (the broadcast address of an IPv4
// subnet), ignoring any host bits in p. It returns the zero Addr for an
// invalid prefix.
func LastAddr(p netip.Prefix) netip.Addr {
	if !p.IsValid() {
		return netip.Addr{}
	}
	return netipx.PrefixLastIP(p.Masked())
}

// netipReason strips net/netip's "netip.ParsePrefix(...): " and
// "ParseAddr(...): " wrappers so that the reason reads once, after our own
// quoted input.
func netipReason(err error) string {
	msg := err.Error()
	for _, fn := range []string{"netip.ParsePrefix(", "ParseAddr("} {
		if rest, ok := strings.CutPrefix(msg, fn); ok {
			if i := strings.Index(rest, "): "); i >= 0 {
				msg = rest[i+len("): "):]
			}
		}
	}
	return msg
}
