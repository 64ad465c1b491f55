package addressing

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestPoolNextHost(t *testing.T) {
	tests := []struct {
		prefix string
		want   []string // every host in allocation order, then exhaustion
	}{
		{"192.168.1.0/29", []string{"192.168.1.1", "192.168.1.2", "192.168.1.3", "192.168.1.4", "192.168.1.5", "192.168.1.6"}},
		{"10.0.0.0/30", []string{"10.0.0.1", "10.0.0.2"}},
		{"10.0.0.0/31", []string{"10.0.0.0", "10.0.0.1"}},
		{"10.0.0.5/32", []string{"10.0.0.5"}},
		{"2001:db8::/126", []string{"2001:db8::1", "2001:db8::2", "2001:db8::3"}},
		{"2001:db8::/127", []string{"2001:db8::", "2001:db8::1"}},
		{"2001:db8::9/128", []string{"2001:db8::9"}},
		{"255.255.255.252/30", []string{"255.255.255.253", "255.255.255.254"}},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/126", []string{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}},
	}
	for _, tt := range tests {
		p, err := NewPool(MustParsePrefix(tt.prefix))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range tt.want {
			got, err := p.NextHost()
			if err != nil || got.String() != want {
				t.Errorf("pool %s: NextHost() = %v, %v; want %s", tt.prefix, got, err, want)
			}
		}
		got, err := p.NextHost()
		if !errors.Is(err, ErrExhausted) || !strings.Contains(err.Error(), tt.prefix) {
			t.Errorf("pool %s: NextHost() after %d hosts = %v, %v; want ErrExhausted naming the pool", tt.prefix, len(tt.want), got, err)
		}
	}
}

