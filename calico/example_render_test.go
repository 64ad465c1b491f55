package calico_test

import (
	"fmt"
	"log"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
)

// Render the case study's Calico objects and list them in apply order.
func ExampleRender() {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		log.Fatal(err)
	}
	objs, err := calico.Render(in)
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range objs.All() {
		fmt.Println(o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
	}
	// Output:
	// BGPConfiguration default
	// IPPool default-ipv4-ippool
	// IPPool default-ipv6-ippool
	// BGPFilter nxcalico-fabric
	// BGPPeer nxcalico-leaf-192-168-100-1
	// BGPPeer nxcalico-leaf-192-168-100-2
	// BGPPeer nxcalico-leaf-2001-193-168-1--4
	// BGPPeer nxcalico-leaf-2001-193-168-1--5
}

// The YAML of one BGPPeer, as `kubectl apply -f` takes it. The case study's single colored pair
// gets global peers; a per-pair peer would add a nodeSelector.
func ExampleObjects_YAML() {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		log.Fatal(err)
	}
	objs, err := calico.Render(in)
	if err != nil {
		log.Fatal(err)
	}
	one := &calico.Objects{BGPPeers: objs.BGPPeers[:1]}
	y, err := one.YAML()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(y))
	// Output:
	// apiVersion: projectcalico.org/v3
	// kind: BGPPeer
	// metadata:
	//   labels:
	//     nxcalico.io/managed-by: prod
	//   name: nxcalico-leaf-192-168-100-1
	// spec:
	//   asNumber: 65102
	//   filters:
	//   - nxcalico-fabric
	//   nodeSelector: has(nxcalico.io/leaf-pair)
	//   peerIP: 192.168.100.1
}

// The node selector of a per-pair BGPPeer.
func ExamplePairSelector() {
	fmt.Println(calico.PairSelector("rack1"))
	// Output:
	// nxcalico.io/leaf-pair == 'rack1'
}
