package designtest

import (
	"fmt"
	"net/netip"

	"github.com/nxcalico/nxcalico/design"
)

// SharedLoopbacks is four racks whose leaf pairs all reuse the same peering loopbacks,
// colored per pair, with nodes reaching the loopbacks through Calico's reachableBy, a BGP password,
// a non-default listen port, VXLAN pods and every service range advertised.
func SharedLoopbacks() *design.Design {
	d := &design.Design{
		Fabric: design.Fabric{
			ASN: 65102,
			VRF: "vrf-k8s",
			AnycastGateway: design.AnycastGateway{
				VLAN: 3001,
				IPv4: netip.MustParsePrefix("10.10.0.1/22"),
				IPv6: netip.MustParsePrefix("2001:db8:10::1/64"),
			},
		},
		Cluster: design.Cluster{
			Name:          "edge",
			ASN:           65551, // a 4-byte AS (RFC 5398 documentation range) the CRDs accept
			NodeInterface: "bond0.3001",
			IPPools: []design.IPPool{
				{Name: "pods-v4", CIDR: netip.MustParsePrefix("10.200.0.0/16"), Encapsulation: design.EncapVXLAN, EncapsulationMode: design.ModeCrossSubnet, NATOutgoing: true},
				{Name: "pods-v6", CIDR: netip.MustParsePrefix("fd00:200::/56"), Encapsulation: design.EncapVXLAN},
			},
			ServiceClusterIPs:      []netip.Prefix{netip.MustParsePrefix("10.96.0.0/12"), netip.MustParsePrefix("fd00:96::/108")},
			ServiceExternalIPs:     []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")},
			ServiceLoadBalancerIPs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")},
			ListenPort:             1179,
		},
		Peering: design.Peering{
			NodeReachability: design.ReachableBy,
			PasswordSecret:   &design.SecretRef{Namespace: "calico-system", Name: "bgp-fabric", Key: "password"},
		},
	}
	host := 10
	for r := 1; r <= 4; r++ {
		pair := design.LeafPair{
			Name:             fmt.Sprintf("rack%d", r),
			RouteTargetColor: design.MustParseRouteTarget(fmt.Sprintf("65102:%d", 100+r)),
		}
		for l := 1; l <= 2; l++ {
			pair.Leaves = append(pair.Leaves, design.Leaf{
				Name:     fmt.Sprintf("leaf%d%02d", r, l),
				RouterID: netip.MustParseAddr(fmt.Sprintf("10.2.%d.%d", r, l)),
				PeeringLoopback: design.Loopback{
					ID:   1002,
					IPv4: netip.MustParsePrefix(fmt.Sprintf("192.168.100.%d/32", l)),
					IPv6: netip.MustParsePrefix(fmt.Sprintf("2001:193:168:1::%d/128", 3+l)),
				},
			})
		}
		d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, pair)
		for n := 1; n <= 2; n++ {
			d.Cluster.Nodes = append(d.Cluster.Nodes, design.Node{
				Name:     fmt.Sprintf("worker-%d-%d", r, n),
				LeafPair: pair.Name,
				IPv4:     netip.MustParseAddr(fmt.Sprintf("10.10.0.%d", host)),
				IPv6:     netip.MustParseAddr(fmt.Sprintf("2001:db8:10::%d", host)),
			})
			host++
		}
	}
	return d
}

