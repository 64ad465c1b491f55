package twin

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/design"
)

// racks builds a dual-stack design of n leaf pairs with perRack nodes each, on the case study's
// settings; shared makes every pair reuse the same loopbacks with its own color.
func racks(n, perRack int, shared bool) *design.Design {
	d := design.CaseStudy()
	d.Fabric.LeafPairs = nil
	d.Cluster.Nodes = nil
	for i := range n {
		pair := design.LeafPair{Name: fmt.Sprintf("rack%d", i+1)}
		if shared {
			pair.RouteTargetColor = design.MustParseRouteTarget(fmt.Sprintf("65102:%d", 100+i))
		}
		for j := range 2 {
			lb := design.Loopback{ID: 1002, IPv4: netip.MustParsePrefix(fmt.Sprintf("192.168.100.%d/32", j+1)), IPv6: netip.MustParsePrefix(fmt.Sprintf("2001:193:168:1::%d/128", j+4))}
			if !shared {
				lb.IPv4 = netip.MustParsePrefix(fmt.Sprintf("192.168.%d.%d/32", 100+i, j+1))
				lb.IPv6 = netip.MustParsePrefix(fmt.Sprintf("2001:193:168:%x::%d/128", i+1, j+4))
			}
			pair.Leaves = append(pair.Leaves, design.Leaf{Name: fmt.Sprintf("Leaf%d%d", i+1, j+1), RouterID: netip.MustParseAddr(fmt.Sprintf("10.2.%d.%d", i+1, j+1)), PeeringLoopback: lb})
		}
		d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, pair)
		for j := range perRack {
			host := 10 + perRack*i + j
			d.Cluster.Nodes = append(d.Cluster.Nodes, design.Node{
				Name: fmt.Sprintf("node-%d-%d", i+1, j+1), LeafPair: pair.Name,
				IPv4: netip.MustParseAddr(fmt.Sprintf("192.168.1.%d", host)),
				IPv6: netip.MustParseAddr(fmt.Sprintf("2001:192:168:1::%x", host)),
			})
		}
	}
	return d
}

func derive(t testing.TB, d *design.Design) *design.Intent {
	t.Helper()
	in, err := design.Derive(d)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// needTwin skips the test when the machine cannot run a twin, naming what is missing.
func needTwin(t testing.TB) {
	t.Helper()
	if err := Preflight(); err != nil {
		t.Skip(err)
	}
}

// testPrefix is a namespace prefix unique to this test process.
func testPrefix(tag string) string {
	return fmt.Sprintf("nxt%s%d", tag, os.Getpid()%100000)
}

func testContext(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
