package addressing

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestAddrPair(t *testing.T) {
	v4 := netip.MustParseAddr("192.168.1.10")
	v6 := netip.MustParseAddr("2001:192:168:1::10")
	tests := []struct {
		name     string
		pair     AddrPair
		str      string
		families []Family
	}{
		{"zero", AddrPair{}, "", []Family{}},
		{"v4 only", AddrPair{IPv4: v4}, "192.168.1.10", []Family{IPv4}},
		{"v6 only", AddrPair{IPv6: v6}, "2001:192:168:1::10", []Family{IPv6}},
		{"dual", AddrPair{IPv4: v4, IPv6: v6}, "192.168.1.10,2001:192:168:1::10", []Family{IPv4, IPv6}},
	}
	for _, tt := range tests {
		p := tt.pair
		if got := p.String(); got != tt.str {
			t.Errorf("%s: String() = %q, want %q", tt.name, got, tt.str)
		}
		if got := p.Families(); !slices.Equal(got, tt.families) {
			t.Errorf("%s: Families() = %v, want %v", tt.name, got, tt.families)
		}
		if got := p.IsZero(); got != (len(tt.families) == 0) {
			t.Errorf("%s: IsZero() = %v", tt.name, got)
		}
		for _, f := range Families {
			if p.Has(f) != slices.Contains(tt.families, f) {
				t.Errorf("%s: Has(%v) = %v", tt.name, f, p.Has(f))
			}
		}
		// Set round trip: rebuilding the pair member by member gives it back.
		var q AddrPair
		for _, f := range p.Families() {
			q = q.Set(f, p.Get(f))
		}
		if q != p {
			t.Errorf("%s: rebuilt %v, want %v", tt.name, q, p)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v", tt.name, err)
		}
	}

	p := AddrPair{IPv4: v4, IPv6: v6}
	if got := p.Set(IPv4, netip.Addr{}); got != (AddrPair{IPv6: v6}) || p.IPv4 != v4 {
		t.Errorf("Set(IPv4, zero) = %v (original now %v)", got, p)
	}
	if p.Get(0).IsValid() || p.Has(Family(5)) {
		t.Error("Get/Has of an invalid family returned a member")
	}
}

func TestPairValidate(t *testing.T) {
	bad := AddrPair{
		IPv4: netip.MustParseAddr("2001:db8::1"),
		IPv6: netip.MustParseAddr("::ffff:10.0.0.1"),
	}
	err := bad.Validate()
	if err == nil {
		t.Fatal("Validate accepted swapped families")
	}
	for _, want := range []string{"IPv4 member 2001:db8::1 is not an IPv4 address", "IPv6 member ::ffff:10.0.0.1 is an IPv4-mapped address"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %q, missing %q", err, want)
		}
	}
	if err := (AddrPair{IPv6: netip.MustParseAddr("fe80::1%eth0")}).Validate(); err == nil || !strings.Contains(err.Error(), "has a zone") {
		t.Errorf("Validate(zoned) = %v", err)
	}

	pp := PrefixPair{IPv4: netip.MustParsePrefix("2001:db8::/64"), IPv6: netip.MustParsePrefix("10.0.0.0/8")}
	err = pp.Validate()
	if err == nil || !strings.Contains(err.Error(), "IPv4 member 2001:db8::/64 is not an IPv4 prefix") ||
		!strings.Contains(err.Error(), "IPv6 member 10.0.0.0/8 is not an IPv6 prefix") {
		t.Errorf("PrefixPair.Validate() = %v", err)
	}
	ok := PrefixPair{IPv4: netip.MustParsePrefix("192.168.1.1/24"), IPv6: netip.MustParsePrefix("2001:db8::1/64")}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(interface prefixes) = %v", err)
	}
}

func TestPrefixPair(t *testing.T) {
	v4 := netip.MustParsePrefix("192.168.1.0/24")
	v6 := netip.MustParsePrefix("2001:192:168:1::/64")
	var p PrefixPair
	if !p.IsZero() || p.String() != "" || len(p.Families()) != 0 {
		t.Errorf("zero PrefixPair = %q, %v", p, p.Families())
	}
	p = p.Set(IPv6, v6)
	if p.String() != "2001:192:168:1::/64" || !p.Has(IPv6) || p.Has(IPv4) {
		t.Errorf("after Set(IPv6) = %q", p)
	}
	p = p.Set(IPv4, v4)
	if p.String() != "192.168.1.0/24,2001:192:168:1::/64" || !slices.Equal(p.Families(), []Family{IPv4, IPv6}) {
		t.Errorf("after Set(IPv4) = %q, %v", p, p.Families())
	}
	if p.Get(IPv4) != v4 || p.Get(IPv6) != v6 || p.Get(0).IsValid() {
		t.Error("Get returned the wrong member")
	}
}

func TestPairSetPanicsOnInvalidFamily(t *testing.T) {
	for name, f := range map[string]func(){
		"AddrPair":   func() { AddrPair{}.Set(0, netip.Addr{}) },
		"PrefixPair": func() { PrefixPair{}.Set(Family(5), netip.Prefix{}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s.Set with an invalid family did not panic", name)
				}
			}()
			f()
		}()
	}
}