func TestPoolReserveThenAllocate(t *testing.T) {
	p, _ := NewPool(MustParsePrefix("192.168.100.0/24"))
	for _, s := range []string{"192.168.100.1", "192.168.100.3"} {
		if err := p.Reserve(MustParseAddr(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.ReservePrefix(MustParsePrefix("192.168.100.4/30")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 3 {
		a, err := p.NextHost()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a.String())
	}
	if want := "192.168.100.2 192.168.100.8 192.168.100.9"; strings.Join(got, " ") != want {
		t.Errorf("NextHost sequence = %v, want %s", got, want)
	}
	s, err := p.NextSubnet(30)
	if err != nil || s.String() != "192.168.100.12/30" {
		t.Errorf("NextSubnet(30) = %v, %v; want 192.168.100.12/30", s, err)
	}
	s, err = p.NextSubnet(29)
	if err != nil || s.String() != "192.168.100.16/29" {
		t.Errorf("NextSubnet(29) = %v, %v; want 192.168.100.16/29", s, err)
	}
	a, err := p.NextHost()
	if err != nil || a.String() != "192.168.100.10" {
		t.Errorf("NextHost() = %v, %v; want the gap at 192.168.100.10", a, err)
	}
}

func TestPoolErrors(t *testing.T) {
	p, _ := NewPool(MustParsePrefix("10.0.0.0/24"))
	if err := p.Reserve(MustParseAddr("10.0.0.10")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		err     error
		want    string
		inUse   bool
		exhaust bool
	}{
		{"reserve twice", p.Reserve(MustParseAddr("10.0.0.10")), "pool 10.0.0.0/24: reserve 10.0.0.10: already in use", true, false},
		{"reserve outside", p.Reserve(MustParseAddr("10.0.1.1")), "pool 10.0.0.0/24: reserve 10.0.1.1: outside the pool", false, false},
		{"reserve other family", p.Reserve(MustParseAddr("2001:db8::1")), "pool 10.0.0.0/24: reserve 2001:db8::1: outside the pool", false, false},
		{"reserve overlapping prefix", p.ReservePrefix(MustParsePrefix("10.0.0.8/29")), "pool 10.0.0.0/24: reserve 10.0.0.8/29: already in use", true, false},
		{"reserve supernet", p.ReservePrefix(MustParsePrefix("10.0.0.0/23")), "pool 10.0.0.0/24: reserve 10.0.0.0/23: outside the pool", false, false},
		{"reserve host bits", p.ReservePrefix(netip.MustParsePrefix("10.0.0.1/30")), "pool 10.0.0.0/24: reserve 10.0.0.1/30: host bits set (want 10.0.0.0/30)", false, false},
		{"subnet too short", errOf(p.NextSubnet(23)), "pool 10.0.0.0/24: subnet length /23 outside /24../32", false, false},
		{"subnet too long", errOf(p.NextSubnet(33)), "pool 10.0.0.0/24: subnet length /33 outside /24../32", false, false},
		{"subnet exhausted", errOf(p.NextSubnet(24)), "pool 10.0.0.0/24: no free /24 subnet: address pool exhausted", false, true},
	}
	for _, tt := range tests {
		if tt.err == nil || tt.err.Error() != tt.want {
			t.Errorf("%s: err = %v, want %q", tt.name, tt.err, tt.want)
			continue
		}
		if errors.Is(tt.err, ErrInUse) != tt.inUse || errors.Is(tt.err, ErrExhausted) != tt.exhaust {
			t.Errorf("%s: errors.Is(ErrInUse)=%v, errors.Is(ErrExhausted)=%v", tt.name, errors.Is(tt.err, ErrInUse), errors.Is(tt.err, ErrExhausted))
		}
	}

	for _, bad := range []netip.Prefix{{}, netip.MustParsePrefix("10.0.0.1/24"), netip.MustParsePrefix("::ffff:10.0.0.0/104")} {
		if _, err := NewPool(bad); err == nil {
			t.Errorf("NewPool(%v) succeeded", bad)
		}
	}
	var zero Pool
	if _, err := zero.NextHost(); err == nil {
		t.Error("zero Pool NextHost succeeded")
	}
	var nilPool *Pool
	if err := nilPool.Reserve(MustParseAddr("10.0.0.1")); err == nil || nilPool.Prefix().IsValid() {
		t.Error("nil Pool Reserve succeeded")
	}
}

func errOf[T any](_ T, err error) error { return err }

func TestPoolNextSubnet(t *testing.T) {
	p, _ := NewPool(MustParsePrefix("10.1.0.0/16"))
	steps := []struct {
		bits int
		want string
	}{
		{31, "10.1.0.0/31"},
		{24, "10.1.1.0/24"}, // 10.1.0.0/24 is partly taken
		{31, "10.1.0.2/31"}, // back-fills the first /24
		{30, "10.1.0.4/30"},
		{25, "10.1.0.128/25"},
		{16, ""}, // exhausted
		{17, "10.1.128.0/17"},
		{17, ""},
		{32, "10.1.0.8"},
	}
	for _, s := range steps {
		got, err := p.NextSubnet(s.bits)
		if s.want == "" {
			if !errors.Is(err, ErrExhausted) {
				t.Errorf("NextSubnet(%d) = %v, %v; want ErrExhausted", s.bits, got, err)
			}
			continue
		}
		if err != nil || (got.String() != s.want && got.String() != s.want+"/32") {
			t.Errorf("NextSubnet(%d) = %v, %v; want %s", s.bits, got, err, s.want)
		}
	}

	v6, _ := NewPool(MustParsePrefix("2001:db8::/32"))
	for _, want := range []string{"2001:db8::/64", "2001:db8:0:1::/64"} {
		if got, err := v6.NextSubnet(64); err != nil || got.String() != want {
			t.Errorf("v6 NextSubnet(64) = %v, %v; want %s", got, err, want)
		}
	}
	if got, err := v6.NextSubnet(48); err != nil || got.String() != "2001:db8:1::/48" {
		t.Errorf("v6 NextSubnet(48) = %v, %v", got, err)
	}

	// Subnets up to the very end of the address space.
	top, _ := NewPool(MustParsePrefix("255.255.255.0/24"))
	if err := top.ReservePrefix(MustParsePrefix("255.255.255.0/25")); err != nil {
		t.Fatal(err)
	}
	if got, err := top.NextSubnet(25); err != nil || got.String() != "255.255.255.128/25" {
		t.Errorf("top NextSubnet(25) = %v, %v", got, err)
	}
	if _, err := top.NextSubnet(32); !errors.Is(err, ErrExhausted) {
		t.Errorf("full top pool: %v", err)
	}
}

// TestPoolHostsAreInterfaceAddresses checks that every host a pool hands out,
// written with the pool's length, is accepted by ParseInterfacePrefix.
func TestPoolHostsAreInterfaceAddresses(t *testing.T) {
	for _, s := range []string{"10.0.0.0/28", "10.0.0.0/30", "10.0.0.0/31", "2001:db8::/124", "2001:db8::/127"} {
		p, _ := NewPool(MustParsePrefix(s))
		for {
			a, err := p.NextHost()
			if err != nil {
				break
			}
			ip := netip.PrefixFrom(a, p.Prefix().Bits())
			if _, err := ParseInterfacePrefix(ip.String()); err != nil {
				t.Errorf("pool %s handed out %s: %v", s, a, err)
			}
		}
	}
}

func TestPoolNextHostAllocs(t *testing.T) {
	p, _ := NewPool(MustParsePrefix("10.0.0.0/8"))
	if _, err := p.NextHost(); err != nil {
		t.Fatal(err)
	}
	// Sequential hosts extend one merged range: no allocation per call.
	n := testing.AllocsPerRun(1000, func() {
		if _, err := p.NextHost(); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Errorf("NextHost allocates %v times per call, want 0", n)
	}
}
