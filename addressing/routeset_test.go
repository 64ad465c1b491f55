package addressing

import (
	"net/netip"
	"slices"
	"testing"
)

func TestRouteSet(t *testing.T) {
	s := NewRouteSet(
		netip.MustParsePrefix("192.168.1.1/24"), // host bits ignored
		netip.MustParsePrefix("192.168.2.0/25"),
		netip.MustParsePrefix("192.168.2.128/25"),
		netip.MustParsePrefix("2001:192:168:1::/64"),
		netip.Prefix{},
	)
	covers := []struct {
		addr string
		want bool
	}{
		{"192.168.1.0", true},
		{"192.168.1.255", true},
		{"192.168.2.200", true},
		{"192.168.3.1", false},
		{"2001:192:168:1::10", true},
		{"fe80::1%eth0", false},
		{"2001:192:168:2::10", false},
		{"::ffff:192.168.1.10", false},
	}
	for _, tt := range covers {
		if got := s.Covers(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("Covers(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	if s.Covers(netip.Addr{}) {
		t.Error("Covers(zero) = true")
	}
	if !s.CoversPrefix(netip.MustParsePrefix("192.168.2.0/24")) {
		t.Error("CoversPrefix(192.168.2.0/24) = false; the two /25s cover it")
	}
	if s.CoversPrefix(netip.MustParsePrefix("192.168.0.0/22")) {
		t.Error("CoversPrefix(192.168.0.0/22) = true")
	}
	if !s.Overlaps(netip.MustParsePrefix("192.168.0.0/22")) || s.Overlaps(netip.MustParsePrefix("10.0.0.0/8")) {
		t.Error("Overlaps wrong")
	}
	wantPrefixes := []netip.Prefix{
		netip.MustParsePrefix("192.168.1.0/24"),
		netip.MustParsePrefix("192.168.2.0/24"),
		netip.MustParsePrefix("2001:192:168:1::/64"),
	}
	if got := s.Prefixes(); !slices.Equal(got, wantPrefixes) {
		t.Errorf("Prefixes() = %v, want %v", got, wantPrefixes)
	}

	in := []netip.Addr{
		netip.MustParseAddr("192.168.3.1"),
		netip.MustParseAddr("192.168.1.10"),
		{},
		netip.MustParseAddr("2001:db8::1"),
		netip.MustParseAddr("192.168.3.1"),
		netip.MustParseAddr("10.0.0.1"),
	}
	want := []netip.Addr{netip.MustParseAddr("192.168.3.1"), netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("10.0.0.1")}
	if got := s.Uncovered(in); !slices.Equal(got, want) {
		t.Errorf("Uncovered = %v, want %v", got, want)
	}
	if got := s.Uncovered(in[1:2]); got != nil {
		t.Errorf("Uncovered(all covered) = %v, want nil", got)
	}

	var nilSet *RouteSet
	var zero RouteSet
	for _, rs := range []*RouteSet{nilSet, &zero, NewRouteSet()} {
		if rs.Covers(netip.MustParseAddr("10.0.0.1")) || rs.CoversPrefix(netip.MustParsePrefix("10.0.0.0/8")) ||
			rs.Overlaps(netip.MustParsePrefix("0.0.0.0/0")) || len(rs.Prefixes()) != 0 {
			t.Errorf("empty RouteSet %#v covers something", rs)
		}
		if got := rs.Uncovered(in[:2]); len(got) != 2 {
			t.Errorf("empty RouteSet Uncovered = %v", got)
		}
	}
}
