package addressing

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"single", "10.0.0.0/8", "10.0.0.0/8"},
		{"aligned host routes merge", "192.168.100.0/32 192.168.100.1/32", "192.168.100.0/31"},
		{"unaligned host routes stay", "192.168.100.1/32 192.168.100.2/32", "192.168.100.1/32 192.168.100.2/32"},
		{"three hosts", "192.168.100.1/32 192.168.100.2/32 192.168.100.3/32", "192.168.100.1/32 192.168.100.2/31"},
		{"contained dropped", "10.0.0.0/8 10.1.0.0/16 10.1.2.3/32", "10.0.0.0/8"},
		{"duplicates", "10.0.0.0/24 10.0.0.0/24", "10.0.0.0/24"},
		{"siblings aggregate", "10.0.0.0/24 10.0.1.0/24 10.0.2.0/24 10.0.3.0/24", "10.0.0.0/22"},
		{"adjacent unaligned", "10.0.1.0/24 10.0.2.0/24", "10.0.1.0/24 10.0.2.0/24"},
		{"host bits ignored", "192.168.1.1/24 192.168.0.0/24", "192.168.0.0/23"},
		{"IPv4 first", "2001:db8::/64 10.0.0.0/8 2001:db8:0:1::/64", "10.0.0.0/8 2001:db8::/63"},
		{"mapped IPv6 never merges with IPv4", "::ffff:10.0.0.0/104 10.0.0.0/8 ::ffff:11.0.0.0/104", "10.0.0.0/8 ::ffff:10.0.0.0/103"},
		{"top of IPv4 beside IPv6", "255.255.255.255/32 ::/128", "255.255.255.255/32 ::/128"},
		{"everything", "0.0.0.0/1 128.0.0.0/1 ::/0", "0.0.0.0/0 ::/0"},
	}
	for _, tt := range tests {
		var in []netip.Prefix
		for _, s := range strings.Fields(tt.in) {
			in = append(in, netip.MustParsePrefix(s))
		}
		in = append(in, netip.Prefix{}) // ignored
		var got []string
		for _, p := range Summarize(in) {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s: Summarize(%s) = %v, want %s", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestSummarizeDoesNotModifyInput(t *testing.T) {
	in := []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24"), netip.MustParsePrefix("10.0.0.0/24")}
	orig := slices.Clone(in)
	Summarize(in)
	if !slices.Equal(in, orig) {
		t.Errorf("input changed to %v", in)
	}
}
