package bird_test

import (
	"fmt"
	"net/netip"

	apiv3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/twin/bird"
)

func ExampleMatchSelector() {
	labels := map[string]string{"nxcalico.io/leaf-pair": "rack1"}
	ok, _ := bird.MatchSelector("nxcalico.io/leaf-pair in {'rack1', 'rack2'} && !has(edge)", labels)
	fmt.Println(ok)
	_, err := bird.MatchSelector("rack = 'a'", labels)
	fmt.Println(err)
	// Output:
	// true
	// selector "rack = 'a'": at offset 5: expected ==, !=, in or not in after label "rack", found character "="
}

func ExampleGenerate() {
	asn := numorstring.ASNumber(65531)
	mesh := false
	node := bird.Node{
		Name: "node01", IPv4: netip.MustParseAddr("192.168.1.11"), IPv6: netip.MustParseAddr("2001:db8:1::11"),
		Labels: map[string]string{"rack": "r1"},
		Blocks: []netip.Prefix{netip.MustParsePrefix("10.244.0.64/26")},
	}
	res := bird.Resources{
		Config: &apiv3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "default"},
			Spec: apiv3.BGPConfigurationSpec{ASNumber: &asn, NodeToNodeMeshEnabled: &mesh}},
		Pools: []apiv3.IPPool{{ObjectMeta: metav1.ObjectMeta{Name: "pods"}, Spec: apiv3.IPPoolSpec{CIDR: "10.244.0.0/16"}}},
		Peers: []apiv3.BGPPeer{
			{ObjectMeta: metav1.ObjectMeta{Name: "leaf1"}, Spec: apiv3.BGPPeerSpec{PeerIP: "192.168.100.1", ASNumber: 65102, NodeSelector: "rack == 'r1'"}},
			{ObjectMeta: metav1.ObjectMeta{Name: "leaf1-v6"}, Spec: apiv3.BGPPeerSpec{PeerIP: "2001:193:168:1::4", ASNumber: 65102}},
		},
	}
	v4, v6, err := bird.Generate(node, res)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range []*bird.Config{v4, v6} {
		for _, p := range c.Peers() {
			fmt.Printf("%s: protocol %s neighbor %s as %d\n", c.Family(), p.Name, p.Neighbor, p.ASN)
		}
	}
	// Output:
	// IPv4: protocol Node_192_168_100_1 neighbor 192.168.100.1 as 65102
	// IPv6: protocol Global_2001_193_168_1__4 neighbor 2001:193:168:1::4 as 65102
}
