package calico

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
)

func TestGlobalPeerName(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"192.168.100.1", "nxcalico-leaf-192-168-100-1"},
		{"2001:193:168:1::4", "nxcalico-leaf-2001-193-168-1--4"},
		{"fd00:255::", "nxcalico-leaf-fd00-255--0"},
		{"::1", "nxcalico-leaf-0--1"},
		{"::", "nxcalico-leaf-0--0"},
		{"1:2:3:4:5:6:7:8", "nxcalico-leaf-1-2-3-4-5-6-7-8"},
		{"::ffff:1.2.3.4", "nxcalico-leaf-0000-0000-0000-0000-0000-ffff-0102-0304"},
	}
	for _, tt := range tests {
		got := globalPeerName(netip.MustParseAddr(tt.addr))
		if got != tt.want {
			t.Errorf("globalPeerName(%s) = %q, want %q", tt.addr, got, tt.want)
		}
		if msgs := validation.IsDNS1123Subdomain(got); len(msgs) > 0 {
			t.Errorf("globalPeerName(%s) = %q is no DNS-1123 name: %v", tt.addr, got, msgs)
		}
	}
}

// FuzzAddrSlug checks that address slugs are DNS-1123 labels and that two different addresses
// never share one.
func FuzzAddrSlug(f *testing.F) {
	seeds := [][2]string{
		{"::ffff:1.2.3.4", "::ffff:1:2:3:4"}, {"::", "::0.0.0.0"}, {"1::", "1::0"}, {"::1", "0::1"},
		{"1.2.3.4", "1:2:3:4::"}, {"2001:db8::1", "2001:db8:0:0:1::"}, {"10.0.0.1", "::a00:1"},
	}
	for _, s := range seeds {
		a, b := netip.MustParseAddr(s[0]), netip.MustParseAddr(s[1])
		f.Add(a.AsSlice(), b.AsSlice())
	}
	f.Fuzz(func(t *testing.T, x, y []byte) {
		a, ok1 := netip.AddrFromSlice(x)
		b, ok2 := netip.AddrFromSlice(y)
		if !ok1 || !ok2 {
			return
		}
		sa, sb := addrSlug(a), addrSlug(b)
		for _, s := range []string{sa, sb} {
			if msgs := validation.IsDNS1123Label(s); len(msgs) > 0 {
				t.Fatalf("slug %q is no DNS label: %v", s, msgs)
			}
		}
		if (sa == sb) != (a == b) {
			t.Fatalf("addrSlug(%s) = %q, addrSlug(%s) = %q", a, sa, b, sb)
		}
	})
}

func peer(pair, leaf, addr string) design.ClusterPeer {
	a := netip.MustParseAddr(addr)
	return design.ClusterPeer{Addr: a, Family: addressing.FamilyOf(a), Pair: pair, Leaves: []string{leaf}}
}

