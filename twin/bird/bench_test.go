package bird

import (
	"fmt"
	"net/netip"
	"testing"

	apiv3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BenchmarkGenerateNode4Peers generates one node's configurations with four peers (two leaves,
// both families) and a BGPFilter.
func BenchmarkGenerateNode4Peers(b *testing.B) {
	n, r := peerPair()
	r.Peers = append(r.Peers,
		apiv3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: "far2-v4"}, Spec: apiv3.BGPPeerSpec{PeerIP: "10.99.0.3", ASNumber: 65002, Filters: []string{"default-only"}}},
		apiv3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: "far2-v6"}, Spec: apiv3.BGPPeerSpec{PeerIP: "fd99::3", ASNumber: 65002, Filters: []string{"default-only"}}})
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Generate(n, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate1000Nodes generates the configurations of 1000 nodes in 100 racks, each rack's
// nodes selected by their own pair of leaf peers per family (400 BGPPeers in the cluster).
func BenchmarkGenerate1000Nodes(b *testing.B) {
	base, r := peerPair()
	r.Peers = nil
	for rack := range 100 {
		for l := range 2 {
			sel := fmt.Sprintf("rack == 'r%d'", rack)
			r.Peers = append(r.Peers,
				apiv3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("r%d-l%d-v4", rack, l)}, Spec: apiv3.BGPPeerSpec{
					PeerIP: fmt.Sprintf("10.%d.255.%d", rack, l+1), ASNumber: 65002, NodeSelector: sel, Filters: []string{"default-only"}}},
				apiv3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("r%d-l%d-v6", rack, l)}, Spec: apiv3.BGPPeerSpec{
					PeerIP: fmt.Sprintf("fd00:%x::%d", rack, l+1), ASNumber: 65002, NodeSelector: sel, Filters: []string{"default-only"}}})
		}
	}
	nodes := make([]Node, 1000)
	for i := range nodes {
		n := base
		n.Name = fmt.Sprintf("node-%d", i)
		n.Labels = map[string]string{"rack": fmt.Sprintf("r%d", i/10)}
		n.IPv4 = netip.AddrFrom4([4]byte{10, byte(i / 10), 0, byte(10 + i%10)})
		n.IPv4Subnet = netip.PrefixFrom(n.IPv4, 24).Masked()
		n.IPv6 = netip.MustParseAddr(fmt.Sprintf("fd00:%x::%d", i/10, 10+i%10))
		n.IPv6Subnet = netip.PrefixFrom(n.IPv6, 64).Masked()
		n.Blocks = []netip.Prefix{
			netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 244, byte(i / 4), byte(i % 4 * 64)}), 26),
			netip.MustParsePrefix(fmt.Sprintf("fd00:244:0:%x::/122", i)),
		}
		nodes[i] = n
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range nodes {
			v4, _, err := Generate(n, r)
			if err != nil {
				b.Fatal(err)
			}
			if len(v4.Peers()) != 2 {
				b.Fatalf("node %s has %d IPv4 peers, want its rack's 2", n.Name, len(v4.Peers()))
			}
		}
	}
}
