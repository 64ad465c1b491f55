package design_test

import (
	"fmt"

	"github.com/nxcalico/nxcalico/design"
)

// Derive turns a valid design into what every leaf and node needs.
func ExampleDerive() {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		fmt.Println(err)
		return
	}
	leaf := in.Leaf("Leaf2101")
	for _, n := range leaf.Neighbors {
		fmt.Printf("%s: neighbor %s inherit peer %s\n", leaf.Name, n.Addr, n.Template)
	}
	for _, r := range in.Node("master").Routes {
		fmt.Printf("master: %s via %s dev %s\n", r.Prefix, r.Via, r.Dev)
	}
	// Output:
	// Leaf2101: neighbor 192.168.1.10 inherit peer CALICO
	// Leaf2101: neighbor 192.168.1.11 inherit peer CALICO
	// Leaf2101: neighbor 192.168.1.13 inherit peer CALICO
	// Leaf2101: neighbor 2001:192:168:1::10 inherit peer K8-v6
	// Leaf2101: neighbor 2001:192:168:1::11 inherit peer K8-v6
	// Leaf2101: neighbor 2001:192:168:1::13 inherit peer K8-v6
	// master: 192.168.100.1/32 via 192.168.1.1 dev bond0
	// master: 192.168.100.2/32 via 192.168.1.1 dev bond0
	// master: 2001:193:168:1::4/127 via 2001:192:168:1::1 dev bond0
}
