package design

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

// validDesign is the smallest dual-stack design that validates: one pair of two leaves, two
// nodes, a pool per family, everything else defaulted.
func validDesign() *Design {
	leaf := func(name, rid, v4, v6 string) Leaf {
		return Leaf{Name: name, RouterID: addr(rid), PeeringLoopback: Loopback{ID: 1002, IPv4: pfx(v4), IPv6: pfx(v6)}}
	}
	return &Design{
		Fabric: Fabric{
			ASN: 65102,
			VRF: "vrf-001",
			AnycastGateway: AnycastGateway{
				VLAN: 3001, IPv4: pfx("192.168.1.1/24"), IPv6: pfx("2001:db8:1::1/64"),
			},
			LeafPairs: []LeafPair{{Name: "rack1", Leaves: []Leaf{
				leaf("leaf1", "10.2.1.1", "192.168.100.1/32", "2001:db8:100::1/128"),
				leaf("leaf2", "10.2.1.2", "192.168.100.2/32", "2001:db8:100::2/128"),
			}}},
		},
		Cluster: Cluster{
			Name: "prod",
			ASN:  65531,
			Nodes: []Node{
				{Name: "node1", LeafPair: "rack1", IPv4: addr("192.168.1.10"), IPv6: addr("2001:db8:1::10")},
				{Name: "node2", LeafPair: "rack1", IPv4: addr("192.168.1.11"), IPv6: addr("2001:db8:1::11")},
			},
			IPPools: []IPPool{
				{Name: "pods-v4", CIDR: pfx("10.244.0.0/16")},
				{Name: "pods-v6", CIDR: pfx("fd00:10:244::/48")},
			},
			ServiceClusterIPs: []netip.Prefix{pfx("10.96.0.0/12")},
		},
	}
}

// secondPair adds pair rack2 (leaves leaf3, leaf4) with the given loopbacks and one node.
func secondPair(d *Design, color string, v4a, v4b string) {
	pair := LeafPair{Name: "rack2", Leaves: []Leaf{
		{Name: "leaf3", RouterID: addr("10.2.2.1"), PeeringLoopback: Loopback{ID: 1002, IPv4: pfx(v4a)}},
		{Name: "leaf4", RouterID: addr("10.2.2.2"), PeeringLoopback: Loopback{ID: 1002, IPv4: pfx(v4b)}},
	}}
	if color != "" {
		pair.RouteTargetColor = MustParseRouteTarget(color)
	}
	d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, pair)
	d.Cluster.Nodes = append(d.Cluster.Nodes, Node{Name: "node3", LeafPair: "rack2", IPv4: addr("192.168.1.12")})
}

func TestValidDesignsValidate(t *testing.T) {
	for name, d := range map[string]*Design{"validDesign": validDesign(), "CaseStudy": CaseStudy()} {
		if err := d.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v, want nil", name, err)
		}
	}
	shared := validDesign()
	shared.Fabric.LeafPairs[0].RouteTargetColor = MustParseRouteTarget("2101:2102")
	secondPair(shared, "2103:2104", "192.168.100.1/32", "192.168.100.2/32")
	if err := shared.Validate(); err != nil {
		t.Errorf("colored pairs sharing loopbacks: Validate() = %v, want nil", err)
	}
}

// want is one expected problem: exact path and code, and a part of the message.
type want struct {
	path string
	code Code
	msg  string
}

