package calico

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
)

// Node annotations Calico reads on Kubernetes-datastore clusters: the node's BGP addresses with the
// prefix length of their subnet.
const (
	// IPv4AddressAnnotation holds the node's IPv4 BGP address and prefix length (192.168.1.10/24).
	IPv4AddressAnnotation = "projectcalico.org/IPv4Address"
	// IPv6AddressAnnotation holds the node's IPv6 BGP address and prefix length (2001:db8::10/64).
	IPv6AddressAnnotation = "projectcalico.org/IPv6Address"
)

// NodePatch is what nxcalico sets on one core Node: labels and annotations to merge into the
// node's metadata (other keys stay as they are).
type NodePatch struct {
	// Node is the Kubernetes Node's name.
	Node string `json:"node"`
	// Labels are set on the Node: LeafPairLabel with the node's leaf pair.
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations are set on the Node: the Calico address annotations of the node's families.
	Annotations map[string]string `json:"annotations,omitempty"`
}

// NodePatches returns the Node metadata a Kubernetes-datastore cluster needs, one patch per node of
// the intent, sorted by node name: the label LeafPairLabel=<pair> the per-pair BGPPeers select on,
// and the annotations projectcalico.org/IPv4Address (e.g. "192.168.1.10/24") and
// projectcalico.org/IPv6Address (e.g. "2001:192:168:1::10/64") for the families the node has, with
// the prefix length of the anycast-gateway subnet.
//
// calico-node's address autodetection writes the same annotations when it starts: configure it to
// pick the node's address on that subnet (IP_AUTODETECTION_METHOD=cidr=<subnet> or
// interface=<node interface>), or it may overwrite them with another address.
func NodePatches(in *design.Intent) []NodePatch {
	if in == nil {
		return nil
	}
	subnet := addressing.PrefixPair{IPv4: in.Fabric.Gateway.IPv4, IPv6: in.Fabric.Gateway.IPv6} // gateway subnets
	patches := make([]NodePatch, len(in.Nodes))                                                 // in.Nodes is sorted by name
	for i := range in.Nodes {
		n := &in.Nodes[i]
		p := NodePatch{Node: n.Name, Labels: map[string]string{LeafPairLabel: n.Pair}, Annotations: make(map[string]string, 2)}
		for _, f := range addressing.Families {
			a, gw := n.Addr.Get(f), subnet.Get(f)
			if !a.IsValid() || !gw.IsValid() {
				continue
			}
			key := IPv4AddressAnnotation
			if f == addressing.IPv6 {
				key = IPv6AddressAnnotation
			}
			p.Annotations[key] = netip.PrefixFrom(a, gw.Bits()).String()
		}
		patches[i] = p
	}
	slices.SortFunc(patches, func(a, b NodePatch) int { return strings.Compare(a.Node, b.Node) })
	return patches
}
