package integration_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// Bring two leaves and a cluster to the reference design, then plan again to find nothing left
// to do. Here the leaves are NX-API simulators and the cluster an in-process API server with
// Calico's CRDs; against real ones only the clients' URLs and credentials change.
func ExampleSyncer() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		log.Fatal(err)
	}
	s := &nxcalico.Syncer{Switches: map[string]*nxos.Client{}}
	for _, leaf := range in.Leaves {
		sim := nxostest.NewServer(nxostest.WithHostname(leaf.Name))
		defer sim.Close()
		s.Switches[leaf.Name], err = nxos.NewClient(nxos.Options{URL: sim.URL(),
			Credentials: nxos.Credentials{Username: "admin", Password: design.NewSecret("admin")}})
		if err != nil {
			log.Fatal(err)
		}
	}
	api, err := calicotest.Start(ctx, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}})
	if err != nil {
		log.Fatal(err)
	}
	defer api.Close()
	if s.Calico, err = calico.NewClient(api.Config(), calico.Options{}); err != nil {
		log.Fatal(err)
	}

	plan, err := s.Plan(ctx, in)
	if err != nil {
		log.Fatal(err)
	}
	report, err := s.Apply(ctx, plan)
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range report.Leaves {
		fmt.Printf("%s applied: %v\n", l.Switch, l.Applied)
	}
	peers := 0
	for _, ref := range report.CalicoApplied.Created {
		if ref.Kind == "BGPPeer" {
			peers++
		}
	}
	fmt.Println("Calico BGPPeers created:", peers)
	again, err := s.Plan(ctx, in)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("second plan empty:", again.Empty())
	// Output:
	// Leaf2101 applied: true
	// Leaf2102 applied: true
	// Calico BGPPeers created: 4
	// second plan empty: true
}