func TestValidateCodes(t *testing.T) {
	longName := strings.Repeat("a", 64)
	tests := []struct {
		name   string
		mutate func(d *Design)
		want   []want
	}{
		// invalid-asn, same-asn, required ASN
		{"AS_TRANS", func(d *Design) { d.Fabric.ASN = ASTrans }, []want{{"fabric.asn", CodeInvalidASN, "23456 is invalid: 23456 is AS_TRANS"}}},
		{"cluster AS missing", func(d *Design) { d.Cluster.ASN = 0 }, []want{{"cluster.asn", CodeRequired, "the cluster AS number is missing"}}},
		{"same AS", func(d *Design) { d.Cluster.ASN = 65102 }, []want{{"cluster.asn", CodeSameASN, "the cluster AS 65102 is also the fabric AS"}}},

		// invalid-name and required names
		{"VRF with space", func(d *Design) { d.Fabric.VRF = "vrf 001" }, []want{{"fabric.vrf", CodeInvalidName, `VRF name "vrf 001" has ' ' at offset 3`}}},
		{"VRF too long", func(d *Design) { d.Fabric.VRF = strings.Repeat("v", 33) }, []want{{"fabric.vrf", CodeInvalidName, "is 33 characters long (at most 32)"}}},
		{"VRF with bracket", func(d *Design) { d.Fabric.VRF = "vrf[1]" }, []want{{"fabric.vrf", CodeInvalidName, "has '[' at offset 3"}}},
		{"system VRF", func(d *Design) { d.Fabric.VRF = "management" }, []want{{"fabric.vrf", CodeInvalidName, "is a system VRF"}}},
		{"VRF missing", func(d *Design) { d.Fabric.VRF = "" }, []want{{"fabric.vrf", CodeRequired, "the VRF name is missing"}}},
		{"template with slash", func(d *Design) { d.Peering.Templates.IPv4 = "CAL/ICO" }, []want{{"peering.templates.ipv4", CodeInvalidName, `template name "CAL/ICO" has '/'`}}},
		{"route-map too long", func(d *Design) { d.Peering.ColorRouteMap = longName }, []want{{"peering.colorRouteMap", CodeInvalidName, "is 64 characters long (at most 63)"}}},
		{"prefix-list leaves no room for _v6", func(d *Design) {
			d.Fabric.LeafPairs[0].RouteTargetColor = MustParseRouteTarget("2101:2102")
			d.Peering.ColorPrefixList = strings.Repeat("p", 61)
		}, []want{{"peering.colorPrefixList", CodeInvalidName, `with "_v6" appended`}}},
		{"pair name upper case", func(d *Design) {
			d.Fabric.LeafPairs[0].Name = "Rack1"
			d.Cluster.Nodes[0].LeafPair = "Rack1"
			d.Cluster.Nodes[1].LeafPair = "Rack1"
		},
			// The nodes name the pair as it is written: the one mistake is the pair's name.
			[]want{{"fabric.leafPairs[0].name", CodeInvalidName, `leaf pair name "Rack1" has 'R' at offset 0 (lower-case`}}},
		{"cluster name underscore", func(d *Design) { d.Cluster.Name = "prod_1" }, []want{{"cluster.name", CodeInvalidName, `cluster name "prod_1" has '_'`}}},
		{"cluster name ends with dash", func(d *Design) { d.Cluster.Name = "prod-" }, []want{{"cluster.name", CodeInvalidName, "must start and end with a letter or digit"}}},
		{"cluster name missing", func(d *Design) { d.Cluster.Name = "" }, []want{{"cluster.name", CodeRequired, "the cluster name is missing"}}},
		{"node name", func(d *Design) { d.Cluster.Nodes[1].Name = "Node_2" }, []want{{"cluster.nodes[1].name", CodeInvalidName, `node name "Node_2" has 'N'`}}},
		{"node name empty label", func(d *Design) { d.Cluster.Nodes[1].Name = "node2..example" }, []want{{"cluster.nodes[1].name", CodeInvalidName, "empty label"}}},
		{"leaf name", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[1].Name = "Leaf 2102" }, []want{{"fabric.leafPairs[0].leaves[1].name", CodeInvalidName, `leaf name "Leaf 2102" has ' '`}}},
		{"node interface too long", func(d *Design) { d.Cluster.NodeInterface = "bond0-to-leaves1" }, []want{{"cluster.nodeInterface", CodeInvalidName, "is 16 characters long (at most 15)"}}},
		{"node interface with slash", func(d *Design) { d.Cluster.NodeInterface = "eth1/1" }, []want{{"cluster.nodeInterface", CodeInvalidName, "has '/'"}}},
		{"secret fields", func(d *Design) { d.Peering.PasswordSecret = &SecretRef{Namespace: "Calico", Key: "pass word"} }, []want{
			{"peering.passwordSecret.key", CodeInvalidName, `secret key "pass word" has ' '`},
			{"peering.passwordSecret.name", CodeRequired, "the secret name is missing"},
			{"peering.passwordSecret.namespace", CodeInvalidName, `secret namespace "Calico" has 'C'`},
		}},

		// invalid-vlan, invalid-loopback-id
		{"VLAN reserved", func(d *Design) { d.Fabric.AnycastGateway.VLAN = 4000 }, []want{{"fabric.anycastGateway.vlan", CodeInvalidVLAN, "VLAN 4000 is outside 1 to 3967"}}},
		{"VLAN missing", func(d *Design) { d.Fabric.AnycastGateway.VLAN = 0 }, []want{{"fabric.anycastGateway.vlan", CodeRequired, "VLAN is missing"}}},
		{"loopback 1024", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.ID = 1024 }, []want{{"fabric.leafPairs[0].leaves[0].peeringLoopback.id", CodeInvalidLoopbackID, "loopback1024 is outside loopback0 to loopback1023"}}},
		{"loopback -1", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[1].PeeringLoopback.ID = -1 }, []want{{"fabric.leafPairs[0].leaves[1].peeringLoopback.id", CodeInvalidLoopbackID, "loopback-1"}}},

		// invalid-prefix
		{"pool with host bits", func(d *Design) { d.Cluster.IPPools[0].CIDR = pfx("10.244.0.1/16") }, []want{{"cluster.ipPools[0].cidr", CodeInvalidPrefix, `invalid prefix "10.244.0.1/16": host bits set (want 10.244.0.0/16)`}}},
		{"service with host bits", func(d *Design) { d.Cluster.ServiceClusterIPs[0] = pfx("10.96.0.1/12") }, []want{{"cluster.serviceClusterIPs[0]", CodeInvalidPrefix, `"10.96.0.1/12": host bits set`}}},
		{"node route with host bits", func(d *Design) {
			d.Peering.NodeRoutes = []netip.Prefix{pfx("192.168.100.1/24"), pfx("2001:db8:100::/64")}
		},
			// Which loopbacks the bad route was meant to cover is unknown: no coverage problem follows.
			[]want{{"peering.nodeRoutes[0]", CodeInvalidPrefix, "host bits set (want 192.168.100.0/24)"}}},
		{"gateway is the network address", func(d *Design) { d.Fabric.AnycastGateway.IPv4 = pfx("192.168.1.0/24") },
			// The IPv4 gateway is unknown, not absent: nothing IPv4 is judged against it.
			[]want{{"fabric.anycastGateway.ipv4", CodeInvalidPrefix, "network address of 192.168.1.0/24 is not a host address"}}},
		{"IPv6 in an ipv4 field", func(d *Design) { d.Cluster.Nodes[0].IPv4 = addr("2001:db8:1::20") }, []want{{"cluster.nodes[0].ipv4", CodeInvalidPrefix, "2001:db8:1::20 is not a plain IPv4 address"}}},

		// not-in-subnet, gateway-address
		{"node outside subnet", func(d *Design) { d.Cluster.Nodes[1].IPv4 = addr("192.168.2.11") }, []want{{"cluster.nodes[1].ipv4", CodeNotInSubnet, "192.168.2.11 is outside the anycast gateway subnet 192.168.1.0/24"}}},
		{"node is the gateway", func(d *Design) { d.Cluster.Nodes[0].IPv6 = addr("2001:db8:1::1") }, []want{{"cluster.nodes[0].ipv6", CodeGatewayAddress, "2001:db8:1::1 is the anycast gateway address itself"}}},
		{"node is the network address", func(d *Design) { d.Cluster.Nodes[0].IPv4 = addr("192.168.1.0") }, []want{{"cluster.nodes[0].ipv4", CodeGatewayAddress, "192.168.1.0 is the network address of the gateway subnet 192.168.1.0/24"}}},
		{"node is the broadcast address", func(d *Design) { d.Cluster.Nodes[0].IPv4 = addr("192.168.1.255") }, []want{{"cluster.nodes[0].ipv4", CodeGatewayAddress, "broadcast address"}}},
		{"node is the subnet-router anycast address", func(d *Design) { d.Cluster.Nodes[0].IPv6 = addr("2001:db8:1::") }, []want{{"cluster.nodes[0].ipv6", CodeGatewayAddress, "Subnet-Router anycast address"}}},

		// duplicate-address
		{"two nodes, one address", func(d *Design) { d.Cluster.Nodes[1].IPv4 = addr("192.168.1.10") }, []want{{"cluster.nodes[1].ipv4", CodeDuplicateAddress, `192.168.1.10 is also the address of node "node1" (cluster.nodes[0].ipv4)`}}},
		{"two leaves of a pair, one loopback", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[1].PeeringLoopback.IPv6 = pfx("2001:db8:100::1/128") },
			[]want{{"fabric.leafPairs[0].leaves[1].peeringLoopback.ipv6", CodeDuplicateAddress, `2001:db8:100::1 is also the peering loopback of leaf "leaf1"`}}},
		{"loopback is the gateway", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.IPv4 = pfx("192.168.1.1/32") },
			[]want{{"fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4", CodeDuplicateAddress, "192.168.1.1 is also the anycast gateway address (fabric.anycastGateway.ipv4)"}}},
		{"node is a loopback", func(d *Design) { d.Cluster.Nodes[0].IPv6 = addr("2001:db8:100::2") },
			[]want{{"cluster.nodes[0].ipv6", CodeNotInSubnet, "outside"}, {"cluster.nodes[0].ipv6", CodeDuplicateAddress, `also the peering loopback of leaf "leaf2"`}}},
		{"loopback in the gateway subnet", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.IPv4 = pfx("192.168.1.50/32") },
			[]want{{"fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4", CodeOverlap, "192.168.1.50/32 overlaps 192.168.1.0/24 (fabric.anycastGateway.ipv4)"}}},
		{"node address is a loopback in the gateway subnet", func(d *Design) {
			d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.IPv4 = pfx("192.168.1.11/32")
		}, []want{
			{"fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4", CodeOverlap, "192.168.1.11/32 overlaps 192.168.1.0/24"},
			{"cluster.nodes[1].ipv4", CodeDuplicateAddress, `192.168.1.11 is also the peering loopback of leaf "leaf1" (fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4)`},
		}},

		// duplicate-name
		{"two pairs, one name", func(d *Design) {
			secondPair(d, "", "192.168.100.3/32", "192.168.100.4/32")
			d.Fabric.LeafPairs[1].Name = "rack1"
		},
			[]want{{"fabric.leafPairs[1].name", CodeDuplicateName, `leaf pair name "rack1" is also the name of fabric.leafPairs[0]`}, {"cluster.nodes[2].leafPair", CodeUnknownLeafPair, ""}}},
		{"leaf names differing in case", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[1].Name = "LEAF1" }, []want{{"fabric.leafPairs[0].leaves[1].name", CodeDuplicateName, `leaf name "LEAF1" is also the name of fabric.leafPairs[0].leaves[0] ("leaf1")`}}},
		{"two nodes, one name", func(d *Design) { d.Cluster.Nodes[1].Name = "node1" }, []want{{"cluster.nodes[1].name", CodeDuplicateName, `node name "node1" is also the name of cluster.nodes[0]`}}},
		{"two pools, one name", func(d *Design) { d.Cluster.IPPools[1].Name = "pods-v4" }, []want{{"cluster.ipPools[1].name", CodeDuplicateName, `IP pool name "pods-v4" is also the name of cluster.ipPools[0]`}}},
		{"one template for both families", func(d *Design) { d.Peering.Templates = Templates{IPv4: "CALICO", IPv6: "CALICO"} }, []want{{"peering.templates.ipv6", CodeDuplicateName, "the two templates must differ"}}},

		// retired leaves: valid names, each once, none a leaf of the design
		{"retired leaves every mistake at once", func(d *Design) {
			d.Fabric.RetiredLeaves = []string{"leaf9", "LEAF2", "", "leaf 8", "Leaf9", "leaf7"}
		}, []want{
			{"fabric.retiredLeaves[1]", CodeRetiredInUse, `retired leaf "LEAF2" is a leaf of the design (fabric.leafPairs[0].leaves[1], "leaf2")`},
			{"fabric.retiredLeaves[2]", CodeRequired, "the retired leaf name is missing"},
			{"fabric.retiredLeaves[3]", CodeInvalidName, `retired leaf name "leaf 8" has ' ' at offset 4`},
			{"fabric.retiredLeaves[4]", CodeDuplicateName, `retired leaf "Leaf9" is also listed at fabric.retiredLeaves[0] ("leaf9")`},
		}},
		{"retired leaf still in a pair", func(d *Design) { d.Fabric.RetiredLeaves = []string{"leaf1"} },
			[]want{{"fabric.retiredLeaves[0]", CodeRetiredInUse, "a leaf is either in a leaf pair or retired"}}},
		{"retired leaves that left the design", func(d *Design) { d.Fabric.RetiredLeaves = []string{"leaf9", "leaf3"} }, nil},

		// duplicate-router-id
		{"two leaves, one router ID", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[1].RouterID = addr("10.2.1.1") }, []want{{"fabric.leafPairs[0].leaves[1].routerID", CodeDuplicateRouterID, `router ID 10.2.1.1 is also the router ID of leaf "leaf1"`}}},

		// overlap
		{"pool overlaps service range", func(d *Design) { d.Cluster.ServiceClusterIPs = []netip.Prefix{pfx("10.244.128.0/20")} },
			[]want{{"cluster.serviceClusterIPs[0]", CodeOverlap, "10.244.128.0/20 overlaps 10.244.0.0/16 (cluster.ipPools[0].cidr)"}}},
		{"two pools overlap", func(d *Design) { d.Cluster.IPPools[1].CIDR = pfx("10.244.0.0/16") },
			[]want{{"cluster.ipPools[1].cidr", CodeOverlap, "10.244.0.0/16 overlaps 10.244.0.0/16 (cluster.ipPools[0].cidr)"}}},
		{"loopback inside a pool", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.IPv4 = pfx("10.244.7.1/32") },
			[]want{{"fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4", CodeOverlap, "10.244.7.1/32 overlaps 10.244.0.0/16 (cluster.ipPools[0].cidr)"}}},

		// loopback-not-host, shared-loopback-needs-color, duplicate-color
		{"loopback /31", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.IPv4 = pfx("192.168.100.1/31") },
			[]want{{"fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4", CodeLoopbackNotHost, "peering loopback 192.168.100.1/31 is a /31; a loopback address is a host prefix (/32)"}}},
		{"shared loopbacks without colors", func(d *Design) { secondPair(d, "", "192.168.100.1/32", "192.168.100.2/32") }, []want{
			{"fabric.leafPairs[1].leaves[0].peeringLoopback.ipv4", CodeSharedLoopbackNeedColor, `192.168.100.1 is also the peering loopback of leaf "leaf1" (fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4) in leaf pair "rack1"; pairs may reuse a loopback address only when each has its own routeTargetColor ("rack2" has none, "rack1" has none)`},
			{"fabric.leafPairs[1].leaves[1].peeringLoopback.ipv4", CodeSharedLoopbackNeedColor, "192.168.100.2"},
		}},
		{"shared loopbacks, one pair colored", func(d *Design) {
			d.Fabric.LeafPairs[0].RouteTargetColor = MustParseRouteTarget("2101:2102")
			secondPair(d, "", "192.168.100.1/32", "192.168.100.3/32")
		}, []want{{"fabric.leafPairs[1].leaves[0].peeringLoopback.ipv4", CodeSharedLoopbackNeedColor, `"rack2" has none, "rack1" has 2101:2102`}}},
		{"shared loopbacks, one color", func(d *Design) {
			d.Fabric.LeafPairs[0].RouteTargetColor = MustParseRouteTarget("2101:2102")
			secondPair(d, "2101:2102", "192.168.100.1/32", "192.168.100.3/32")
		}, []want{
			{"fabric.leafPairs[1].routeTargetColor", CodeDuplicateColor, `route-target color 2101:2102 is also the color of leaf pair "rack1"`},
			{"fabric.leafPairs[1].leaves[0].peeringLoopback.ipv4", CodeSharedLoopbackNeedColor, `"rack2" has 2101:2102, "rack1" has 2101:2102`},
		}},

		// unknown-leaf-pair, leaf-pair-size
		{"unknown pair", func(d *Design) { d.Cluster.Nodes[1].LeafPair = "rack2" }, []want{{"cluster.nodes[1].leafPair", CodeUnknownLeafPair, `node "node2" names leaf pair "rack2", which is not in fabric.leafPairs (did you mean "rack1"?)`}}},
		{"node without pair", func(d *Design) { d.Cluster.Nodes[1].LeafPair = "" }, []want{{"cluster.nodes[1].leafPair", CodeRequired, `node "node2" names no leaf pair`}}},
		{"three leaves", func(d *Design) {
			d.Fabric.LeafPairs[0].Leaves = append(d.Fabric.LeafPairs[0].Leaves, Leaf{Name: "leaf9", RouterID: addr("10.2.1.9"), PeeringLoopback: Loopback{ID: 1002, IPv4: pfx("192.168.100.9/32")}})
		}, []want{{"fabric.leafPairs[0].leaves", CodeLeafPairSize, `leaf pair "rack1" has 3 leaves; a pair has one leaf or two`}}},
		{"no leaves", func(d *Design) { d.Fabric.LeafPairs[0].Leaves = nil }, []want{{"fabric.leafPairs[0].leaves", CodeLeafPairSize, "has 0 leaves"}}},

		// family-mismatch
		{"IPv4-only gateway, dual-stack nodes", func(d *Design) {
			d.Fabric.AnycastGateway.IPv6 = netip.Prefix{}
			for j := range d.Fabric.LeafPairs[0].Leaves {
				d.Fabric.LeafPairs[0].Leaves[j].PeeringLoopback.IPv6 = netip.Prefix{}
			}
			d.Cluster.IPPools = d.Cluster.IPPools[:1]
		}, []want{
			{"cluster.nodes[0].ipv6", CodeFamilyMismatch, "node address 2001:db8:1::10 is IPv6 but the anycast gateway has no IPv6 address"},
			{"cluster.nodes[1].ipv6", CodeFamilyMismatch, "2001:db8:1::11"},
		}},
		{"IPv6 loopback without IPv6 gateway", func(d *Design) {
			d.Fabric.AnycastGateway.IPv6 = netip.Prefix{}
			for i := range d.Cluster.Nodes {
				d.Cluster.Nodes[i].IPv6 = netip.Addr{}
			}
			d.Cluster.IPPools = d.Cluster.IPPools[:1]
			d.Fabric.LeafPairs[0].Leaves[1].PeeringLoopback.IPv6 = netip.Prefix{}
		}, []want{{"fabric.leafPairs[0].leaves[0].peeringLoopback.ipv6", CodeFamilyMismatch, "peering loopback 2001:db8:100::1/128 is IPv6 but the anycast gateway has no IPv6 address"}}},
		{"IPv6 node, pair without IPv6 loopbacks", func(d *Design) {
			for j := range d.Fabric.LeafPairs[0].Leaves {
				d.Fabric.LeafPairs[0].Leaves[j].PeeringLoopback.IPv6 = netip.Prefix{}
			}
		}, []want{
			{"cluster.ipPools[1].cidr", CodeFilteredPrefix, "pool fd00:10:244::/48 is IPv6, but the leaves have no IPv6 peering with the nodes"},
			{"cluster.nodes[0].ipv6", CodeFamilyMismatch, `no leaf of pair "rack1" has an IPv6 peering loopback`},
			{"cluster.nodes[1].ipv6", CodeFamilyMismatch, `no leaf of pair "rack1"`},
		}},
		{"IPv6 service range, IPv4-only peering", func(d *Design) {
			d.Fabric.AnycastGateway.IPv6 = netip.Prefix{}
			for j := range d.Fabric.LeafPairs[0].Leaves {
				d.Fabric.LeafPairs[0].Leaves[j].PeeringLoopback.IPv6 = netip.Prefix{}
			}
			for i := range d.Cluster.Nodes {
				d.Cluster.Nodes[i].IPv6 = netip.Addr{}
			}
			d.Cluster.IPPools = d.Cluster.IPPools[:1]
			d.Cluster.ServiceClusterIPs = append(d.Cluster.ServiceClusterIPs, pfx("fd00:10:96::/112"))
		}, []want{
			{"cluster.serviceClusterIPs[1]", CodeFamilyMismatch, "no node has an IPv6 address"},
			{"cluster.serviceClusterIPs[1]", CodeFilteredPrefix, "service range fd00:10:96::/112 is IPv6, but the leaves have no IPv6 peering"},
		}},
		{"4-byte private AS Calico cannot carry", func(d *Design) {
			d.Cluster.ASN = 4200000001
		}, []want{{"cluster.asn", CodeInvalidASN, "AS 4200000001 is above 2147483647, the largest AS number Calico"}}},
		{"maximum-prefix below one node's blocks", func(d *Design) {
			d.Peering.MaximumPrefix = 3
		}, []want{{"peering.maximumPrefix", CodeMaxPrefixTooLow, "maximumPrefix 3 is below the 4 IPv4 prefixes one node announces"}}},
		{"maximum-prefix negative, warning out of range", func(d *Design) {
			d.Peering.MaximumPrefix = -1
			d.Peering.MaximumPrefixWarning = 101
		}, []want{
			{"peering.maximumPrefix", CodeInvalidValue, "maximumPrefix -1 is outside 1 to 4294967295"},
			{"peering.maximumPrefixWarning", CodeInvalidValue, "maximumPrefixWarning 101 is outside 1 to 100"},
		}},
		{"prefix for the nodes overlaps a pool and a loopback", func(d *Design) {
			d.Peering.AdvertiseToNodes = []netip.Prefix{pfx("10.0.0.0/8"), pfx("192.168.100.0/24"), pfx("172.16.0.0/12")}
		}, []want{
			{"peering.advertiseToNodes[0]", CodeUnsafeAdvertisement, "10.0.0.0/8 overlaps pool cluster.ipPools[0].cidr 10.244.0.0/16"},
			{"peering.advertiseToNodes[0]", CodeUnsafeAdvertisement, "10.0.0.0/8 overlaps service range cluster.serviceClusterIPs[0] 10.96.0.0/12"},
			{"peering.advertiseToNodes[1]", CodeUnsafeAdvertisement, "overlaps loopback fabric.leafPairs[0].leaves[0].peeringLoopback.ipv4 192.168.100.1/32"},
			{"peering.advertiseToNodes[1]", CodeUnsafeAdvertisement, "overlaps loopback fabric.leafPairs[0].leaves[1].peeringLoopback.ipv4 192.168.100.2/32"},
		}},
		{"default route listed for the nodes", func(d *Design) {
			d.Peering.AdvertiseToNodes = []netip.Prefix{pfx("::/0")}
		}, []want{{"peering.advertiseToNodes[0]", CodeUnsafeAdvertisement, "::/0 is the default route: set advertiseDefaultRoute instead"}}},
		{"route-filter names too long", func(d *Design) {
			d.Peering.Templates.IPv4 = strings.Repeat("T", 61)
		}, []want{{"peering.templates.ipv4", CodeInvalidName, "the route filters named after it"}}},
		{"graceful restart out of range", func(d *Design) {
			d.Peering.GracefulRestart = &GracefulRestart{RestartTime: 4000}
		}, []want{{"peering.gracefulRestart.restartTime", CodeInvalidValue, "restartTime 4000 is outside 1 to 3600 seconds"}}},
		{"IPv6 pool, IPv4-only nodes", func(d *Design) {
			for i := range d.Cluster.Nodes {
				d.Cluster.Nodes[i].IPv6 = netip.Addr{}
			}
		}, []want{{"cluster.ipPools[1].cidr", CodeFamilyMismatch, "IP pool fd00:10:244::/48 is IPv6 but no node has an IPv6 address"}}},
		{"IPv6 service range, IPv4-only nodes", func(d *Design) {
			for i := range d.Cluster.Nodes {
				d.Cluster.Nodes[i].IPv6 = netip.Addr{}
			}
			d.Cluster.IPPools = d.Cluster.IPPools[:1]
			d.Cluster.ServiceLoadBalancerIPs = []netip.Prefix{pfx("2001:db8:ff::/120")}
		}, []want{{"cluster.serviceLoadBalancerIPs[0]", CodeFamilyMismatch, "service range 2001:db8:ff::/120 is IPv6 but no node has an IPv6 address"}}},
		{"IPIP on IPv6", func(d *Design) { d.Cluster.IPPools[1].Encapsulation = EncapIPIP }, []want{{"cluster.ipPools[1].encapsulation", CodeFamilyMismatch, "IPIP encapsulation on the IPv6 pool fd00:10:244::/48"}}},
		{"IPv6 node route without IPv6 gateway", func(d *Design) {
			d.Fabric.AnycastGateway.IPv6 = netip.Prefix{}
			for i := range d.Cluster.Nodes {
				d.Cluster.Nodes[i].IPv6 = netip.Addr{}
			}
			for j := range d.Fabric.LeafPairs[0].Leaves {
				d.Fabric.LeafPairs[0].Leaves[j].PeeringLoopback.IPv6 = netip.Prefix{}
			}
			d.Cluster.IPPools = d.Cluster.IPPools[:1]
			d.Peering.NodeRoutes = []netip.Prefix{pfx("192.168.100.0/24"), pfx("2001:db8:100::/64")}
		}, []want{{"peering.nodeRoutes[1]", CodeFamilyMismatch, "node route 2001:db8:100::/64 is IPv6 but the anycast gateway has no IPv6 address"}}},

		// unreachable-peer
		{"one route misses a loopback", func(d *Design) {
			d.Peering.NodeRoutes = []netip.Prefix{pfx("192.168.100.0/24"), pfx("2001:db8:100::1/128")}
		},
			[]want{{"peering.nodeRoutes[1]", CodeUnreachablePeer, `node route 2001:db8:100::1/128 does not cover 2001:db8:100::2, the IPv6 peering loopback of leaf "leaf2" (fabric.leafPairs[0].leaves[1].peeringLoopback.ipv6) that the nodes of leaf pair "rack1" peer with, and it is the only IPv6 node route`}}},
		{"no route of a family", func(d *Design) { d.Peering.NodeRoutes = []netip.Prefix{pfx("192.168.100.0/24")} },
			[]want{{"peering.nodeRoutes", CodeUnreachablePeer, "no node route covers 2001:db8:100::1, the IPv6 peering loopback"}, {"peering.nodeRoutes", CodeUnreachablePeer, "2001:db8:100::2"}}},
		{"two routes miss a loopback", func(d *Design) {
			d.Peering.NodeRoutes = []netip.Prefix{pfx("192.168.100.1/32"), pfx("192.168.100.3/32"), pfx("2001:db8:100::/64")}
		}, []want{{"peering.nodeRoutes", CodeUnreachablePeer, "no node route covers 192.168.100.2, the IPv4 peering loopback of leaf \"leaf2\" (fabric.leafPairs[0].leaves[1].peeringLoopback.ipv4) that the nodes of leaf pair \"rack1\" peer with; IPv4 node routes: 192.168.100.1/32, 192.168.100.3/32"}}},

		// multihop-required, invalid-value
		{"multihop 1", func(d *Design) { d.Peering.EBGPMultihop = 1 }, []want{{"peering.ebgpMultihop", CodeMultihopRequired, "ebgpMultihop 1 is too low"}}},
		{"multihop 256", func(d *Design) { d.Peering.EBGPMultihop = 256 }, []want{{"peering.ebgpMultihop", CodeInvalidValue, "ebgpMultihop 256 is outside 2 to 255"}}},

		// as-override-required
		{"as-override off", func(d *Design) { d.Peering.ASOverride = Bool(false) }, []want{{"peering.asOverride", CodeASOverrideRequired, "asOverride is false, but every node shares the cluster AS 65531"}}},

		// block-size
		{"IPv4 block 19", func(d *Design) { d.Cluster.IPPools[0].BlockSize = 19 }, []want{{"cluster.ipPools[0].blockSize", CodeBlockSize, "block size 19 is outside 20 to 32, Calico's range for IPv4 pools"}}},
		{"IPv6 block 115", func(d *Design) { d.Cluster.IPPools[1].BlockSize = 115 }, []want{{"cluster.ipPools[1].blockSize", CodeBlockSize, "block size 115 is outside 116 to 128"}}},
		{"default block larger than pool", func(d *Design) { d.Cluster.IPPools[0].CIDR = pfx("10.244.0.0/28") },
			[]want{{"cluster.ipPools[0].blockSize", CodeBlockSize, "block size /26 (the default) is larger than the pool 10.244.0.0/28; want a block size of at least 28"}}},

		// required
		{"fabric AS missing", func(d *Design) { d.Fabric.ASN = 0 }, []want{{"fabric.asn", CodeRequired, "the fabric AS number is missing"}}},
		{"no gateway address", func(d *Design) {
			d.Fabric.AnycastGateway.IPv4, d.Fabric.AnycastGateway.IPv6 = netip.Prefix{}, netip.Prefix{}
			d.Fabric.LeafPairs[0].Leaves = d.Fabric.LeafPairs[0].Leaves[:1]
			d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback = Loopback{ID: 1}
			d.Cluster.Nodes = nil
			d.Cluster.IPPools = nil
			d.Cluster.ServiceClusterIPs = nil
		}, []want{
			{"cluster.ipPools", CodeRequired, "no IP pools"},
			{"fabric.anycastGateway", CodeRequired, "the anycast gateway has no address"},
			{"fabric.leafPairs[0].leaves[0].peeringLoopback", CodeRequired, `the peering loopback of leaf "leaf1" has no address`},
		}},
		{"no leaf pairs", func(d *Design) { d.Fabric.LeafPairs = nil; d.Cluster.Nodes = nil },
			[]want{{"fabric.leafPairs", CodeRequired, "the fabric has no leaf pairs"}}},
		{"router ID missing", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].RouterID = netip.Addr{} }, []want{{"fabric.leafPairs[0].leaves[0].routerID", CodeRequired, `the BGP router ID of leaf "leaf1" is missing`}}},
		{"node without address", func(d *Design) { d.Cluster.Nodes[1].IPv4, d.Cluster.Nodes[1].IPv6 = netip.Addr{}, netip.Addr{} }, []want{{"cluster.nodes[1]", CodeRequired, `node "node2" has no address`}}},
		{"pool without CIDR", func(d *Design) { d.Cluster.IPPools[0].CIDR = netip.Prefix{} }, []want{{"cluster.ipPools[0].cidr", CodeRequired, "the prefix is missing"}}},

		// invalid-value
		{"router ID IPv6", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].RouterID = addr("2001:db8::1") }, []want{{"fabric.leafPairs[0].leaves[0].routerID", CodeInvalidValue, "router ID 2001:db8::1 is not an IPv4 address"}}},
		{"router ID 0.0.0.0", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].RouterID = addr("0.0.0.0") }, []want{{"fabric.leafPairs[0].leaves[0].routerID", CodeInvalidValue, "router ID 0.0.0.0 is not a unicast address"}}},
		{"management not http", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].Management = "ftp://10.0.0.21" }, []want{{"fabric.leafPairs[0].leaves[0].management", CodeInvalidValue, `management URL "ftp://10.0.0.21" is not an absolute http(s) URL`}}},
		{"management relative", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].Management = "10.0.0.21" }, []want{{"fabric.leafPairs[0].leaves[0].management", CodeInvalidValue, `management URL "10.0.0.21" is not an absolute`}}},
		{"management with password", func(d *Design) { d.Fabric.LeafPairs[0].Leaves[0].Management = "https://admin:s3cret@10.0.0.21" },
			[]want{{"fabric.leafPairs[0].leaves[0].management", CodeInvalidValue, "management URL https://admin:xxxxx@10.0.0.21 carries credentials"}}},
		{"encapsulation unknown", func(d *Design) { d.Cluster.IPPools[0].Encapsulation = "GRE" }, []want{{"cluster.ipPools[0].encapsulation", CodeInvalidValue, `encapsulation "GRE" is not one of IPIP, VXLAN, None`}}},
		{"encapsulation mode unknown", func(d *Design) {
			d.Cluster.IPPools[0].Encapsulation = EncapVXLAN
			d.Cluster.IPPools[0].EncapsulationMode = "Sometimes"
		}, []want{{"cluster.ipPools[0].encapsulationMode", CodeInvalidValue, `encapsulation mode "Sometimes" is not one of Always, CrossSubnet`}}},
		{"encapsulation mode without encapsulation", func(d *Design) { d.Cluster.IPPools[0].EncapsulationMode = ModeCrossSubnet },
			[]want{{"cluster.ipPools[0].encapsulationMode", CodeInvalidValue, "encapsulation mode CrossSubnet applies only with IPIP or VXLAN"}}},
		{"reachability unknown", func(d *Design) { d.Peering.NodeReachability = "Magic" }, []want{{"peering.nodeReachability", CodeInvalidValue, `node reachability "Magic" is not one of StaticRoutes, ReachableBy`}}},
		{"node routes with ReachableBy", func(d *Design) {
			d.Peering.NodeReachability = ReachableBy
			d.Peering.NodeRoutes = []netip.Prefix{pfx("192.168.100.0/24")}
		}, []want{{"peering.nodeRoutes", CodeInvalidValue, "nodeReachability is ReachableBy, which installs no node routes"}}},
		{"maximum paths 65", func(d *Design) { d.Peering.MaximumPaths = 65 }, []want{{"peering.maximumPaths", CodeInvalidValue, "maximumPaths 65 is outside 1 to 64"}}},
		{"maximum paths ibgp -1", func(d *Design) { d.Peering.MaximumPathsIBGP = -1 }, []want{{"peering.maximumPathsIBGP", CodeInvalidValue, "maximumPathsIBGP -1 is outside 1 to 64"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := validDesign()
			tt.mutate(d)
			checkProblems(t, d.Validate(), tt.want)
		})
	}
}

