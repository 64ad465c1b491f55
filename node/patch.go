package node

import (
	"net/netip"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
)

// Patch is what nxcalico sets on one core Node: labels and annotations to merge into the
// node's metadata (other keys stay as they are).
type Patch struct {
	// Node is the Kubernetes Node's name.
	Node string `json:"node"`
	// Labels are set on the Node: LeafPairLabel with the node's leaf pair.
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations are set on the Node: the Calico address annotations of the node's families.
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Patches returns the Node metadata a Kubernetes-datastore cluster needs, one patch per node of
// the intent, sorted by node name: the label LeafPairLabel=<pair> the per-pair BGPPeers select on,
// and the annotations projectcalico.org/IPv4Address (e.g. "192.168.1.10/24") and
// projectcalico.org/IPv6Address (e.g. "2001:192:168:1::10/64") for the families the node has, with
// the prefix length of the anycast-gateway subnet.
//
// calico-node's address autodetection writes the same annotations when it starts: configure it to
// pick the node's address on that subnet (IP_AUTODETECTION_METHOD=cidr=<subnet> or
// interface=<node interface>), or it may overwrite them with another address.
func Patches(in *design.Intent) []Patch {
	if in == nil {
		return nil
	}
	patches := make([]Patch, len(in.Nodes)) // in.Nodes is sorted by name
	for i := range in.Nodes {
		patches[i] = wantOf(in, &in.Nodes[i]).patch()
	}
	return patches
}

// want is what one node of an intent carries: its name, pair, and the prefixes of its address
// annotations (invalid for a family it lacks). Comparing it with a Node allocates nothing.
type want struct {
	name, pair string
	v4, v6     netip.Prefix
}

func wantOf(in *design.Intent, n *design.NodeIntent) want {
	w := want{name: n.Name, pair: n.Pair}
	gw := in.Fabric.Gateway
	if a := n.Addr.IPv4; a.IsValid() && gw.IPv4.IsValid() {
		w.v4 = netip.PrefixFrom(a, gw.IPv4.Bits())
	}
	if a := n.Addr.IPv6; a.IsValid() && gw.IPv6.IsValid() {
		w.v6 = netip.PrefixFrom(a, gw.IPv6.Bits())
	}
	return w
}

func (w want) patch() Patch {
	p := Patch{Node: w.name, Labels: map[string]string{LeafPairLabel: w.pair}, Annotations: make(map[string]string, len(addressing.Families))}
	if w.v4.IsValid() {
		p.Annotations[IPv4AddressAnnotation] = w.v4.String()
	}
	if w.v6.IsValid() {
		p.Annotations[IPv6AddressAnnotation] = w.v6.String()
	}
	return p
}

// carriedBy reports whether a Node with these labels and annotations already carries w.
func (w want) carriedBy(labels, annotations map[string]string) bool {
	if got, ok := labels[LeafPairLabel]; !ok || got != w.pair {
		return false
	}
	return hasPrefix(annotations, IPv4AddressAnnotation, w.v4) && hasPrefix(annotations, IPv6AddressAnnotation, w.v6)
}

// hasPrefix reports whether annotation key holds want, in any of its textual forms (as Calico
// parses it); true when want is invalid: the family is not set.
func hasPrefix(annotations map[string]string, key string, want netip.Prefix) bool {
	if !want.IsValid() {
		return true
	}
	got, ok := annotations[key]
	if !ok {
		return false
	}
	p, err := netip.ParsePrefix(got)
	return err == nil && p == want
}
