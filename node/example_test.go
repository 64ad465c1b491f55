package node_test

import (
	"fmt"
	"log"

	"sigs.k8s.io/yaml"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
)

// The routes node01 of the case study needs to reach its leaves' loopbacks.
func ExampleScript() {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(node.Script(in.Node("node01")))
	// Output:
	// #!/bin/sh
	// # nxcalico: routes of node node01 (leaf pair rack1) to its leaf peering loopbacks.
	// # Idempotent: safe to run again. Routes set with ip do not survive a reboot; add the same
	// # routes to the node's network configuration to make them permanent.
	// set -eu
	// ip route replace 192.168.100.1/32 via 192.168.1.1 dev bond0
	// ip route replace 192.168.100.2/32 via 192.168.1.1 dev bond0
	// ip -6 route replace 2001:193:168:1::4/127 via 2001:192:168:1::1 dev bond0
}

// The label and annotations the case study's master node gets on a Kubernetes-datastore cluster.
func ExamplePatches() {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		log.Fatal(err)
	}
	y, err := yaml.Marshal(node.Patches(in)[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(y))
	// Output:
	// annotations:
	//   projectcalico.org/IPv4Address: 192.168.1.10/24
	//   projectcalico.org/IPv6Address: 2001:192:168:1::10/64
	// labels:
	//   nxcalico.io/leaf-pair: rack1
	// node: master
}
