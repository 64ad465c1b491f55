package design

import "net/netip"

// CaseStudy returns the reference design of Cisco's white paper "Cisco NX-OS and Calico Network
// Design" (a vPC leaf pair Leaf2101/Leaf2102 in fabric AS 65102 peering over eBGP with the Calico
// nodes master, node01 and node02 in AS 65531), with the paper's mistakes corrected:
//
//   - The master node's IPv6 address is 2001:192:168:1::10, inside the anycast gateway subnet
//     2001:192:168:1::/64 (the paper gives 2001:192:168::10/64, outside it; its own BGP neighbor
//     list uses 2001:192:168:1::10).
//   - The nodes' IPv6 route to the leaf loopbacks is 2001:193:168:1::4/127, which covers exactly
//     ::4 and ::5; the paper's "2001:193:168:1::/128" covers neither. Node routes are derived as
//     the exact summary of the loopbacks a node peers with, so the IPv4 routes are
//     192.168.100.1/32 and 192.168.100.2/32 rather than the paper's wider 192.168.100.0/24.
//   - Every node is a neighbor of both leaves in both families (the paper's first IPv4 neighbor
//     list omits node02, and its second list adds a neighbor that is no node).
//   - One VRF, vrf-001, everywhere (the paper also writes gr-vrf-001).
//   - The coloring route-map is defined and used under one name, "loopback", both as the VRF
//     export map and on the loopback's network statement (the paper uses an undefined "set_rt" on
//     the network statement); IPv6 loopbacks are colored like IPv4 ones.
//   - One template per family, CALICO (IPv4) and K8-v6 (IPv6), both with as-override and
//     disable-peer-as-check (the paper mixes CALICO and K8 for IPv4, and the undefined filters
//     calico-ip-filter/calico-ipv6-filter are left out).
//   - Router IDs are 10.2.1.1 (Leaf2101) and 10.2.1.2 (Leaf2102).
//
// Additions the paper implies but does not spell out: an IPv6 pod pool (fd00:10:244::/48; the
// paper runs dual-stack pods without naming their IPv6 CIDR) and the kubeadm default service range
// 10.96.0.0/12 (the paper's service addresses 10.96.120.215 lie in it).
func CaseStudy() *Design {
	lb := func(v4, v6 string) Loopback {
		return Loopback{ID: 1002, IPv4: netip.MustParsePrefix(v4), IPv6: netip.MustParsePrefix(v6), Tag: 6789}
	}
	node := func(name, v4, v6 string) Node {
		return Node{Name: name, LeafPair: "rack1", IPv4: netip.MustParseAddr(v4), IPv6: netip.MustParseAddr(v6)}
	}
	return &Design{
		Fabric: Fabric{
			ASN: 65102,
			VRF: "vrf-001",
			AnycastGateway: AnycastGateway{
				VLAN: 3001,
				IPv4: netip.MustParsePrefix("192.168.1.1/24"),
				IPv6: netip.MustParsePrefix("2001:192:168:1::1/64"),
			},
			LeafPairs: []LeafPair{{
				Name:             "rack1",
				RouteTargetColor: MustParseRouteTarget("2101:2102"),
				Leaves: []Leaf{
					{Name: "Leaf2101", RouterID: netip.MustParseAddr("10.2.1.1"), PeeringLoopback: lb("192.168.100.1/32", "2001:193:168:1::4/128")},
					{Name: "Leaf2102", RouterID: netip.MustParseAddr("10.2.1.2"), PeeringLoopback: lb("192.168.100.2/32", "2001:193:168:1::5/128")},
				},
			}},
		},
		Cluster: Cluster{
			Name:          "prod",
			ASN:           65531,
			NodeInterface: "bond0",
			Nodes: []Node{
				node("master", "192.168.1.10", "2001:192:168:1::10"),
				node("node01", "192.168.1.11", "2001:192:168:1::11"),
				node("node02", "192.168.1.13", "2001:192:168:1::13"),
			},
			IPPools: []IPPool{
				{Name: "default-ipv4-ippool", CIDR: netip.MustParsePrefix("10.244.0.0/16"), BlockSize: 26, Encapsulation: EncapIPIP, EncapsulationMode: ModeAlways, NATOutgoing: true},
				{Name: "default-ipv6-ippool", CIDR: netip.MustParsePrefix("fd00:10:244::/48"), BlockSize: 122, Encapsulation: EncapNone},
			},
			ServiceClusterIPs: []netip.Prefix{netip.MustParsePrefix("10.96.0.0/12")},
		},
		Peering: Peering{
			Templates:             Templates{IPv4: DefaultTemplateIPv4, IPv6: DefaultTemplateIPv6},
			EBGPMultihop:          10,
			ASOverride:            Bool(true),
			DisablePeerASCheck:    Bool(true),
			NodeReachability:      StaticRoutes,
			AdvertiseDefaultRoute: Bool(true),
		},
	}
}
