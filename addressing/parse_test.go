package addressing

import (
	"errors"
	"net/netip"
	"testing"
)

func TestParsePrefix(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "10.244.0.0/16", want: "10.244.0.0/16"},
		{in: "0.0.0.0/0", want: "0.0.0.0/0"},
		{in: "192.168.100.1/32", want: "192.168.100.1/32"},
		{in: "2001:DB8::/32", want: "2001:db8::/32"},
		{in: "::/0", want: "::/0"},
		{in: "10.0.0.1/8", wantErr: `invalid prefix "10.0.0.1/8": host bits set (want 10.0.0.0/8)`},
		{in: "2001:db8::1/64", wantErr: `invalid prefix "2001:db8::1/64": host bits set (want 2001:db8::/64)`},
		{in: "10.0.0.0", wantErr: `invalid prefix "10.0.0.0": no '/'`},
		{in: "10.0.0.0/33", wantErr: `invalid prefix "10.0.0.0/33": prefix length out of range`},
		{in: "10.0.0.0/08", wantErr: `invalid prefix "10.0.0.0/08": bad bits after slash: "08"`},
		{in: "10.0.0.256/24", wantErr: `invalid prefix "10.0.0.256/24": IPv4 field has value >255`},
		{in: "fe80::%eth0/64", wantErr: `invalid prefix "fe80::%eth0/64": IPv6 zones cannot be present in a prefix`},
		{in: "::ffff:10.0.0.0/104", wantErr: `invalid prefix "::ffff:10.0.0.0/104": IPv4-mapped IPv6 prefix (write the IPv4 prefix)`},
		{in: "", wantErr: `invalid prefix "": no '/'`},
	}
	for _, tt := range tests {
		got, err := ParsePrefix(tt.in)
		if tt.wantErr != "" {
			var pe *ParseError
			if err == nil || err.Error() != tt.wantErr || !errors.As(err, &pe) || pe.Input != tt.in {
				t.Errorf("ParsePrefix(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParsePrefix(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestParseInterfacePrefix(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{in: "192.168.1.1/24"},
		{in: "192.168.1.254/24"},
		{in: "192.168.100.1/32"},
		{in: "192.168.100.0/32"},
		{in: "10.0.0.0/31"},
		{in: "10.0.0.1/31"},
		{in: "10.0.0.1/30"},
		{in: "2001:db8::1/64"},
		{in: "2001:db8::ffff:ffff:ffff:ffff/64"},
		{in: "2001:db8::/127"},
		{in: "2001:db8::/128"},
		{in: "192.168.1.0/24", wantErr: `invalid interface prefix "192.168.1.0/24": network address of 192.168.1.0/24 is not a host address`},
		{in: "192.168.1.255/24", wantErr: `invalid interface prefix "192.168.1.255/24": broadcast address of 192.168.1.0/24 is not a host address`},
		{in: "10.0.0.3/30", wantErr: `invalid interface prefix "10.0.0.3/30": broadcast address of 10.0.0.0/30 is not a host address`},
		{in: "2001:db8::/64", wantErr: `invalid interface prefix "2001:db8::/64": Subnet-Router anycast address of 2001:db8::/64 is not a host address`},
		{in: "2001:db8::/126", wantErr: `invalid interface prefix "2001:db8::/126": Subnet-Router anycast address of 2001:db8::/126 is not a host address`},
		{in: "10.0.0.1/0", wantErr: `invalid interface prefix "10.0.0.1/0": prefix length 0 is not an interface subnet`},
		{in: "fe80::1%eth0/64", wantErr: `invalid interface prefix "fe80::1%eth0/64": IPv6 zones cannot be present in a prefix`},
		{in: "::ffff:10.0.0.1/120", wantErr: `invalid interface prefix "::ffff:10.0.0.1/120": IPv4-mapped IPv6 address (write the IPv4 address)`},
		{in: "10.0.0.1", wantErr: `invalid interface prefix "10.0.0.1": no '/'`},
	}
	for _, tt := range tests {
		got, err := ParseInterfacePrefix(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseInterfacePrefix(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != netip.MustParsePrefix(tt.in) {
			t.Errorf("ParseInterfacePrefix(%q) = %v, %v; want %s", tt.in, got, err, tt.in)
		}
	}
}

func TestParseAddr(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "192.168.1.10", want: "192.168.1.10"},
		{in: "2001:192:168:1::10", want: "2001:192:168:1::10"},
		{in: "2001:DB8::1", want: "2001:db8::1"},
		{in: "fe80::1%eth0", wantErr: `invalid address "fe80::1%eth0": zone not allowed`},
		{in: "::ffff:10.0.0.1", wantErr: `invalid address "::ffff:10.0.0.1": IPv4-mapped IPv6 address (write 10.0.0.1)`},
		{in: "10.0.0.1/32", wantErr: `invalid address "10.0.0.1/32": unexpected character (at "/32")`},
		{in: "", wantErr: `invalid address "": unable to parse IP`},
	}
	for _, tt := range tests {
		got, err := ParseAddr(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseAddr(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseAddr(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"MustParsePrefix":          func() { MustParsePrefix("10.0.0.1/8") },
		"MustParseInterfacePrefix": func() { MustParseInterfacePrefix("10.0.0.0/8") },
		"MustParseAddr":            func() { MustParseAddr("nope") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestHostRouteLastAddr(t *testing.T) {
	tests := []struct {
		addr      string
		wantRoute string
	}{
		{"192.168.100.1", "192.168.100.1/32"},
		{"2001:db8::1", "2001:db8::1/128"},
		{"fe80::1%eth0", "fe80::1/128"},
	}
	for _, tt := range tests {
		if got := HostRoute(netip.MustParseAddr(tt.addr)); got.String() != tt.wantRoute {
			t.Errorf("HostRoute(%s) = %s, want %s", tt.addr, got, tt.wantRoute)
		}
	}
	if got := HostRoute(netip.Addr{}); got.IsValid() {
		t.Errorf("HostRoute(zero) = %v, want invalid", got)
	}

	lasts := []struct{ prefix, want string }{
		{"192.168.1.0/24", "192.168.1.255"},
		{"192.168.1.1/24", "192.168.1.255"},
		{"10.0.0.0/31", "10.0.0.1"},
		{"10.0.0.7/32", "10.0.0.7"},
		{"0.0.0.0/0", "255.255.255.255"},
		{"2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff"},
	}
	for _, tt := range lasts {
		if got := LastAddr(netip.MustParsePrefix(tt.prefix)); got.String() != tt.want {
			t.Errorf("LastAddr(%s) = %s, want %s", tt.prefix, got, tt.want)
		}
	}
	if got := LastAddr(netip.Prefix{}); got.IsValid() {
		t.Errorf("LastAddr(zero) = %v, want invalid", got)
	}
}

func TestParseAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		_, _ = ParsePrefix("10.244.0.0/16")
		_, _ = ParseAddr("2001:db8::1")
		_, _ = ParseInterfacePrefix("192.168.1.1/24")
		_ = HostRoute(netip.MustParseAddr("10.0.0.1"))
	})
	if n != 0 {
		t.Errorf("successful parses allocate %v times, want 0", n)
	}
}
