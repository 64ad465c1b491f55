package main

import (
	"fmt"
	"os"
)

// The white paper's design as published: nxcalico finds the IPv6 address outside the gateway
// subnet and the node route that reaches neither leaf loopback.
func Example_published() {
	code := run([]string{"../../design/testdata/casestudy-as-published.yaml"}, os.Stdout, os.Stdout)
	fmt.Println("exit", code)
	// Output:
	// cluster.nodes[0].ipv6: not-in-subnet: 2001:192:168::10 is outside the anycast gateway subnet 2001:192:168:1::/64 (fabric.anycastGateway.ipv6); node addresses must be on the gateway's subnet
	// peering.nodeRoutes[1]: unreachable-peer: node route 2001:193:168:1::/128 does not cover 2001:193:168:1::4, the IPv6 peering loopback of leaf "Leaf2101" (fabric.leafPairs[0].leaves[0].peeringLoopback.ipv6) that the nodes of leaf pair "rack1" peer with, and it is the only IPv6 node route
	// peering.nodeRoutes[1]: unreachable-peer: node route 2001:193:168:1::/128 does not cover 2001:193:168:1::5, the IPv6 peering loopback of leaf "Leaf2102" (fabric.leafPairs[0].leaves[1].peeringLoopback.ipv6) that the nodes of leaf pair "rack1" peer with, and it is the only IPv6 node route
	// exit 1
}

// A valid design prints ok.
func Example_valid() {
	code := run([]string{"../../design/testdata/casestudy.yaml"}, os.Stdout, os.Stdout)
	fmt.Println("exit", code)
	// Output:
	// ok
	// exit 0
}
