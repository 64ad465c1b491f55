package twin

import (
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
)

func TestPlanTopologyCaseStudy(t *testing.T) {
	in := derive(t, design.CaseStudy())
	topo, err := PlanTopology(in, "x-", 0, netip.Prefix{}, netip.Prefix{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(topo.Namespaces()); got != 6 {
		t.Errorf("%d namespaces, want 6 (fabric, 2 leaves, 3 nodes)", got)
	}
	master := topo.Node("master")
	if master == nil || len(master.Uplinks) != 2 || master.Uplinks[0].Leaf != "Leaf2101" || master.Uplinks[1].Leaf != "Leaf2102" {
		t.Fatalf("master uplinks: %+v", master)
	}
	// The IPv6 node route is a /127 summary of both leaves' loopbacks: it becomes one host route
	// per leaf out of that leaf's uplink; the IPv4 routes are per leaf already.
	want := []string{
		"192.168.100.1/32 via 192.168.1.1 [up0]",
		"192.168.100.2/32 via 192.168.1.1 [up1]",
		"2001:193:168:1::4/128 via 2001:192:168:1::1 [up0]",
		"2001:193:168:1::5/128 via 2001:192:168:1::1 [up1]",
	}
	var got []string
	for _, r := range master.Routes {
		got = append(got, r.Prefix.String()+" via "+r.Via.String()+" ["+strings.Join(r.Devs, " ")+"]")
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("master routes:\n got %q\nwant %q", got, want)
	}
	// Every node owns one block of each pool, distinct across nodes, with a pod address inside.
	seen := map[netip.Prefix]string{}
	for _, n := range topo.Nodes {
		if len(n.Blocks) != 2 || n.Blocks[0].Bits() != 26 || n.Blocks[1].Bits() != 122 {
			t.Errorf("node %s blocks %v, want a /26 and a /122", n.Name, n.Blocks)
		}
		for i, b := range n.Blocks {
			if other, dup := seen[b]; dup {
				t.Errorf("block %s of %s also belongs to %s", b, n.Name, other)
			}
			seen[b] = n.Name
			if !b.Contains(n.Pods[i]) || n.Pods[i] == b.Addr() {
				t.Errorf("node %s pod %s not a host of its block %s", n.Name, n.Pods[i], b)
			}
		}
		if n.Pod(addressing.IPv4) == (netip.Addr{}) || n.Pod(addressing.IPv6) == (netip.Addr{}) {
			t.Errorf("node %s lacks a pod of a family: %v", n.Name, n.Pods)
		}
		if len(n.Services) != 1 || n.Services[0] != netip.MustParseAddr("10.96.0.10") {
			t.Errorf("node %s services %v", n.Name, n.Services)
		}
	}
	if leaf := topo.Leaf("Leaf2101"); len(leaf.Ports) != 3 || !topo.Fabric.IPv4.Contains(leaf.Fabric.IPv4) || !topo.Fabric.IPv6.Contains(leaf.Fabric.IPv6) {
		t.Errorf("Leaf2101: %+v (fabric %s %s)", leaf, topo.Fabric.IPv4, topo.Fabric.IPv6)
	}
}

func TestPlanTopologyRefuses(t *testing.T) {
	in := derive(t, designtest.Racks(2, 3, false))
	if _, err := PlanTopology(in, "x-", 10, netip.Prefix{}, netip.Prefix{}); err == nil || !strings.Contains(err.Error(), "11 network namespaces") || !strings.Contains(err.Error(), "limit of 10") {
		t.Errorf("namespace limit: %v", err)
	}
	_, err := PlanTopology(in, "x-", 0, netip.MustParsePrefix("192.168.1.0/28"), netip.Prefix{})
	if err == nil || !strings.Contains(err.Error(), "FabricIPv4 192.168.1.0/28 collides") || !strings.Contains(err.Error(), "gateway subnet 192.168.1.0/24") {
		t.Errorf("colliding fabric range: %v", err)
	}
	// A design using every candidate range makes the twin ask for one.
	d := designtest.Racks(1, 2, false)
	for _, c := range fabricCandidatesV4 {
		d.Cluster.ServiceExternalIPs = append(d.Cluster.ServiceExternalIPs, netip.MustParsePrefix(c))
	}
	in = derive(t, d)
	if _, err := PlanTopology(in, "x-", 0, netip.Prefix{}, netip.Prefix{}); err == nil || !strings.Contains(err.Error(), "set Options.FabricIPv4") {
		t.Errorf("no free fabric range: %v", err)
	}
	topo, err := PlanTopology(in, "x-", 0, netip.MustParsePrefix("100.64.0.0/24"), netip.Prefix{})
	if err != nil || topo.Fabric.IPv4 != netip.MustParsePrefix("100.64.0.0/24") {
		t.Errorf("given free range: %v", err)
	}
	// A pool with fewer blocks than nodes.
	d = designtest.Racks(1, 3, false)
	d.Cluster.IPPools[0].CIDR = netip.MustParsePrefix("10.244.0.0/25")
	in = derive(t, d)
	if _, err := PlanTopology(in, "x-", 0, netip.Prefix{}, netip.Prefix{}); err == nil || !strings.Contains(err.Error(), "has 2 blocks, too few") {
		t.Errorf("small pool: %v", err)
	}
}

func TestStartRefusesBeforeCreating(t *testing.T) {
	needTwin(t)
	in := derive(t, designtest.Racks(2, 3, false))
	prefix := testPrefix("r")
	_, err := Start(testContext(t, time.Minute), in, Options{Prefix: prefix, MaxNamespaces: 5, TopologyOnly: true})
	if err == nil || !strings.Contains(err.Error(), "limit of 5") {
		t.Fatalf("Start: %v", err)
	}
	if left := namespacesWith(t, prefix); len(left) > 0 {
		t.Errorf("a refused design left namespaces: %v", left)
	}
}

// namespacesWith lists the named network namespaces starting with prefix.
func namespacesWith(t testing.TB, prefix string) []string {
	t.Helper()
	entries, err := os.ReadDir(netnsDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestTopologyReachability(t *testing.T) {
	needTwin(t)
	ctx := testContext(t, 2*time.Minute)
	in := derive(t, design.CaseStudy())
	prefix := testPrefix("t")
	lab, err := Start(ctx, in, Options{Prefix: prefix, TopologyOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := lab.Close(); err != nil {
			t.Error(err)
		}
		if left := namespacesWith(t, prefix); len(left) > 0 {
			t.Errorf("Close left namespaces: %v", left)
		}
		if _, err := os.Stat(lab.Dir); !os.IsNotExist(err) {
			t.Errorf("Close left %s: %v", lab.Dir, err)
		}
	})
	topo := lab.Topology
	for _, n := range topo.Nodes {
		for _, up := range n.Uplinks {
			for _, gw := range []string{"192.168.1.1", "2001:192:168:1::1"} {
				if err := ping(ctx, n.Netns, "", up.Dev, gw); err != nil {
					t.Errorf("node %s: gateway %s on %s: %v", n.Name, gw, up.Dev, err)
				}
			}
		}
		// The leaf loopbacks through the node routes, each via its own uplink.
		for _, l := range topo.Leaves {
			for _, lb := range []netip.Prefix{l.Loopback.IPv4, l.Loopback.IPv6} {
				if err := ping(ctx, n.Netns, "", "", lb.Addr().String()); err != nil {
					t.Errorf("node %s: leaf %s loopback %s: %v", n.Name, l.Name, lb.Addr(), err)
				}
			}
		}
	}
	// A pod address answers once the leaf has a route to its block (BGP's job; static here).
	n := topo.Node("node01")
	leaf := topo.Leaf("Leaf2101")
	for i, b := range n.Blocks {
		via := n.Addr.Get(addressing.PrefixFamily(b))
		if err := ipBatch(ctx, leaf.Netns, []string{"route add " + b.String() + " via " + via.String()}); err != nil {
			t.Fatal(err)
		}
		if err := ping(ctx, leaf.Netns, leaf.Loopback.Get(addressing.PrefixFamily(b)).Addr().String(), "", n.Pods[i].String()); err != nil {
			t.Errorf("leaf %s to pod %s of %s: %v", leaf.Name, n.Pods[i], n.Name, err)
		}
	}
	// Fabric: the leaves reach each other.
	l2 := topo.Leaf("Leaf2102")
	if err := ping(ctx, leaf.Netns, "", "", l2.Fabric.IPv4.String()); err != nil {
		t.Errorf("fabric IPv4: %v", err)
	}
	if err := ping(ctx, leaf.Netns, "", "", l2.Fabric.IPv6.String()); err != nil {
		t.Errorf("fabric IPv6: %v", err)
	}
	// Close twice is harmless.
	if err := lab.Close(); err != nil {
		t.Fatal(err)
	}
	if err := lab.Close(); err != nil {
		t.Fatal(err)
	}
}
