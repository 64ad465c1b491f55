package design

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// RouteTarget is a BGP route-target extended community (RFC 4360), used to "color" a leaf pair's
// peering loopbacks when every pair reuses the same addresses. The zero value means unset.
//
// Text forms: the NX-OS CLI form "2101:2102" (also "4200000001:7" and "10.2.1.1:7") and the DME
// form "route-target:as2-nn2:2101:2102". String returns the CLI form, DME the DME form.
type RouteTarget struct {
	kind     rtKind
	admin    uint32 // ASN, or IPv4 address as a number
	assigned uint32
}

type rtKind uint8

const (
	rtUnset rtKind = iota
	rtAS2NN2
	rtAS2NN4
	rtAS4NN2
	rtIPv4NN2
)

var rtKindNames = map[rtKind]string{rtAS2NN2: "as2-nn2", rtAS2NN4: "as2-nn4", rtAS4NN2: "as4-nn2", rtIPv4NN2: "ipv4-nn2"}

// ParseRouteTarget parses a route target in CLI form ("2101:2102", "4200000001:7",
// "10.2.1.1:7") or DME form ("route-target:as2-nn2:2101:2102").
func ParseRouteTarget(s string) (RouteTarget, error) {
	bad := func(why string) (RouteTarget, error) {
		return RouteTarget{}, fmt.Errorf("invalid route target %q: %s", s, why)
	}
	if rest, ok := strings.CutPrefix(s, "route-target:"); ok {
		kindName, value, ok := strings.Cut(rest, ":")
		if !ok {
			return bad("want route-target:<type>:<admin>:<number>")
		}
		rt, err := ParseRouteTarget(value)
		if err != nil {
			return bad("want route-target:<type>:<admin>:<number>")
		}
		if rtKindNames[rt.kind] != kindName {
			// The value decides the encoding; a mismatching type name is an error, not a hint.
			return bad(fmt.Sprintf("type %q does not fit %s (want %s)", kindName, value, rtKindNames[rt.kind]))
		}
		return rt, nil
	}
	i := strings.LastIndexByte(s, ':')
	if i <= 0 || i == len(s)-1 {
		return bad("want <ASN>:<number> or <IPv4>:<number>")
	}
	adminText, nnText := s[:i], s[i+1:]
	nn, err := strconv.ParseUint(nnText, 10, 32)
	if err != nil {
		return bad("the assigned number must be 0 to 4294967295")
	}
	if ip, err := netip.ParseAddr(adminText); err == nil {
		if !ip.Is4() {
			return bad("the administrator must be an ASN or an IPv4 address")
		}
		if nn > 65535 {
			return bad("with an IPv4 administrator the assigned number must be 0 to 65535")
		}
		b := ip.As4()
		return RouteTarget{kind: rtIPv4NN2, admin: uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), assigned: uint32(nn)}, nil
	}
	asn, err := ParseASN(adminText)
	if err != nil {
		return bad("the administrator must be an ASN or an IPv4 address")
	}
	switch {
	case asn.Is4Byte() && nn > 65535:
		return bad("with a 4-byte ASN the assigned number must be 0 to 65535")
	case asn.Is4Byte():
		return RouteTarget{kind: rtAS4NN2, admin: uint32(asn), assigned: uint32(nn)}, nil
	case nn > 65535:
		return RouteTarget{kind: rtAS2NN4, admin: uint32(asn), assigned: uint32(nn)}, nil
	default:
		return RouteTarget{kind: rtAS2NN2, admin: uint32(asn), assigned: uint32(nn)}, nil
	}
}

// MustParseRouteTarget is ParseRouteTarget for literals; it panics on error.
func MustParseRouteTarget(s string) RouteTarget {
	rt, err := ParseRouteTarget(s)
	if err != nil {
		panic(err)
	}
	return rt
}

// IsZero reports whether the route target is unset.
func (rt RouteTarget) IsZero() bool { return rt.kind == rtUnset }

// String returns the CLI form, e.g. "2101:2102"; "" when unset.
func (rt RouteTarget) String() string {
	switch rt.kind {
	case rtUnset:
		return ""
	case rtIPv4NN2:
		a := rt.admin
		return netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}).String() + ":" + strconv.FormatUint(uint64(rt.assigned), 10)
	default:
		return strconv.FormatUint(uint64(rt.admin), 10) + ":" + strconv.FormatUint(uint64(rt.assigned), 10)
	}
}

// DME returns the NX-OS DME form, e.g. "route-target:as2-nn2:2101:2102"; "" when unset.
func (rt RouteTarget) DME() string {
	if rt.kind == rtUnset {
		return ""
	}
	return "route-target:" + rtKindNames[rt.kind] + ":" + rt.String()
}

// MarshalText implements encoding.TextMarshaler with the CLI form.
func (rt RouteTarget) MarshalText() ([]byte, error) { return []byte(rt.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; see ParseRouteTarget. Empty text is unset.
func (rt *RouteTarget) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*rt = RouteTarget{}
		return nil
	}
	v, err := ParseRouteTarget(string(b))
	if err != nil {
		return err
	}
	*rt = v
	return nil
}