// checkProblems asserts that err holds exactly the wanted problems: the same paths and codes in
// the same (sorted) order, each message containing the wanted part.
func checkProblems(t *testing.T, err error, wants []want) {
	t.Helper()
	ps, ok := AsProblems(err)
	if len(wants) == 0 {
		if err != nil {
			t.Fatalf("Validate() = %v, want nil", err)
		}
		return
	}
	if !ok {
		t.Fatalf("Validate() = %v, want Problems", err)
	}
	var got, exp []string
	for _, p := range ps {
		got = append(got, p.Path+": "+string(p.Code))
	}
	for _, w := range wants {
		exp = append(exp, w.path+": "+string(w.code))
	}
	slices.Sort(exp)
	if !slices.Equal(slices.Sorted(slices.Values(got)), exp) {
		t.Fatalf("problems:\n%v\nwant paths and codes:\n%s", err, strings.Join(exp, "\n"))
	}
	for _, w := range wants {
		found := slices.ContainsFunc(ps, func(p Problem) bool {
			return p.Path == w.path && p.Code == w.code && strings.Contains(p.Message, w.msg)
		})
		if !found {
			t.Errorf("no %s: %s problem whose message contains %q in:\n%v", w.path, w.code, w.msg, err)
		}
	}
}

// TestValidateReportsEveryMistake makes several independent mistakes at once: each is reported,
// and nothing else.
func TestValidateReportsEveryMistake(t *testing.T) {
	d := validDesign()
	d.Fabric.ASN = ASTrans                                             // 1
	d.Fabric.VRF = "vrf/1"                                             // 2
	d.Fabric.AnycastGateway.VLAN = 4001                                // 3
	d.Fabric.LeafPairs[0].Leaves[1].RouterID = addr("10.2.1.1")        // 4
	d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.ID = 5000          // 5
	d.Cluster.Nodes[0].IPv4 = addr("192.168.9.10")                     // 6
	d.Cluster.Nodes[1].LeafPair = "rack9"                              // 7
	d.Cluster.IPPools[0].BlockSize = 40                                // 8
	d.Cluster.ServiceClusterIPs = []netip.Prefix{pfx("10.244.0.0/12")} // 9 (host bits)
	d.Peering.EBGPMultihop = 1                                         // 10
	d.Peering.ASOverride = Bool(false)                                 // 11
	checkProblems(t, d.Validate(), []want{
		{"fabric.asn", CodeInvalidASN, "23456"},
		{"fabric.vrf", CodeInvalidName, "vrf/1"},
		{"fabric.anycastGateway.vlan", CodeInvalidVLAN, "4001"},
		{"fabric.leafPairs[0].leaves[1].routerID", CodeDuplicateRouterID, "10.2.1.1"},
		{"fabric.leafPairs[0].leaves[0].peeringLoopback.id", CodeInvalidLoopbackID, "5000"},
		{"cluster.nodes[0].ipv4", CodeNotInSubnet, "192.168.9.10"},
		{"cluster.nodes[1].leafPair", CodeUnknownLeafPair, "rack9"},
		{"cluster.ipPools[0].blockSize", CodeBlockSize, "40"},
		{"cluster.serviceClusterIPs[0]", CodeInvalidPrefix, "10.244.0.0/12"},
		{"peering.ebgpMultihop", CodeMultihopRequired, "1"},
		{"peering.asOverride", CodeASOverrideRequired, "65531"},
	})
}

