package addressing

import (
	"net/netip"
	"strconv"
	"strings"
)

// Family is an IP address family. Its zero value is not a family; the valid
// values are [IPv4] and [IPv6], numbered after the protocol version.
type Family uint8

// The address families.
const (
	IPv4 Family = 4
	IPv6 Family = 6
)

// Families lists the valid address families in canonical order (IPv4 first).
// Range over it to do something once per family.
var Families = [...]Family{IPv4, IPv6}

// FamilyOf returns the family of a: IPv4 for a 4-byte address, IPv6 for a
// 16-byte one (including IPv4-mapped IPv6 addresses), and 0 for the zero Addr.
func FamilyOf(a netip.Addr) Family {
	switch {
	case a.Is4():
		return IPv4
	case a.Is6():
		return IPv6
	}
	return 0
}

// PrefixFamily returns the family of p's address, or 0 for an invalid prefix.
func PrefixFamily(p netip.Prefix) Family {
	if !p.IsValid() {
		return 0
	}
	return FamilyOf(p.Addr())
}

// ParseFamily parses "ipv4" or "ipv6" in any letter case.
func ParseFamily(s string) (Family, error) {
	switch {
	case strings.EqualFold(s, "ipv4"):
		return IPv4, nil
	case strings.EqualFold(s, "ipv6"):
		return IPv6, nil
	}
	return 0, &ParseError{Kind: "address family", Input: s, Msg: "want ipv4 or ipv6"}
}

// IsValid reports whether f is IPv4 or IPv6.
func (f Family) IsValid() bool { return f == IPv4 || f == IPv6 }

// BitLen returns the address length of f in bits: 32, 128, or 0 for an
// invalid family.
func (f Family) BitLen() int {
	switch f {
	case IPv4:
		return 32
	case IPv6:
		return 128
	}
	return 0
}

// String returns "IPv4" or "IPv6", or "Family(n)" for an invalid value.
func (f Family) String() string {
	switch f {
	case IPv4:
		return "IPv4"
	case IPv6:
		return "IPv6"
	}
	return "Family(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText implements [encoding.TextMarshaler], writing "ipv4" or "ipv6".
// The zero Family marshals as the empty string; other invalid values are an
// error.
func (f Family) MarshalText() ([]byte, error) {
	switch f {
	case 0:
		return []byte{}, nil
	case IPv4:
		return []byte("ipv4"), nil
	case IPv6:
		return []byte("ipv6"), nil
	}
	return nil, &ParseError{Kind: "address family", Input: f.String(), Msg: "want ipv4 or ipv6"}
}

// UnmarshalText implements [encoding.TextUnmarshaler], accepting "ipv4" or
// "ipv6" in any letter case; empty text sets the zero Family.
func (f *Family) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*f = 0
		return nil
	}
	v, err := ParseFamily(string(text))
	if err != nil {
		return err
	}
	*f = v
	return nil
}
