package addressing

import (
	"encoding/json"
	"net/netip"
	"testing"
)

func TestFamilyOf(t *testing.T) {
	tests := []struct {
		in   netip.Addr
		want Family
	}{
		{netip.Addr{}, 0},
		{netip.MustParseAddr("10.0.0.1"), IPv4},
		{netip.MustParseAddr("2001:db8::1"), IPv6},
		{netip.MustParseAddr("::ffff:10.0.0.1"), IPv6},
		{netip.MustParseAddr("fe80::1%eth0"), IPv6},
	}
	for _, tt := range tests {
		if got := FamilyOf(tt.in); got != tt.want {
			t.Errorf("FamilyOf(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if got := PrefixFamily(netip.Prefix{}); got != 0 {
		t.Errorf("PrefixFamily(zero) = %v, want 0", got)
	}
	if got := PrefixFamily(netip.MustParsePrefix("2001:db8::/32")); got != IPv6 {
		t.Errorf("PrefixFamily(2001:db8::/32) = %v, want IPv6", got)
	}
	if got := PrefixFamily(netip.MustParsePrefix("10.0.0.0/8")); got != IPv4 {
		t.Errorf("PrefixFamily(10.0.0.0/8) = %v, want IPv4", got)
	}
}

func TestFamilyText(t *testing.T) {
	tests := []struct {
		in      string
		want    Family
		wantErr string
	}{
		{"ipv4", IPv4, ""},
		{"IPv4", IPv4, ""},
		{"IPV6", IPv6, ""},
		{"ipv6", IPv6, ""},
		{"", 0, ""},
		{"v4", 0, `invalid address family "v4": want ipv4 or ipv6`},
		{"ipv4 ", 0, `invalid address family "ipv4 ": want ipv4 or ipv6`},
		{"4", 0, `invalid address family "4": want ipv4 or ipv6`},
	}
	for _, tt := range tests {
		var f Family
		err := f.UnmarshalText([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("UnmarshalText(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || f != tt.want {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", tt.in, f, err, tt.want)
		}
	}

	// JSON round trip through the text methods.
	in := map[string]Family{"a": IPv4, "b": IPv6}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"a":"ipv4","b":"ipv6"}` {
		t.Errorf("json = %s", b)
	}
	var out map[string]Family
	if err := json.Unmarshal(b, &out); err != nil || out["a"] != IPv4 || out["b"] != IPv6 {
		t.Errorf("json round trip = %v, %v", out, err)
	}
	if _, err := Family(5).MarshalText(); err == nil {
		t.Error("MarshalText(Family(5)) succeeded, want error")
	}
}

func TestFamilyString(t *testing.T) {
	for f, want := range map[Family]string{IPv4: "IPv4", IPv6: "IPv6", 0: "Family(0)", 5: "Family(5)"} {
		if got := f.String(); got != want {
			t.Errorf("Family(%d).String() = %q, want %q", uint8(f), got, want)
		}
	}
	if IPv4.BitLen() != 32 || IPv6.BitLen() != 128 || Family(0).BitLen() != 0 {
		t.Error("BitLen wrong")
	}
	if len(Families) != 2 || Families[0] != IPv4 || Families[1] != IPv6 {
		t.Errorf("Families = %v", Families)
	}
}
