package calicoclient_test

import (
	"context"
	"fmt"
	"log"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/calicotest"
)

// Plan and apply the case study's Calico objects to a cluster (here an in-process API server with
// Calico's projectcalico.org/v3 CRDs), then change the design and look at the plan.
func ExampleClient_Plan() {
	ctx := context.Background()
	srv, err := calicotest.Start(ctx, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		log.Fatal(err)
	}
	objs, err := calico.Render(in)
	if err != nil {
		log.Fatal(err)
	}
	c, err := calico.NewClient(srv.Config(), calico.Options{})
	if err != nil {
		log.Fatal(err)
	}

	p, err := c.Plan(ctx, in.Cluster.Name, objs.All())
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.Apply(ctx, p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", len(res.Created), "objects on", p.Group)

	p, err = c.Plan(ctx, in.Cluster.Name, objs.All())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("second plan empty:", p.Empty())

	objs.IPPools[0].Spec.NATOutgoing = false
	p, err = c.Plan(ctx, in.Cluster.Name, objs.All())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(p)
	// Output:
	// created 8 objects on projectcalico.org/v3
	// second plan empty: true
	// Plan for cluster "prod" on projectcalico.org/v3: 0 to create, 1 to update, 0 to delete, 7 unchanged
	// ~ update IPPool/default-ipv4-ippool
	//     Spec.NATOutgoing: true → false
}
