package design

import (
	"strings"
	"testing"
)

func TestNameChecks(t *testing.T) {
	tests := []struct {
		check func(string) string
		kind  string
		name  string
		want  string // "" when valid, else a part of the reason
	}{
		{func(s string) string { return checkNXOSName(s, maxVRFNameLen) }, "vrf", "vrf-001", ""},
		{func(s string) string { return checkNXOSName(s, maxVRFNameLen) }, "vrf", "Tenant_A.1:x", ""},
		{func(s string) string { return checkNXOSName(s, maxVRFNameLen) }, "vrf", strings.Repeat("v", 32), ""},
		{func(s string) string { return checkNXOSName(s, maxVRFNameLen) }, "vrf", strings.Repeat("v", 33), "at most 32"},
		{func(s string) string { return checkNXOSName(s, maxNXOSNameLen) }, "route-map", "set]rt", `has ']' at offset 3`},
		{func(s string) string { return checkNXOSName(s, maxNXOSNameLen) }, "route-map", "", "is empty"},
		{func(s string) string { return checkNXOSName(s, maxNXOSNameLen) }, "template", "K8 v6", `has ' ' at offset 2`},
		{func(s string) string { return checkNXOSName(s, maxNXOSNameLen) }, "template", "calicó", `has 'ó' at offset 5`},
		{checkLeafName, "leaf", "Leaf2101.pod-1_a", ""},
		{checkLeafName, "leaf", "Leaf:2101", "has ':'"},
		{checkDNSLabel, "label", "rack-1", ""},
		{checkDNSLabel, "label", "1rack", ""},
		{checkDNSLabel, "label", "-rack", "has '-' at offset 0"},
		{checkDNSLabel, "label", "rack.1", "has '.'"},
		{checkDNSLabel, "label", strings.Repeat("a", 64), "at most 63"},
		{checkDNSSubdomain, "subdomain", "node-1.dc1.example", ""},
		{checkDNSSubdomain, "subdomain", ".node", "empty label at offset 0"},
		{checkDNSSubdomain, "subdomain", "node.", "empty label at offset 5"},
		{checkDNSSubdomain, "subdomain", "node-.x", "has '-' at offset 4"},
		{checkSecretKey, "key", "tls.key_1-a", ""},
		{checkSecretKey, "key", "..", `is ".."`},
		{checkSecretKey, "key", "a/b", "has '/'"},
		{checkInterfaceName, "ifname", "bond0.3001", ""},
		{checkInterfaceName, "ifname", "eth0:1", "has ':'"},
		{checkInterfaceName, "ifname", "bond 0", "has ' '"},
		{checkInterfaceName, "ifname", ".", `is "."`},
		{checkInterfaceName, "ifname", "abcdefghijklmnop", "at most 15"},
	}
	for _, tt := range tests {
		got := tt.check(tt.name)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s %q: got %q, want %q", tt.kind, tt.name, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"name", "leafPair", "ipv4", "ipv6"}
	for key, want := range map[string]string{
		"ipv4Adress": "ipv4", "IPV6": "ipv6", "leafpiar": "leafPair", "nmae": "name", "leaf": "leafPair", "colour": "", "x": "",
	} {
		if got := suggest(key, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", key, got, want)
		}
	}
}
