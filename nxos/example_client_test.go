package nxos_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// leafConfigs renders the reference design.
func leafConfigs() []*nxos.LeafConfig {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		panic(err)
	}
	cfgs, err := nxos.Render(in, nxos.RenderOptions{})
	if err != nil {
		panic(err)
	}
	return cfgs
}

// A leaf is planned, applied in one POST, planned again (nothing left to do)
// and its BGP sessions are waited for, against a simulated switch.
func ExampleClient_Plan() {
	sw := nxostest.NewServer(nxostest.WithCredentials("admin", `pa"ss\word`))
	defer sw.Close()
	c, err := nxos.NewClient(nxos.Options{
		URL:         sw.URL(),
		Credentials: nxos.Credentials{Username: "admin", Password: design.NewSecret(`pa"ss\word`)},
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	leaf := leafConfigs()[0]

	p, err := c.Plan(ctx, leaf)
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.SplitN(p.String(), "\n", 2)[0])
	fmt.Println("requests to apply:", p.Requests())
	if err := c.Apply(ctx, p); err != nil {
		panic(err)
	}
	again, _ := c.Plan(ctx, leaf)
	fmt.Println(again)

	sw.SetPeersAlive(true)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ss, err := c.WaitEstablished(wctx, "vrf-001", []netip.Addr{netip.MustParseAddr("192.168.1.10"), netip.MustParseAddr("2001:192:168:1::10")}, 10*time.Millisecond)
	if err != nil {
		panic(err)
	}
	for _, s := range ss {
		fmt.Println(s.Addr, s.State)
	}
	// Output:
	// Leaf2101: 117 to create, 0 to update, 0 to delete
	// requests to apply: 2
	// Leaf2101: 0 to create, 0 to update, 0 to delete (no changes)
	// 192.168.1.10 established
	// 2001:192:168:1::10 established
}

// A fleet applies both leaves concurrently; results come back ordered by name.
func ExampleFleet_Apply() {
	var targets []nxos.Target
	for _, leaf := range leafConfigs() {
		sw := nxostest.NewServer()
		defer sw.Close()
		c, err := nxos.NewClient(nxos.Options{URL: sw.URL(), Credentials: nxos.Credentials{Username: "admin", Password: design.NewSecret("admin")}})
		if err != nil {
			panic(err)
		}
		targets = append(targets, nxos.Target{Name: leaf.Leaf, Client: c, Config: leaf})
	}
	f, err := nxos.NewFleet(nxos.FleetOptions{Concurrency: 2, AllOrNothing: true})
	if err != nil {
		panic(err)
	}
	res, err := f.Apply(context.Background(), targets)
	if err != nil {
		panic(err)
	}
	for _, r := range res {
		cr, up, de := r.Plan.Counts()
		fmt.Printf("%s applied=%v created=%d updated=%d deleted=%d\n", r.Switch, r.Applied, cr, up, de)
	}
	// Output:
	// Leaf2101 applied=true created=117 updated=0 deleted=0
	// Leaf2102 applied=true created=117 updated=0 deleted=0
}
