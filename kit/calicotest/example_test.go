package calicotest_test

import (
	"context"
	"fmt"
	"log"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	calicoclient "github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/kit/calicotest"
)

// Start a server with the projectcalico.org/v3 CRDs and create a BGPPeer
// through the generated Calico clientset.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := calicotest.Start(ctx, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	cfg := srv.Config()
	cfg.QPS, cfg.Burst = 50, 100
	cs, err := calicoclient.NewForConfig(cfg)
	if err != nil {
		log.Fatal(err)
	}
	peer := &v3.BGPPeer{
		ObjectMeta: metav1.ObjectMeta{Name: "leaf1"},
		Spec:       v3.BGPPeerSpec{PeerIP: "192.0.2.1", ASNumber: 65001},
	}
	if _, err := cs.ProjectcalicoV3().BGPPeers().Create(ctx, peer, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil {
		log.Fatal(err)
	}
}

// List the CRDs a server with only the classic crd.projectcalico.org/v1
// group installs.
func ExampleCRDs() {
	crds, err := calicotest.CRDs(calicotest.GroupV1)
	if err != nil {
		log.Fatal(err)
	}
	for _, crd := range crds {
		fmt.Println(crd.Name, crd.Spec.Names.Kind)
	}
	// Output:
	// bgpconfigurations.crd.projectcalico.org BGPConfiguration
	// bgpfilters.crd.projectcalico.org BGPFilter
	// bgppeers.crd.projectcalico.org BGPPeer
	// caliconodestatuses.crd.projectcalico.org CalicoNodeStatus
	// clusterinformations.crd.projectcalico.org ClusterInformation
	// felixconfigurations.crd.projectcalico.org FelixConfiguration
	// ippools.crd.projectcalico.org IPPool
	// ipreservations.crd.projectcalico.org IPReservation
}

func ExampleGroup_Version() {
	fmt.Println(calicotest.GroupV3, calicotest.GroupV3.Version())
	fmt.Println(calicotest.GroupV1, calicotest.GroupV1.Version())
	// Output:
	// projectcalico.org v3
	// crd.projectcalico.org v1
}
