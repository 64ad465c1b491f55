package bird

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	"strings"
	"testing"

	apiv3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
)

func TestGenerateRefusesBadInput(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(*Node, *Resources)
		wants []string
	}{
		{"mesh on", func(n *Node, r *Resources) { r.Config.Spec.NodeToNodeMeshEnabled = nil }, []string{"nodeToNodeMeshEnabled"}},
		{"bad peerIP", func(n *Node, r *Resources) { r.Peers[0].Spec.PeerIP = "10.99.0" }, []string{`BGPPeer "far-v4"`, `"10.99.0"`}},
		{"bad selector", func(n *Node, r *Resources) { r.Peers[0].Spec.NodeSelector = "rack = 'a'" }, []string{`BGPPeer "far-v4"`, `nodeSelector`, `"rack = 'a'"`}},
		{"unknown filter", func(n *Node, r *Resources) { r.Peers[0].Spec.Filters = []string{"nope"} }, []string{`"nope"`}},
		{"missing password", func(n *Node, r *Resources) {
			r.Peers[0].Spec.Password = &apiv3.BGPPassword{SecretKeyRef: secretRef("bgp", "pw")}
		}, []string{`"calico-system/bgp/pw"`, "Resources.Passwords"}},
		{"unsafe password", func(n *Node, r *Resources) {
			r.Peers[0].Spec.Password = &apiv3.BGPPassword{SecretKeyRef: secretRef("bgp", "pw")}
			r.Passwords = map[string]string{"calico-system/bgp/pw": `a"b`}
		}, []string{"quote"}},
		{"filter without operator", func(n *Node, r *Resources) { r.Filters[0].Spec.ImportV4[0].MatchOperator = "" }, []string{`BGPFilter "default-only"`, "importV4[0]", "matchOperator"}},
		{"filter family", func(n *Node, r *Resources) { r.Filters[0].Spec.ImportV4[0].CIDR = "::/0" }, []string{"importV4[0]", "not IPv4"}},
		{"bad pool", func(n *Node, r *Resources) { r.Pools[0].Spec.CIDR = "10.244/16" }, []string{`IPPool "v4"`, `"10.244/16"`}},
		{"bad block", func(n *Node, r *Resources) { n.Blocks[0] = netipPrefixUnmasked() }, []string{"block", "not a network prefix"}},
		{"subnet", func(n *Node, r *Resources) { n.IPv4Subnet = n.IPv6Subnet }, []string{"IPv4Subnet"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, r := peerPair()
			c.edit(&n, &r)
			_, _, err := Generate(n, r)
			if err == nil {
				t.Fatal("Generate accepted bad input")
			}
			for _, w := range c.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), `a"b`) {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func secretRef(name, key string) *corev1.SecretKeySelector {
	return &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}
}

func netipPrefixUnmasked() netip.Prefix {
	return netip.PrefixFrom(netip.MustParseAddr("10.244.5.1"), 26)
}
