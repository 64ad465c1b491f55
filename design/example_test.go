package design_test

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/nxcalico/nxcalico/design"
)

// A file with a value that does not parse, a misspelt key and a mistake of the design itself:
// Load reports all three in one run, and nothing that merely follows from them (node master's
// address is unknown, not missing).
func ExampleLoad() {
	_, err := design.Load(strings.NewReader(`
fabric:
  asn: 65102
  vrf: vrf-001
  anycastGateway: {vlan: 3001, ipv4: 192.168.1.1/24}
  leafPairs:
  - name: rack1
    leaves:
    - {name: Leaf2101, routerID: 10.2.1.1, peeringLoopback: {id: 1002, ipv4: 192.168.100.1/32}}
cluster:
  name: prod
  asn: 65531
  nodes:
  - {name: master, leafPair: rack1, ipv4Adress: 192.168.1.10}
  - {name: node01, leafPair: rack1, ipv4: 192.168.2.11}
  ipPools:
  - {name: pods, cidr: 10.244.0.1/16}
`))
	fmt.Println(err)
	// Output:
	// cluster.ipPools[0].cidr: invalid-prefix: invalid prefix "10.244.0.1/16": host bits set (want 10.244.0.0/16)
	// cluster.nodes[0].ipv4Adress: unknown-field: "ipv4Adress" is not a field of cluster.nodes[0] (did you mean "ipv4"?)
	// cluster.nodes[1].ipv4: not-in-subnet: 192.168.2.11 is outside the anycast gateway subnet 192.168.1.0/24 (fabric.anycastGateway.ipv4); node addresses must be on the gateway's subnet
}

func ExampleDesign_Validate() {
	d := design.CaseStudy()
	fmt.Println(d.Validate())

	// Two of the white paper's mistakes: the master node's IPv6 address is outside the anycast
	// gateway subnet, and the IPv6 node route covers no leaf loopback.
	d.Cluster.Nodes[0].IPv6 = netip.MustParseAddr("2001:192:168::10")
	d.Peering.NodeRoutes = []netip.Prefix{
		netip.MustParsePrefix("192.168.100.0/24"),
		netip.MustParsePrefix("2001:193:168:1::/128"),
	}
	err := d.Validate()
	if ps, ok := design.AsProblems(err); ok {
		for _, p := range ps {
			fmt.Printf("%s: %s\n", p.Path, p.Code)
		}
		fmt.Println(ps[0].Message)
	}
	// Output:
	// <nil>
	// cluster.nodes[0].ipv6: not-in-subnet
	// peering.nodeRoutes[1]: unreachable-peer
	// peering.nodeRoutes[1]: unreachable-peer
	// 2001:192:168::10 is outside the anycast gateway subnet 2001:192:168:1::/64 (fabric.anycastGateway.ipv6); node addresses must be on the gateway's subnet
}
