package design

import (
	"net/netip"
	"os"
	"strings"
	"testing"
)

// pathCodes returns the problems of err as "path: code" lines, in the order reported.
func pathCodes(t *testing.T, err error) []string {
	t.Helper()
	ps, ok := AsProblems(err)
	if !ok {
		t.Fatalf("error %T %v, want Problems", err, err)
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Path + ": " + string(p.Code)
	}
	return lines
}

// TestLoadEverySectionOnce loads a file with mistakes in every section — values that do not
// parse, misspelt keys and mistakes of the design — and gets every one of them in one run, each
// once, sorted by path, and nothing that merely follows from them.
func TestLoadEverySectionOnce(t *testing.T) {
	d, err := LoadFile("testdata/mistakes/every-section.yaml")
	if d != nil {
		t.Errorf("LoadFile returned a design with its problems")
	}
	checkLines(t, pathCodes(t, err), []string{
		"cluster.ipPools[0].blockSize: invalid-value",       // twenty
		"cluster.ipPools[1].encapsulation: family-mismatch", // IPIP on IPv6
		"cluster.ipPools[2].cidr: overlap",                  // inside pods-v4
		"cluster.ipPools[3].cidr: invalid-prefix",           // /33
		"cluster.maxPodsPerNode: invalid-value",             // many
		"cluster.nodeInterface: invalid-name",               // eth1/1
		"cluster.nodes[0].ipv4: invalid-prefix",             // 192.168.1.300
		"cluster.nodes[1].leafPair: unknown-leaf-pair",      // rack9
		"cluster.nodes[2].ipv4: not-in-subnet",              // 192.168.2.13
		"cluster.nodes[4].ipv4Adress: unknown-field",        // and no "node04 has no address"
		"cluster.nodes[5].name: duplicate-name",             // node01 again
		"cluster.servceClusterIPs: unknown-field",
		"fabric.asn: invalid-asn",                                               // 65102x, and no same-asn or Calico AS check on it
		"fabric.leafPairs[0].leaves[1].peeringLoopback.ipv4: loopback-not-host", // 10.1.2.0/24
		"fabric.leafPairs[0].leaves[1].routerID: duplicate-router-id",
		"fabric.leafPairs[1].leaves[0].mangement: unknown-field",
		"fabric.leafPairs[1].routeTargetColor: invalid-value", // and no shared-loopback-needs-color
		"fabric.leafPairs[2].leaves: leaf-pair-size",
		"fabric.leafPairs[2].leaves[0].peeringLoopback.id: invalid-loopback-id",
		"fabric.leafPairs[2].leaves[1].routerID: invalid-prefix", // and no "router ID missing"
		"fabric.leafPairs[2].name: invalid-name",                 // and node03 still finds Rack3
		"fabric.vrf: invalid-name",
		"peering.asOverride: as-override-required",
		"peering.ebgpMultihop: invalid-value",
		"peering.maximumPaths: invalid-value",
		"peering.nodeRoutes[1]: invalid-prefix", // and no unreachable IPv6 loopback
		"peering.passwordSecret.name: invalid-name",
		"peering.routeFilter: unknown-field",
		"peering.templates.ipv6: duplicate-name",
	})
}