func TestPairPeerNames(t *testing.T) {
	long := strings.Repeat("x", 240)
	tests := []struct {
		name  string
		pair  string
		peers []design.ClusterPeer
		want  []string
	}{
		{"leaf names, lower-cased", "rack1", []design.ClusterPeer{
			peer("rack1", "Leaf2101", "192.168.100.1"), peer("rack1", "Leaf2102", "192.168.100.2"), peer("rack1", "Leaf2101", "2001:193:168:1::4"),
		}, []string{"nxcalico-rack1.leaf2101-ipv4", "nxcalico-rack1.leaf2102-ipv4", "nxcalico-rack1.leaf2101-ipv6"}},
		{"odd characters", "r", []design.ClusterPeer{peer("r", "_Leaf.A/1_", "10.0.0.1")}, []string{"nxcalico-r.leaf-a-1-ipv4"}},
		{"leaves alike after lower-casing: addresses", "r", []design.ClusterPeer{
			peer("r", "LeafA", "10.0.0.1"), peer("r", "leafa", "10.0.0.2"), peer("r", "LeafA", "fd00::1"),
		}, []string{"nxcalico-r.leaf-10-0-0-1", "nxcalico-r.leaf-10-0-0-2", "nxcalico-r.leaf-fd00--1"}},
		{"leaves alike after replacing characters", "r", []design.ClusterPeer{
			peer("r", "leaf_1", "10.0.0.1"), peer("r", "leaf-1", "10.0.0.2"),
		}, []string{"nxcalico-r.leaf-10-0-0-1", "nxcalico-r.leaf-10-0-0-2"}},
		{"nothing left of the leaf name", "r", []design.ClusterPeer{peer("r", "__", "10.0.0.1")}, []string{"nxcalico-r.leaf-10-0-0-1"}},
		{"too long", "r", []design.ClusterPeer{peer("r", long, "10.0.0.1")}, []string{"nxcalico-r.leaf-10-0-0-1"}},
		{"just short enough", "r", []design.ClusterPeer{peer("r", long[:253-len("nxcalico-r.-ipv4")], "10.0.0.1")},
			[]string{"nxcalico-r." + long[:253-len("nxcalico-r.-ipv4")] + "-ipv4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pairPeerNames(tt.pair, tt.peers)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("names %q, want %q", got, tt.want)
			}
			for _, n := range got {
				if msgs := validation.IsDNS1123Subdomain(n); len(msgs) > 0 {
					t.Errorf("%q is no DNS-1123 name: %v", n, msgs)
				}
			}
		})
	}
}

// TestPeerNamesNeverCollide renders designs whose pair and leaf names would run together if they
// were joined with '-' and checks every peer keeps its own object.
func TestPeerNamesNeverCollide(t *testing.T) {
	d := designtest.UniqueLoopbacks()
	d.Fabric.LeafPairs[0].Name = "r1"
	d.Fabric.LeafPairs[0].Leaves[0].Name = "a-1" // nxcalico-r1-a-1-ipv4 …
	d.Fabric.LeafPairs[1].Name = "r1-a"
	d.Fabric.LeafPairs[1].Leaves[0].Name = "1" // … is also nxcalico-r1-a-1-ipv4 when joined with '-'
	d.Fabric.LeafPairs[1].Leaves[1].Name = "LEAF_B2"
	d.Fabric.LeafPairs[2].Leaves[0].Name = "leaf-b2" // alike LEAF_B2, but in another pair
	d.Cluster.Nodes[0].LeafPair, d.Cluster.Nodes[1].LeafPair, d.Cluster.Nodes[2].LeafPair = "r1", "r1", "r1-a"
	for _, dd := range []*design.Design{d, designtest.Scale(300, 1, false)} {
		in, objs := renderDesign(t, dd)
		if len(objs.BGPPeers) != len(in.Cluster.Peers) {
			t.Fatalf("%d peers in the intent, %d BGPPeers", len(in.Cluster.Peers), len(objs.BGPPeers))
		}
		seen := map[string]bool{}
		for _, p := range objs.BGPPeers {
			if seen[p.Name] {
				t.Errorf("two BGPPeers named %q", p.Name)
			}
			seen[p.Name] = true
		}
	}
}

func TestRenderRejectsDuplicateNames(t *testing.T) {
	in := renderIntent(t, design.CaseStudy())
	in.Cluster.Pools[1].Name = in.Cluster.Pools[0].Name
	_, err := Render(in)
	assertProblem(t, err, "cluster.pools[1].name", design.CodeDuplicateName)
	in = renderIntent(t, design.CaseStudy())
	in.Cluster.Pools[0].Name = "Pods_V4"
	_, err = Render(in)
	assertProblem(t, err, "cluster.pools[0].name", design.CodeInvalidName)
}

// TestRenderPeersOutOfPairOrder checks that peers of a pair are named together wherever they
// stand in Cluster.Peers: the objects are those of the sorted intent.
func TestRenderPeersOutOfPairOrder(t *testing.T) {
	in, want := renderDesign(t, designtest.TwoPairs())
	slices.Reverse(in.Cluster.Peers)
	got, err := Render(in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects of the reversed peers (-sorted +reversed):\n%s", diff)
	}
}