func TestValidateProblemsAsErrors(t *testing.T) {
	d := validDesign()
	d.Cluster.ASN = d.Fabric.ASN
	d.Cluster.Nodes[1].Name = "node1"
	err := d.Validate()

	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 2 {
		t.Fatalf("errors.As(%v, *Problems) = %v, %d problems; want 2", err, errors.As(err, &ps), len(ps))
	}
	var p Problem
	if !errors.As(err, &p) || p.Path != "cluster.asn" || p.Code != CodeSameASN {
		t.Errorf("errors.As(err, *Problem) = %+v, want the first problem (cluster.asn same-asn)", p)
	}
	u, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("%T has no Unwrap() []error", err)
	}
	var lines []string
	for _, e := range u.Unwrap() {
		lines = append(lines, e.Error())
	}
	if got := strings.Join(lines, "\n"); got != err.Error() {
		t.Errorf("Unwrap lines:\n%s\nwant the lines of Error():\n%s", got, err.Error())
	}
	if !strings.HasPrefix(lines[0], "cluster.asn: same-asn: the cluster AS 65102 is also the fabric AS") ||
		!strings.HasPrefix(lines[1], `cluster.nodes[1].name: duplicate-name: node name "node1"`) {
		t.Errorf("problems = %q", lines)
	}
}

func TestValidateDoesNotModifyDesign(t *testing.T) {
	d := validDesign()
	d.Peering.EBGPMultihop = 1
	before := mustJSON(t, d)
	_ = d.Validate()
	if after := mustJSON(t, d); after != before {
		t.Errorf("Validate modified the design:\nbefore %s\nafter  %s", before, after)
	}
}

func TestValidateManyProblemsSortedByIndex(t *testing.T) {
	d := validDesign()
	for i := range 12 {
		d.Cluster.Nodes = append(d.Cluster.Nodes, Node{Name: sprintf("n%d", i), LeafPair: "rack1", IPv4: addr(sprintf("10.9.0.%d", i+1))})
	}
	ps, _ := AsProblems(d.Validate())
	if len(ps) != 12 || ps[0].Path != "cluster.nodes[2].ipv4" || ps[11].Path != "cluster.nodes[13].ipv4" {
		t.Fatalf("problems = %v, want 12 not-in-subnet, nodes[2] to nodes[13] in index order", ps)
	}
}