// TestLoadUndecodableValueIsOneProblem breaks one value (or key) of the valid case study file at a
// time: each is exactly one problem, at its path, whatever rules need the field. A value that
// decodes but breaks a rule (a loopback written as a network) is Validate's, as in one run of
// examples/validate.
func TestLoadUndecodableValueIsOneProblem(t *testing.T) {
	base, err := os.ReadFile("testdata/casestudy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		old, new string
		want     []string
	}{
		{"asn: 65102", "asn: 65102x", []string{"fabric.asn: invalid-asn"}},
		{"vrf: vrf-001", "vrf: [vrf-001]", []string{"fabric.vrf: invalid-value"}},
		{"vlan: 3001", "vlan: 4000", []string{"fabric.anycastGateway.vlan: invalid-vlan"}},
		{"ipv4: 192.168.1.1/24", "ipv4: 192.168.1.1/33", []string{"fabric.anycastGateway.ipv4: invalid-prefix"}},
		{"ipv6: 2001:192:168:1::1/64", "ipv6: 2001:192:168:1::1", []string{"fabric.anycastGateway.ipv6: invalid-prefix"}},
		{"anycastGateway: {vlan: 3001, ipv4: 192.168.1.1/24, ipv6: 2001:192:168:1::1/64}", "anycastGateway: 3001", []string{"fabric.anycastGateway: invalid-value"}},
		{"- name: rack1", "- name: [rack1]", []string{"fabric.leafPairs[0].name: invalid-value"}},
		{"routeTargetColor: 2101:2102", "routeTargetColor: 2101:x", []string{"fabric.leafPairs[0].routeTargetColor: invalid-value"}},
		{"routerID: 10.2.1.1", "routerID: 10.2.1", []string{"fabric.leafPairs[0].leaves[0].routerID: invalid-prefix"}},
		{"{id: 1002, ipv4: 192.168.100.1/32", "{id: x, ipv4: 192.168.100.1/32", []string{"fabric.leafPairs[0].leaves[0].peeringLoopback.id: invalid-value"}},
		{"ipv4: 192.168.100.1/32", "ipv4: 192.168.100.1/32x", []string{"fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4: invalid-prefix"}},
		{"ipv4: 192.168.100.1/32", "ipv4: 192.168.100.0/24", []string{"fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4: loopback-not-host"}},
		{"ipv6: 2001:193:168:1::5/128", "ipv6: 2001:193:168:1::/64", []string{"fabric.leafPairs[0].leaves[1].peeringLoopback.ipv6: loopback-not-host"}},
		{"leaves:\n    - name: Leaf2101", "leaves: 2\n    leavs:\n    - name: Leaf2101", []string{"fabric.leafPairs[0].leaves: invalid-value", "fabric.leafPairs[0].leavs: unknown-field"}},
		{"name: prod", "name: 5", []string{"cluster.name: invalid-value"}},
		{"asn: 65531", "asn: AS65531", []string{"cluster.asn: invalid-asn"}},
		{"nodeInterface: bond0", "nodeInterface: {}", []string{"cluster.nodeInterface: invalid-value"}},
		{"ipv4: 192.168.1.10, ipv6: 2001:192:168:1::10", "ipv4: 192.168.1.10/24, ipv6: 2001:192:168:1::10%eth0", []string{"cluster.nodes[0].ipv4: invalid-prefix", "cluster.nodes[0].ipv6: invalid-prefix"}},
		{"{name: master, leafPair: rack1", "{name: master, leafPair: 7", []string{"cluster.nodes[0].leafPair: invalid-value"}},
		{"- {name: node02, leafPair: rack1, ipv4: 192.168.1.13, ipv6: 2001:192:168:1::13}", "- node02", []string{"cluster.nodes[2]: invalid-value"}},
		{"cidr: 10.244.0.0/16", "cidr: 10.244.0.0/16/", []string{"cluster.ipPools[0].cidr: invalid-prefix"}},
		{"blockSize: 26", "blockSize: 26.5", []string{"cluster.ipPools[0].blockSize: invalid-value"}},
		{"encapsulation: IPIP", "encapsulation: GRE", []string{"cluster.ipPools[0].encapsulation: invalid-value"}},
		{"cidr: fd00:10:244::/48", "cidr: fd00:10:244::/480", []string{"cluster.ipPools[1].cidr: invalid-prefix"}},
		{"serviceClusterIPs: [10.96.0.0/12]", "serviceClusterIPs: [10.96.0.0/12x]", []string{"cluster.serviceClusterIPs[0]: invalid-prefix"}},
		{"templates: {ipv4: CALICO, ipv6: K8-v6}", "templates: {ipv4: K8-v6, ipv6: [CALICO]}", []string{"peering.templates.ipv6: invalid-value"}},
		{"ebgpMultihop: 10", "ebgpMultihop: x", []string{"peering.ebgpMultihop: invalid-value"}},
		{"asOverride: true", "asOverride: yes please", []string{"peering.asOverride: invalid-value"}},
		{"nodeReachability: StaticRoutes", "nodeReachability: Static", []string{"peering.nodeReachability: invalid-value"}},
		{"advertiseDefaultRoute: true", "advertiseDefaultRoute: true\n  nodeRoutes: [192.168.100.0/24, 2001:193:168:1::4/127x]", []string{"peering.nodeRoutes[1]: invalid-prefix"}},
		{"templates: {ipv4: CALICO,", "routeFilters: 1\n  templates: {ipv4: " + strings.Repeat("T", 61) + ",", []string{"peering.routeFilters: invalid-value"}},
		{"nodeInterface: bond0", "nodeInterfaces: bond0", []string{"cluster.nodeInterfaces: unknown-field"}},
		{"fabric:", "fabrc:", []string{"fabrc: unknown-field"}},
		{"cluster:", "clustr:", []string{"clustr: unknown-field"}},
		{"peering:", "peerings:", []string{"peerings: unknown-field"}},
	}
	for _, tt := range tests {
		t.Run(tt.new, func(t *testing.T) {
			text := strings.Replace(string(base), tt.old, tt.new, 1)
			if text == string(base) {
				t.Fatalf("%q is not in the case study", tt.old)
			}
			d, err := Load(strings.NewReader(text))
			if err == nil {
				err = d.Validate()
			}
			if err == nil {
				t.Fatalf("no problem; want %v", tt.want)
			}
			got := pathCodes(t, err)
			checkLines(t, got, tt.want)
		})
	}
}