// UniqueLoopbacks is three racks with their own loopback addresses and no coloring (one rack
// with a single leaf, one IPv4-only node), static node routes via the anycast gateway.
func UniqueLoopbacks() *design.Design {
	lb := func(v4, v6 string) design.Loopback {
		l := design.Loopback{ID: 10, IPv4: netip.MustParsePrefix(v4)}
		if v6 != "" {
			l.IPv6 = netip.MustParsePrefix(v6)
		}
		return l
	}
	leaf := func(name, rid, v4, v6 string) design.Leaf {
		return design.Leaf{Name: name, RouterID: netip.MustParseAddr(rid), PeeringLoopback: lb(v4, v6)}
	}
	node := func(name, pair, v4, v6 string) design.Node {
		n := design.Node{Name: name, LeafPair: pair, IPv4: netip.MustParseAddr(v4)}
		if v6 != "" {
			n.IPv6 = netip.MustParseAddr(v6)
		}
		return n
	}
	return &design.Design{
		Fabric: design.Fabric{
			ASN: 65000,
			VRF: "tenant",
			AnycastGateway: design.AnycastGateway{
				VLAN: 200,
				IPv4: netip.MustParsePrefix("172.16.0.1/24"),
				IPv6: netip.MustParsePrefix("fd00:172:16::1/64"),
			},
			LeafPairs: []design.LeafPair{
				{Name: "rack-a", Leaves: []design.Leaf{
					leaf("LEAF-A1", "10.0.0.1", "10.255.0.0/32", "fd00:255::/128"),
					leaf("LEAF-A2", "10.0.0.2", "10.255.0.1/32", "fd00:255::1/128"),
				}},
				{Name: "rack-b", Leaves: []design.Leaf{
					leaf("LEAF-B1", "10.0.0.3", "10.255.0.2/32", "fd00:255::2/128"),
					leaf("LEAF-B2", "10.0.0.4", "10.255.0.3/32", "fd00:255::3/128"),
				}},
				{Name: "rack-c", Leaves: []design.Leaf{
					leaf("LEAF-C1", "10.0.0.5", "10.255.0.4/32", ""),
				}},
			},
		},
		Cluster: design.Cluster{
			Name: "lab",
			ASN:  65010,
			Nodes: []design.Node{
				node("k8s-a1", "rack-a", "172.16.0.11", "fd00:172:16::11"),
				node("k8s-a2", "rack-a", "172.16.0.12", "fd00:172:16::12"),
				node("k8s-b1", "rack-b", "172.16.0.21", "fd00:172:16::21"),
				node("k8s-c1", "rack-c", "172.16.0.31", ""),
			},
			IPPools: []design.IPPool{
				{Name: "pods", CIDR: netip.MustParsePrefix("10.244.0.0/16"), Encapsulation: design.EncapIPIP, EncapsulationMode: design.ModeCrossSubnet, NodeSelector: "has(nxcalico.io/leaf-pair)"},
				{Name: "pods-v6", CIDR: netip.MustParsePrefix("fd00:244::/48")},
			},
		},
	}
}

// Scale is a fabric of pairs racks with two leaves each and nodesPerPair dual-stack nodes per
// rack. With shared, every pair reuses one set of loopbacks (colored per pair); otherwise every leaf
// has its own.
func Scale(pairs, nodesPerPair int, shared bool) *design.Design {
	d := &design.Design{
		Fabric: design.Fabric{
			ASN: 65100,
			VRF: "k8s",
			AnycastGateway: design.AnycastGateway{
				VLAN: 100,
				IPv4: netip.MustParsePrefix("10.128.0.1/14"),
				IPv6: netip.MustParsePrefix("fd00:128::1/64"),
			},
		},
		Cluster: design.Cluster{
			Name: "big",
			ASN:  65200,
			IPPools: []design.IPPool{
				{Name: "pods-v4", CIDR: netip.MustParsePrefix("10.0.0.0/10")},
				{Name: "pods-v6", CIDR: netip.MustParsePrefix("fd00:10::/48")},
			},
			ServiceClusterIPs: []netip.Prefix{netip.MustParsePrefix("10.96.0.0/12")},
		},
	}
	gw4 := d.Fabric.AnycastGateway.IPv4.Addr()
	gw6 := d.Fabric.AnycastGateway.IPv6.Addr()
	node4, node6 := gw4.Next(), gw6.Next()
	leafNo := 0
	for r := range pairs {
		pair := design.LeafPair{Name: fmt.Sprintf("rack%03d", r)}
		if shared {
			pair.RouteTargetColor = design.MustParseRouteTarget(fmt.Sprintf("65100:%d", 1000+r))
		}
		for l := range 2 {
			n := leafNo
			if shared {
				n = l
			}
			pair.Leaves = append(pair.Leaves, design.Leaf{
				Name:     fmt.Sprintf("leaf%03d%d", r, l+1),
				RouterID: netip.AddrFrom4([4]byte{10, 1, byte(leafNo >> 8), byte(leafNo)}),
				PeeringLoopback: design.Loopback{
					ID:   100,
					IPv4: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 254, byte(n >> 8), byte(n)}), 32),
					IPv6: netip.PrefixFrom(netip.AddrFrom16([16]byte{0xfd, 0, 0x02, 0x54, 14: byte(n >> 8), 15: byte(n)}), 128),
				},
			})
			leafNo++
		}
		d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, pair)
		for i := range nodesPerPair {
			d.Cluster.Nodes = append(d.Cluster.Nodes, design.Node{
				Name: fmt.Sprintf("node-%03d-%02d", r, i), LeafPair: pair.Name, IPv4: node4, IPv6: node6,
			})
			node4, node6 = node4.Next(), node6.Next()
		}
	}
	return d
}

