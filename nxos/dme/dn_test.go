package dme

import (
	"slices"
	"strings"
	"testing"
)

func TestParseDN(t *testing.T) {
	tests := []struct {
		in   string
		rns  []string
		key  string
		last string
	}{
		{"sys", []string{"sys"}, "sys", "sys"},
		{"sys/intf/phys-[eth1/1]", []string{"sys", "intf", "phys-[eth1/1]"}, "sys/intf/phys-[eth1/1]", "phys-[eth1/1]"},
		{"sys/bgp/inst/dom-vrf-001/peer-[2001:192:168:1::10]", []string{"sys", "bgp", "inst", "dom-vrf-001", "peer-[2001:192:168:1::10]"}, "sys/bgp/inst/dom-vrf-001/peer-2001:192:168:1::10", "peer-[2001:192:168:1::10]"},
		{"sys/rpm/rtmap-[loopback]/ent-10/mrtdst/rsrtDstAtt-[sys/rpm/pfxlistv4-[dup_ip_avoidance]]",
			[]string{"sys", "rpm", "rtmap-[loopback]", "ent-10", "mrtdst", "rsrtDstAtt-[sys/rpm/pfxlistv4-[dup_ip_avoidance]]"},
			"sys/rpm/rtmap-loopback/ent-10/mrtdst/rsrtDstAtt-[sys/rpm/pfxlistv4-dup_ip_avoidance]", "rsrtDstAtt-[sys/rpm/pfxlistv4-[dup_ip_avoidance]]"},
		{"sys/ipv4/inst/dom-default/rt-[10.0.0.0/8]/nh-[unspecified]-addr-[10.0.0.1]-vrf-[default]",
			[]string{"sys", "ipv4", "inst", "dom-default", "rt-[10.0.0.0/8]", "nh-[unspecified]-addr-[10.0.0.1]-vrf-[default]"},
			"sys/ipv4/inst/dom-default/rt-[10.0.0.0/8]/nh-unspecified-addr-10.0.0.1-vrf-default", "nh-[unspecified]-addr-[10.0.0.1]-vrf-[default]"},
		{"sys/ipv6/inst/dom-v/if-[vlan3001]/addr-[2001:DB8:0::1/64]", []string{"sys", "ipv6", "inst", "dom-v", "if-[vlan3001]", "addr-[2001:DB8:0::1/64]"},
			"sys/ipv6/inst/dom-v/if-vlan3001/addr-[2001:db8::1/64]", "addr-[2001:DB8:0::1/64]"},
	}
	for _, tt := range tests {
		d, err := ParseDN(tt.in)
		if err != nil {
			t.Errorf("ParseDN(%q): %v", tt.in, err)
			continue
		}
		if d.String() != tt.in {
			t.Errorf("ParseDN(%q).String() = %q", tt.in, d.String())
		}
		if got := d.RNs(); !slices.Equal(got, tt.rns) {
			t.Errorf("ParseDN(%q).RNs() = %q, want %q", tt.in, got, tt.rns)
		}
		if d.Key() != tt.key {
			t.Errorf("ParseDN(%q).Key() = %q, want %q", tt.in, d.Key(), tt.key)
		}
		if d.Last() != tt.last {
			t.Errorf("ParseDN(%q).Last() = %q, want %q", tt.in, d.Last(), tt.last)
		}
	}
}

func TestParseDNErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty DN"},
		{"/sys", `DN "/sys": empty RN at offset 0`},
		{"sys/", `DN "sys/": empty RN at offset 4`},
		{"sys//bgp", `DN "sys//bgp": empty RN at offset 4`},
		{"sys/peer-[1.1.1.1", `DN "sys/peer-[1.1.1.1": unclosed "["`},
		{"sys/peer-1.1.1.1]", `DN "sys/peer-1.1.1.1]": unbalanced "]" at offset 16`},
		{"sys/peer[1.1.1.1]", `DN "sys/peer[1.1.1.1]": "[" at offset 8 must follow "-"`},
		{"sys/peer-[]", `DN "sys/peer-[]": empty brackets at offset 9`},
		{"sys/peer-[a]b", `DN "sys/peer-[a]b": "]" at offset 11 must end the RN`},
		{"sys/dom default", `DN "sys/dom default": invalid character ' ' at offset 7`},
		{"sys/x-[sys//y]", `nested DN "sys//y"`},
	}
	for _, tt := range tests {
		_, err := ParseDN(tt.in)
		if err == nil {
			t.Errorf("ParseDN(%q): no error", tt.in)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseDN(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestDNEqual(t *testing.T) {
	tests := []struct {
		a, b  string
		equal bool
	}{
		{"sys/bgp/inst/dom-default", "sys/bgp/inst/dom-[default]", true},
		{"sys/bgp/inst/dom-default/af-ipv4-ucast", "sys/bgp/inst/dom-default/af-[ipv4-ucast]", true},
		{"sys/bgp/inst/dom-v/peer-[2001:192:168:1::10]", "sys/bgp/inst/dom-v/peer-[2001:0192:0168:0001:0000:0000:0000:0010]", true},
		{"sys/bgp/inst/dom-v/peer-[2001:db8::a]", "sys/bgp/inst/dom-v/peer-[2001:DB8::A]", true},
		{"sys/bgp/inst/dom-v/peer-[2001:db8::a]", "sys/bgp/inst/dom-v/peer-2001:DB8::A", true},
		{"sys/inst-[vrf-001]", "sys/inst-vrf-001", true},
		{"sys/eps/epId-[1]", "sys/eps/epId-1", true},
		{"sys/rpm/rtmap-[x]/ent-10/mrtdst/rsrtDstAtt-[sys/rpm/pfxlistv4-[p]]", "sys/rpm/rtmap-x/ent-10/mrtdst/rsrtDstAtt-[sys/rpm/pfxlistv4-p]", true},
		{"sys/ipv6/inst/dom-v/rt-[2001:db8::/32]", "sys/ipv6/inst/dom-v/rt-[2001:DB8:0::/32]", true},
		{"sys/bgp/inst/dom-default", "sys/bgp/inst/dom-Default", false},
		{"sys/bgp/inst/dom-v/peer-[10.0.0.1]", "sys/bgp/inst/dom-v/peer-[10.0.0.10]", false},
		{"sys/ipv6/inst/dom-v/rt-[2001:db8::/32]", "sys/ipv6/inst/dom-v/rt-[2001:db8::/48]", false},
		{"sys/intf/phys-[eth1/1]", "sys/intf/phys-[eth1/2]", false},
	}
	for _, tt := range tests {
		a, b := MustParseDN(tt.a), MustParseDN(tt.b)
		if a.Equal(b) != tt.equal || b.Equal(a) != tt.equal {
			t.Errorf("%q.Equal(%q) = %v, want %v (keys %q, %q)", tt.a, tt.b, a.Equal(b), tt.equal, a.Key(), b.Key())
		}
	}
}

func TestDNParentChild(t *testing.T) {
	d := MustParseDN("sys/intf/phys-[eth1/1]")
	p := d.Parent()
	if p.String() != "sys/intf" || p.Key() != "sys/intf" {
		t.Errorf("Parent = %q (key %q)", p, p.Key())
	}
	if !p.Parent().Parent().IsZero() {
		t.Errorf("Parent of sys = %q, want zero", p.Parent().Parent())
	}
	c := MustParseDN("sys/bgp/inst/dom-[default]").Child("peer-[2001:DB8::1]")
	if c.String() != "sys/bgp/inst/dom-[default]/peer-[2001:DB8::1]" {
		t.Errorf("Child String = %q", c)
	}
	if !c.Equal(MustParseDN("sys/bgp/inst/dom-default/peer-[2001:db8::1]")) {
		t.Errorf("Child key %q", c.Key())
	}
	if !c.Parent().Equal(MustParseDN("sys/bgp/inst/dom-default")) {
		t.Errorf("Child.Parent = %q", c.Parent())
	}
	for _, bad := range []string{"", "a/b", "x-[", "]"} {
		if got := p.Child(bad); !got.IsZero() {
			t.Errorf("Child(%q) = %q, want zero", bad, got)
		}
	}
	if !(DN{}).Child("sys").IsZero() {
		t.Error("zero DN Child is not zero")
	}
	if (DN{}).RNs() != nil || !(DN{}).IsZero() {
		t.Error("zero DN has RNs")
	}
}

func FuzzParseDN(f *testing.F) {
	for _, s := range []string{
		"sys", "sys/intf/phys-[eth1/1]", "sys/bgp/inst/dom-default/peer-[2001:192:168:1::10]/ent-[2001:192:168:1::10]",
		"sys/rpm/rtmap-[x]/ent-10/mrtdst/rsrtDstAtt-[sys/rpm/pfxlistv4-[y]]", "a-[[b]]", "sys/x-[::ffff:1.2.3.4]",
		"sys/nh-[a]-addr-[b]-vrf-[c]", "sys/af-[ipv4-ucast]", "x-2001:DB8::1-y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDN(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("String() = %q, want %q", d.String(), s)
		}
		e, err := ParseDN(d.String())
		if err != nil || e.Key() != d.Key() {
			t.Fatalf("reparse of %q: key %q vs %q, err %v", s, e.Key(), d.Key(), err)
		}
		if k2, err := ParseDN(d.Key()); err == nil && k2.Key() != d.Key() {
			t.Fatalf("key of key %q = %q", d.Key(), k2.Key())
		}
		rns := d.RNs()
		if strings.Join(rns, "/") != s {
			t.Fatalf("RNs %q do not join to %q", rns, s)
		}
		if p := d.Parent(); len(rns) > 1 {
			if c := p.Child(rns[len(rns)-1]); !c.Equal(d) {
				t.Fatalf("Parent/Child of %q = %q", s, c)
			}
		}
	})
}
