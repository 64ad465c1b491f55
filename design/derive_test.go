package design

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/nxcalico/nxcalico/addressing"
)

func mustDerive(t *testing.T, d *Design) *Intent {
	t.Helper()
	in, err := Derive(d)
	if err != nil {
		t.Fatalf("Derive: %v", err)
	}
	return in
}

func TestDeriveCaseStudyLeaves(t *testing.T) {
	in := mustDerive(t, CaseStudy())
	if got := []string{in.Leaves[0].Name, in.Leaves[1].Name}; !slices.Equal(got, []string{"Leaf2101", "Leaf2102"}) || len(in.Leaves) != 2 {
		t.Fatalf("leaves = %v", got)
	}
	l := in.Leaf("Leaf2101")
	if in.Fabric.VRF != "vrf-001" || in.Fabric.ASN != 65102 || l.RouterID != netip.MustParseAddr("10.2.1.1") || l.Pair != "rack1" {
		t.Errorf("leaf basics: %+v", l)
	}
	if len(l.Templates) != 2 {
		t.Fatalf("templates = %+v", l.Templates)
	}
	v4, v6 := l.Template(addressing.IPv4), l.Template(addressing.IPv6)
	want4 := TemplateIntent{Name: "CALICO", Family: addressing.IPv4, RemoteASN: 65531, LoopbackID: 1002, EBGPMultihop: 10, ASOverride: true, DisablePeerASCheck: true, SendCommunity: true,
		Import: v4.Import, Export: v4.Export, MaxPrefix: 260, MaxPrefixWarning: 75}
	if *v4 != want4 {
		t.Errorf("IPv4 template = %+v, want %+v", *v4, want4)
	}
	if v4.Import.RouteMap != "CALICO-in" || v4.Export.RouteMap != "CALICO-out" || v6.Import.PrefixList != "K8-v6-in" || v6.MaxPrefix != 259 {
		t.Errorf("template policies: %+v %+v %+v max %d", v4.Import, v4.Export, v6.Import, v6.MaxPrefix)
	}
	if v6.Name != "K8-v6" || v6.Family != addressing.IPv6 || !v6.ASOverride {
		t.Errorf("IPv6 template = %+v", *v6)
	}
	var neighbors []string
	for _, n := range l.Neighbors {
		neighbors = append(neighbors, fmt.Sprintf("%s %s %s", n.Addr, n.Template, n.Node))
	}
	wantNeighbors := []string{
		"192.168.1.10 CALICO master", "192.168.1.11 CALICO node01", "192.168.1.13 CALICO node02",
		"2001:192:168:1::10 K8-v6 master", "2001:192:168:1::11 K8-v6 node01", "2001:192:168:1::13 K8-v6 node02",
	}
	if !slices.Equal(neighbors, wantNeighbors) {
		t.Errorf("neighbors:\n got %q\nwant %q", neighbors, wantNeighbors)
	}
	if l.Coloring == nil || l.Coloring.RouteTarget.String() != "2101:2102" || l.Coloring.RouteMap != "loopback" ||
		l.Coloring.PrefixListV4 != "dup_ip_avoidance" || l.Coloring.PrefixListV6 != "dup_ip_avoidance_v6" ||
		l.Coloring.Loopback.IPv4 != netip.MustParsePrefix("192.168.100.1/32") {
		t.Errorf("coloring = %+v", l.Coloring)
	}
	var networks []string
	for _, n := range l.Networks {
		networks = append(networks, n.Prefix.String()+" "+n.RouteMap)
	}
	wantNetworks := []string{"0.0.0.0/0 ", "192.168.100.1/32 loopback", "::/0 ", "2001:193:168:1::4/128 loopback"}
	if !slices.Equal(networks, wantNetworks) {
		t.Errorf("networks = %q, want %q", networks, wantNetworks)
	}
	if in.Fabric.MaximumPaths != 64 || in.Fabric.MaximumPathsIBGP != 2 {
		t.Errorf("maximum-paths = %d/%d", in.Fabric.MaximumPaths, in.Fabric.MaximumPathsIBGP)
	}
}

