package twin_test

import (
	"context"
	"fmt"
	"log"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/twin"
)

// Example_topology builds the case study's namespaces, links, addresses and routes without
// daemons. It needs root and the packages Preflight names, so it has no checked output.
func Example_topology() {
	if err := twin.Preflight(); err != nil {
		fmt.Println(err)
		return
	}
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		log.Fatal(err)
	}
	lab, err := twin.Start(context.Background(), in, twin.Options{TopologyOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	defer lab.Close()
	for _, n := range lab.Topology.Nodes {
		fmt.Println(n.Name, n.Netns, n.Blocks)
	}
}

// ExamplePlanTopology shows what a design becomes, without creating anything.
func ExamplePlanTopology() {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		log.Fatal(err)
	}
	topo, err := twin.PlanTopology(in, "demo-", 0, twin.Options{}.FabricIPv4, twin.Options{}.FabricIPv6)
	if err != nil {
		log.Fatal(err)
	}
	n := topo.Node("master")
	for _, u := range n.Uplinks {
		fmt.Println(n.Name, u.Dev, "->", u.Leaf)
	}
	for _, r := range n.Routes {
		fmt.Println(r.Prefix, "via", r.Via, "dev", r.Devs)
	}
	fmt.Println("blocks", n.Blocks, "pods", n.Pods)
	// Output:
	// master up0 -> Leaf2101
	// master up1 -> Leaf2102
	// 192.168.100.1/32 via 192.168.1.1 dev [up0]
	// 192.168.100.2/32 via 192.168.1.1 dev [up1]
	// 2001:193:168:1::4/128 via 2001:192:168:1::1 dev [up0]
	// 2001:193:168:1::5/128 via 2001:192:168:1::1 dev [up1]
	// blocks [10.244.0.0/26 fd00:10:244::/122] pods [10.244.0.1 fd00:10:244::1]
}