// TestValidateInvalidValueIsOneProblem makes one value of a design built in Go missing or invalid
// where rules of other fields compare with it: it is one problem, not one per rule.
func TestValidateInvalidValueIsOneProblem(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(d *Design)
		want   []want
	}{
		{"gateway without address", func(d *Design) {
			d.Fabric.AnycastGateway.IPv4, d.Fabric.AnycastGateway.IPv6 = netip.Prefix{}, netip.Prefix{}
		},
			[]want{{"fabric.anycastGateway", CodeRequired, "the anycast gateway has no address"}}},
		{"loopback written as a network", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.IPv4 = pfx("10.1.2.0/24") },
			[]want{{"fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4", CodeLoopbackNotHost, "peering loopback 10.1.2.0/24 is a /24; a loopback address is a host prefix (/32)"}}},
		{"leaf without loopback address", func(d *Design) {
			d.Fabric.LeafPairs[0].Leaves = d.Fabric.LeafPairs[0].Leaves[:1]
			d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback = Loopback{ID: 1002}
		}, []want{{"fabric.leafPairs[0].leaves[0].peeringLoopback", CodeRequired, "has no address"}}},
		{"node without address", func(d *Design) {
			d.Cluster.Nodes = d.Cluster.Nodes[:1]
			d.Cluster.Nodes[0].IPv4, d.Cluster.Nodes[0].IPv6 = netip.Addr{}, netip.Addr{}
		}, []want{{"cluster.nodes[0]", CodeRequired, "has no address"}}},
		{"IPv4-mapped node addresses", func(d *Design) {
			for i := range d.Cluster.Nodes {
				d.Cluster.Nodes[i].IPv6 = netip.AddrFrom16(addr("192.168.1.20").As16())
			}
		}, []want{{"cluster.nodes[0].ipv6", CodeInvalidPrefix, ""}, {"cluster.nodes[1].ipv6", CodeInvalidPrefix, ""}}},
		{"node route missing", func(d *Design) { d.Peering.NodeRoutes = []netip.Prefix{pfx("192.168.100.0/24"), {}} },
			[]want{{"peering.nodeRoutes[1]", CodeRequired, "the prefix is missing"}}},
		{"pair without a name", func(d *Design) {
			d.Fabric.LeafPairs[0].Name = ""
			d.Cluster.Nodes[1].LeafPair = "rack9"
		}, []want{{"fabric.leafPairs[0].name", CodeRequired, "the leaf pair name is missing"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := validDesign()
			tt.mutate(d)
			checkProblems(t, d.Validate(), tt.want)
		})
	}
}
