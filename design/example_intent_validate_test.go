package design_test

import (
	"fmt"
	"net/netip"

	"github.com/nxcalico/nxcalico/design"
)

// An Intent edited in Go is checked before rendering: every problem, with its path in the intent.
func ExampleIntent_Validate() {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		panic(err)
	}
	in.Fabric.VRF = ""
	in.Leaf("Leaf2101").RouterID = netip.MustParseAddr("2001:db8::1")
	in.Cluster.Pools[1].Encapsulation = design.EncapIPIP
	for _, p := range in.Validate() {
		fmt.Println(p)
	}
	// Output:
	// cluster.pools[1].encapsulation: family-mismatch: pool "default-ipv6-ippool" (fd00:10:244::/48) encapsulates IPIP, which is IPv4 only
	// fabric.vrf: required: the VRF name is missing
	// leaves[Leaf2101].routerID: invalid-value: router ID 2001:db8::1 is not an IPv4 address; NX-OS router IDs are IPv4
}