func TestDeriveCaseStudyNodes(t *testing.T) {
	in := mustDerive(t, CaseStudy())
	n := in.Node("node01")
	if n == nil || n.Interface != "bond0" || n.Pair != "rack1" {
		t.Fatalf("node01 = %+v", n)
	}
	var peers, routes []string
	for _, p := range n.Peers {
		peers = append(peers, p.Leaf+" "+p.Addr.String())
	}
	for _, r := range n.Routes {
		routes = append(routes, fmt.Sprintf("%s via %s dev %s", r.Prefix, r.Via, r.Dev))
	}
	if want := []string{"Leaf2101 192.168.100.1", "Leaf2102 192.168.100.2", "Leaf2101 2001:193:168:1::4", "Leaf2102 2001:193:168:1::5"}; !slices.Equal(peers, want) {
		t.Errorf("peers = %q, want %q", peers, want)
	}
	want := []string{
		"192.168.100.1/32 via 192.168.1.1 dev bond0", "192.168.100.2/32 via 192.168.1.1 dev bond0",
		"2001:193:168:1::4/127 via 2001:192:168:1::1 dev bond0",
	}
	if !slices.Equal(routes, want) {
		t.Errorf("routes:\n got %q\nwant %q", routes, want)
	}
	if got := in.SessionCount(); got != 12 {
		t.Errorf("SessionCount = %d, want 12 (3 nodes x 2 leaves x 2 families)", got)
	}
	c := in.Cluster
	if !c.SharedLoopbacks || len(c.Peers) != 4 || c.Peers[0].Pair != "" || c.ASN != 65531 || in.Fabric.ASN != 65102 {
		t.Errorf("cluster = %+v", c)
	}
	if c.Pools[0].BlockSize != 26 || c.Pools[1].BlockSize != 122 || c.Pools[0].NodeSelector != "all()" {
		t.Errorf("pool defaults not filled: %+v", c.Pools)
	}
}

// fourPairs builds a design of n leaf pairs, two nodes each; shared makes every pair reuse the
// same loopbacks with distinct colors.
func fourPairs(n int, shared bool) *Design {
	d := CaseStudy()
	d.Fabric.LeafPairs = nil
	d.Cluster.Nodes = nil
	for i := range n {
		pair := LeafPair{Name: fmt.Sprintf("rack%d", i+1)}
		if shared {
			pair.RouteTargetColor = MustParseRouteTarget(fmt.Sprintf("65102:%d", 100+i))
		}
		for j := range 2 {
			lb := Loopback{ID: 1002, IPv4: netip.MustParsePrefix(fmt.Sprintf("192.168.100.%d/32", j+1)), IPv6: netip.MustParsePrefix(fmt.Sprintf("2001:193:168:1::%d/128", j+4))}
			if !shared {
				lb.IPv4 = netip.MustParsePrefix(fmt.Sprintf("192.168.%d.%d/32", 100+i, j+1))
				lb.IPv6 = netip.MustParsePrefix(fmt.Sprintf("2001:193:168:%x::%d/128", i+1, j+4))
			}
			pair.Leaves = append(pair.Leaves, Leaf{Name: fmt.Sprintf("Leaf%d%d", i+1, j+1), RouterID: netip.MustParseAddr(fmt.Sprintf("10.2.%d.%d", i+1, j+1)), PeeringLoopback: lb})
		}
		d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, pair)
		for j := range 2 {
			host := 10 + 2*i + j
			d.Cluster.Nodes = append(d.Cluster.Nodes, Node{
				Name: fmt.Sprintf("node-%d-%d", i+1, j+1), LeafPair: pair.Name,
				IPv4: netip.MustParseAddr(fmt.Sprintf("192.168.1.%d", host)),
				IPv6: netip.MustParseAddr(fmt.Sprintf("2001:192:168:1::%x", host)),
			})
		}
	}
	return d
}

func TestDerivePeeringShapes(t *testing.T) {
	shared := mustDerive(t, fourPairs(4, true))
	if !shared.Cluster.SharedLoopbacks {
		t.Fatal("shared loopbacks not detected")
	}
	if len(shared.Cluster.Peers) != 4 {
		t.Fatalf("shared: %d cluster peers, want 4 (2 loopbacks x 2 families, independent of pair count)", len(shared.Cluster.Peers))
	}
	if p := shared.Cluster.Peers[0]; p.Pair != "" || len(p.Leaves) != 4 {
		t.Errorf("shared peer = %+v, want global with one leaf per pair", p)
	}
	unique := mustDerive(t, fourPairs(4, false))
	if unique.Cluster.SharedLoopbacks {
		t.Fatal("unique loopbacks taken as shared")
	}
	if len(unique.Cluster.Peers) != 16 {
		t.Fatalf("unique: %d cluster peers, want 16 (4 pairs x 2 leaves x 2 families)", len(unique.Cluster.Peers))
	}
	for _, p := range unique.Cluster.Peers {
		if p.Pair == "" || len(p.Leaves) != 1 {
			t.Errorf("unique peer %+v must be per pair with one leaf", p)
		}
	}
	// Each leaf peers with exactly the nodes of its own pair.
	l := unique.Leaf("Leaf31")
	for _, n := range l.Neighbors {
		if node := unique.Node(n.Node); node.Pair != "rack3" {
			t.Errorf("Leaf31 neighbor %s is on pair %s", n.Node, node.Pair)
		}
	}
	if len(l.Neighbors) != 4 || l.Coloring != nil {
		t.Errorf("Leaf31: %d neighbors, coloring %v", len(l.Neighbors), l.Coloring)
	}
	if n := unique.Node("node-3-1"); len(n.Routes) != 3 || n.Routes[0].Prefix != netip.MustParsePrefix("192.168.102.1/32") || n.Routes[2].Prefix != netip.MustParsePrefix("2001:193:168:3::4/127") {
		t.Errorf("node-3-1 routes = %+v", n.Routes)
	}
}

