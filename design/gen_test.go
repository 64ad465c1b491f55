package design

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// genDesign builds a valid dual-stack design of pairs leaf pairs (two leaves each, unique peering
// loopbacks) and nodes nodes spread over the pairs, all on one anycast-gateway subnet.
func genDesign(pairs, nodes int) *Design {
	v4 := func(base uint32, i int) netip.Addr {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], base+uint32(i))
		return netip.AddrFrom4(b)
	}
	v6 := func(prefix netip.Addr, i int) netip.Addr {
		b := prefix.As16()
		binary.BigEndian.PutUint32(b[12:], uint32(i))
		return netip.AddrFrom16(b)
	}
	lbBase4 := uint32(192)<<24 | uint32(168)<<16 | 100<<8 // 192.168.100.0
	rid4 := uint32(10)<<24 | uint32(2)<<16                // 10.2.0.0
	node4 := uint32(10)<<24 | uint32(128)<<16             // 10.128.0.0
	lb6 := netip.MustParseAddr("2001:db8:100::")
	node6 := netip.MustParseAddr("2001:db8:1::")

	d := &Design{
		Fabric: Fabric{
			ASN: 65102, VRF: "vrf-001",
			AnycastGateway: AnycastGateway{VLAN: 3001, IPv4: netip.MustParsePrefix("10.128.0.1/16"), IPv6: netip.MustParsePrefix("2001:db8:1::1/64")},
			LeafPairs:      make([]LeafPair, pairs),
		},
		Cluster: Cluster{
			Name: "bench", ASN: 65531,
			Nodes: make([]Node, nodes),
			IPPools: []IPPool{
				{Name: "pods-v4", CIDR: netip.MustParsePrefix("10.244.0.0/16")},
				{Name: "pods-v6", CIDR: netip.MustParsePrefix("fd00:10:244::/48")},
			},
			ServiceClusterIPs: []netip.Prefix{netip.MustParsePrefix("10.96.0.0/12")},
		},
	}
	for p := range pairs {
		pair := &d.Fabric.LeafPairs[p]
		pair.Name = fmt.Sprintf("rack%d", p+1)
		pair.Leaves = make([]Leaf, 2)
		for l := range 2 {
			k := 2*p + l + 1
			pair.Leaves[l] = Leaf{
				Name:     fmt.Sprintf("leaf%d", k),
				RouterID: v4(rid4, k),
				PeeringLoopback: Loopback{
					ID:   1002,
					IPv4: netip.PrefixFrom(v4(lbBase4, k), 32),
					IPv6: netip.PrefixFrom(v6(lb6, k), 128),
				},
			}
		}
	}
	for i := range nodes {
		d.Cluster.Nodes[i] = Node{
			Name:     fmt.Sprintf("node-%05d", i),
			LeafPair: d.Fabric.LeafPairs[i%pairs].Name,
			IPv4:     v4(node4, i+10),
			IPv6:     v6(node6, i+10),
		}
	}
	return d
}
