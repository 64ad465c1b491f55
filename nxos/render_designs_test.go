package nxos

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/nxcalico/nxcalico/design"
)

// testDesign is a named design the golden, conformance and snippet tests render.
type testDesign struct {
	name string
	d    *design.Design
	opts RenderOptions
}

// testPassword is the BGP password of the password-carrying test design; the tests prove it never
// appears in clear text.
const testPassword = "Nx-Calico_s3cret!"

// testDesigns are (a) the case study, (b) four leaf pairs that share one set of loopback
// addresses, colored per pair, with extra prefixes for the nodes, and (c) a single IPv4-only
// leaf with unique addresses, no default route (so nothing to send the nodes), graceful restart
// and a BGP password.
func testDesigns() []testDesign {
	shared4 := sharedLoopbackDesign(4, 2)
	shared4.Peering.AdvertiseToNodes = []netip.Prefix{netip.MustParsePrefix("172.31.0.0/16"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	return []testDesign{
		{name: "casestudy", d: design.CaseStudy()},
		{name: "shared4", d: shared4},
		{name: "single-ipv4", d: singleLeafIPv4Design(), opts: RenderOptions{Password: design.NewSecret(testPassword)}},
	}
}

// sharedLoopbackDesign has pairs leaf pairs, all with the case study's loopbacks 192.168.100.1/.2
// and 2001:193:168:1::4/::5, colored 2101:2102, 2103:2104, …, each with nodesPerPair dual-stack
// nodes on the shared anycast-gateway subnets 10.1.0.0/16 and 2001:db8:1::/64.
func sharedLoopbackDesign(pairs, nodesPerPair int) *design.Design {
	d := design.CaseStudy()
	d.Fabric.AnycastGateway.IPv4 = netip.MustParsePrefix("10.1.0.1/16")
	d.Fabric.AnycastGateway.IPv6 = netip.MustParsePrefix("2001:db8:1::1/64")
	d.Fabric.LeafPairs = nil
	d.Cluster.Nodes = nil
	lb := func(v4, v6 string) design.Loopback {
		return design.Loopback{ID: 1002, IPv4: netip.MustParsePrefix(v4), IPv6: netip.MustParsePrefix(v6), Tag: 6789}
	}
	for p := range pairs {
		a, b := 2101+2*p, 2102+2*p
		d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, design.LeafPair{
			Name:             fmt.Sprintf("rack%d", p+1),
			RouteTargetColor: design.MustParseRouteTarget(fmt.Sprintf("%d:%d", a, b)),
			Leaves: []design.Leaf{
				{Name: fmt.Sprintf("Leaf%d", a), RouterID: routerID(2 * p), PeeringLoopback: lb("192.168.100.1/32", "2001:193:168:1::4/128")},
				{Name: fmt.Sprintf("Leaf%d", b), RouterID: routerID(2*p + 1), PeeringLoopback: lb("192.168.100.2/32", "2001:193:168:1::5/128")},
			},
		})
		for n := range nodesPerPair {
			i := p*nodesPerPair + n
			d.Cluster.Nodes = append(d.Cluster.Nodes, design.Node{
				Name:     fmt.Sprintf("node-%05d", i),
				LeafPair: fmt.Sprintf("rack%d", p+1),
				IPv4:     netip.AddrFrom4([4]byte{10, 1, byte(1 + i/250), byte(1 + i%250)}),
				IPv6:     netip.MustParseAddr(fmt.Sprintf("2001:db8:1::%x", 0x1000+i)),
			})
		}
	}
	return d
}

func routerID(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, 2, byte(1 + i/250), byte(1 + i%250)})
}

// singleLeafIPv4Design is one leaf without IPv6 anywhere, unique loopback, no coloring, no default
// route, non-default template names and multipath, graceful restart and a password secret.
func singleLeafIPv4Design() *design.Design {
	return &design.Design{
		Fabric: design.Fabric{
			ASN: 420000010, // a 4-byte AS Calico can still carry (its asNumber is int32)
			VRF: "tenant-a",
			AnycastGateway: design.AnycastGateway{
				VLAN: 120,
				IPv4: netip.MustParsePrefix("172.20.0.1/24"),
			},
			LeafPairs: []design.LeafPair{{
				Name: "edge",
				Leaves: []design.Leaf{{
					Name:            "leaf-edge-1",
					RouterID:        netip.MustParseAddr("10.9.0.1"),
					PeeringLoopback: design.Loopback{ID: 7, IPv4: netip.MustParsePrefix("172.21.0.1/32")},
				}},
			}},
		},
		Cluster: design.Cluster{
			Name:          "edge",
			ASN:           64512,
			NodeInterface: "eth1",
			Nodes: []design.Node{
				{Name: "edge-a", LeafPair: "edge", IPv4: netip.MustParseAddr("172.20.0.11")},
				{Name: "edge-b", LeafPair: "edge", IPv4: netip.MustParseAddr("172.20.0.12")},
			},
			IPPools: []design.IPPool{{Name: "pods", CIDR: netip.MustParsePrefix("10.200.0.0/16")}},
		},
		Peering: design.Peering{
			Templates:             design.Templates{IPv4: "EDGE-V4"},
			EBGPMultihop:          3,
			AdvertiseDefaultRoute: design.Bool(false),
			MaximumPaths:          8,
			MaximumPathsIBGP:      4,
			GracefulRestart:       &design.GracefulRestart{RestartTime: 180, StalePathTime: 600},
			PasswordSecret:        &design.SecretRef{Namespace: "calico-system", Name: "bgp-auth", Key: "password"},
		},
	}
}

// mustIntent derives the intent of d or fails the test.
func mustIntent(tb testing.TB, d *design.Design) *design.Intent {
	tb.Helper()
	in, err := design.Derive(d)
	if err != nil {
		tb.Fatalf("Derive: %v", err)
	}
	return in
}

// mustRender renders d or fails the test.
func mustRender(tb testing.TB, d *design.Design, opts RenderOptions) []*LeafConfig {
	tb.Helper()
	cs, err := Render(mustIntent(tb, d), opts)
	if err != nil {
		tb.Fatalf("Render: %v", err)
	}
	return cs
}