func TestDeriveReachabilityAndExplicitRoutes(t *testing.T) {
	d := CaseStudy()
	d.Peering.NodeReachability = ReachableBy
	for _, n := range mustDerive(t, d).Nodes {
		if len(n.Routes) != 0 {
			t.Errorf("ReachableBy: node %s has routes %v", n.Name, n.Routes)
		}
	}
	d = CaseStudy()
	d.Peering.NodeRoutes = []netip.Prefix{netip.MustParsePrefix("192.168.100.0/24"), netip.MustParsePrefix("2001:193:168:1::/64")}
	n := mustDerive(t, d).Node("master")
	if len(n.Routes) != 2 || n.Routes[0].Prefix.String() != "192.168.100.0/24" || n.Routes[1].Via.String() != "2001:192:168:1::1" {
		t.Errorf("explicit routes = %+v", n.Routes)
	}
}

func TestDeriveIPv4Only(t *testing.T) {
	d := CaseStudy()
	d.Fabric.AnycastGateway.IPv6 = netip.Prefix{}
	d.Fabric.LeafPairs[0].Leaves = d.Fabric.LeafPairs[0].Leaves[:1]
	d.Fabric.LeafPairs[0].Leaves[0].PeeringLoopback.IPv6 = netip.Prefix{}
	d.Fabric.LeafPairs[0].RouteTargetColor = RouteTarget{}
	for i := range d.Cluster.Nodes {
		d.Cluster.Nodes[i].IPv6 = netip.Addr{}
	}
	d.Cluster.IPPools = d.Cluster.IPPools[:1]
	in := mustDerive(t, d)
	l := in.Leaves[0]
	if len(l.Templates) != 1 || l.Templates[0].Family != addressing.IPv4 || len(l.Neighbors) != 3 || l.Coloring != nil {
		t.Errorf("IPv4-only leaf = %+v", l)
	}
	if in.Cluster.SharedLoopbacks || len(in.Cluster.Peers) != 1 || in.Cluster.Peers[0].Pair != "rack1" {
		t.Errorf("IPv4-only cluster peers = %+v", in.Cluster.Peers)
	}
}

func TestDeriveDoesNotModifyInput(t *testing.T) {
	d := CaseStudy()
	d.Peering = Peering{}
	d.Cluster.IPPools[0].BlockSize = 0
	before := fmt.Sprintf("%+v", *d)
	mustDerive(t, d)
	if after := fmt.Sprintf("%+v", *d); after != before {
		t.Errorf("Derive modified its input:\nbefore %s\nafter  %s", before, after)
	}
}

// TestDeriveRetiredLeaves carries the retired leaves into the fabric intent, sorted, without
// touching the design's list; a design without any has none.
func TestDeriveRetiredLeaves(t *testing.T) {
	if got := mustDerive(t, CaseStudy()).Fabric.Retired; got != nil {
		t.Errorf("Fabric.Retired = %q for a design without retired leaves, want nil", got)
	}
	d := CaseStudy()
	d.Fabric.RetiredLeaves = []string{"Leaf2202", "Leaf2201", "Leaf1901"}
	in := mustDerive(t, d)
	if want := []string{"Leaf1901", "Leaf2201", "Leaf2202"}; !slices.Equal(in.Fabric.Retired, want) {
		t.Errorf("Fabric.Retired = %q, want %q", in.Fabric.Retired, want)
	}
	if want := []string{"Leaf2202", "Leaf2201", "Leaf1901"}; !slices.Equal(d.Fabric.RetiredLeaves, want) {
		t.Errorf("Derive reordered the design's retiredLeaves: %q", d.Fabric.RetiredLeaves)
	}
	if in.Leaf("Leaf2201") != nil || len(in.Leaves) != 2 {
		t.Errorf("a retired leaf became a leaf of the intent: %d leaves", len(in.Leaves))
	}
}

func TestDeriveRejectsInvalid(t *testing.T) {
	d := CaseStudy()
	d.Cluster.ASN = d.Fabric.ASN
	_, err := Derive(d)
	ps, ok := AsProblems(err)
	if !ok || !ps.Has(CodeSameASN) {
		t.Fatalf("Derive error = %v, want same-asn problem", err)
	}
}