// TwoPairs is the case study with a second pair rack2 (Leaf2103, Leaf2104, unique loopbacks,
// colored 2103:2104) and node03 on it.
func TwoPairs() *design.Design {
	d := design.CaseStudy()
	d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, design.LeafPair{
		Name:             "rack2",
		RouteTargetColor: design.MustParseRouteTarget("2103:2104"),
		Leaves: []design.Leaf{
			{Name: "Leaf2103", RouterID: netip.MustParseAddr("10.2.1.3"), PeeringLoopback: design.Loopback{ID: 1002, Tag: 6789,
				IPv4: netip.MustParsePrefix("192.168.100.3/32"), IPv6: netip.MustParsePrefix("2001:193:168:1::6/128")}},
			{Name: "Leaf2104", RouterID: netip.MustParseAddr("10.2.1.4"), PeeringLoopback: design.Loopback{ID: 1002, Tag: 6789,
				IPv4: netip.MustParsePrefix("192.168.100.4/32"), IPv6: netip.MustParsePrefix("2001:193:168:1::7/128")}},
		},
	})
	d.Cluster.Nodes = append(d.Cluster.Nodes, design.Node{Name: "node03", LeafPair: "rack2",
		IPv4: netip.MustParseAddr("192.168.1.14"), IPv6: netip.MustParseAddr("2001:192:168:1::14")})
	return d
}

// Racks builds a dual-stack design of n leaf pairs with perRack nodes each, on the case study's
// settings; shared makes every pair reuse the same loopbacks with its own color.
func Racks(n, perRack int, shared bool) *design.Design {
	d := design.CaseStudy()
	d.Fabric.LeafPairs = nil
	d.Cluster.Nodes = nil
	for i := range n {
		pair := design.LeafPair{Name: fmt.Sprintf("rack%d", i+1)}
		if shared {
			pair.RouteTargetColor = design.MustParseRouteTarget(fmt.Sprintf("65102:%d", 100+i))
		}
		for j := range 2 {
			lb := design.Loopback{ID: 1002, IPv4: netip.MustParsePrefix(fmt.Sprintf("192.168.100.%d/32", j+1)), IPv6: netip.MustParsePrefix(fmt.Sprintf("2001:193:168:1::%d/128", j+4))}
			if !shared {
				lb.IPv4 = netip.MustParsePrefix(fmt.Sprintf("192.168.%d.%d/32", 100+i, j+1))
				lb.IPv6 = netip.MustParsePrefix(fmt.Sprintf("2001:193:168:%x::%d/128", i+1, j+4))
			}
			pair.Leaves = append(pair.Leaves, design.Leaf{Name: fmt.Sprintf("Leaf%d%d", i+1, j+1), RouterID: netip.MustParseAddr(fmt.Sprintf("10.2.%d.%d", i+1, j+1)), PeeringLoopback: lb})
		}
		d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, pair)
		for j := range perRack {
			host := 10 + perRack*i + j
			d.Cluster.Nodes = append(d.Cluster.Nodes, design.Node{
				Name: fmt.Sprintf("node-%d-%d", i+1, j+1), LeafPair: pair.Name,
				IPv4: netip.MustParseAddr(fmt.Sprintf("192.168.1.%d", host)),
				IPv6: netip.MustParseAddr(fmt.Sprintf("2001:192:168:1::%x", host)),
			})
		}
	}
	return d
}
