package calico

import (
	"errors"
	"slices"
	"strings"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/design"
)

// Render turns the cluster side of a derived Intent into Calico objects: the BGPConfiguration
// "default", one IPPool per design pool, the BGPFilter that mirrors the leaves' route filters
// (when the design filters routes) and the BGPPeers to the leaf loopbacks, every one labelled
// nxcalico.io/managed-by=<cluster name>. It is pure: the same Intent always gives the same objects
// in the same order, and nothing is read or written.
//
// The BGPPeers take one of two shapes. With shared loopbacks (every pair colored and using the same
// loopback addresses) there is one global peer per loopback address, so the object count does not
// grow with racks or nodes. Otherwise there is one peer per pair, leaf and family, selecting the
// pair's nodes with `nxcalico.io/leaf-pair == '<pair>'` (see node.LeafPairLabel and node.Patches) and
// itself labelled with the pair.
//
// When the design names a BGP password Secret, the peers reference it with secretKeyRef (name and
// key; the value never appears). Calico reads BGP passwords only from Secrets in the namespace
// calico-node runs in (calico-system with the Tigera operator, kube-system with manifest installs),
// and calico-node needs a Role granting get, list and watch on that Secret: the Secret named in the
// design must live there.
//
// The Intent is checked first (design.Intent.Validate): one Calico cannot express (an unknown
// encapsulation, a cluster name that is no label value, two peers that would share a name, …)
// gives design.Problems (design.AsProblems), every one at once, with paths in the intent's terms
// ("cluster.pools[1].encapsulation"). An Intent from design.Derive always passes.
func Render(in *design.Intent) (*Objects, error) {
	if in == nil {
		return nil, errors.New("calico: render: nil intent")
	}
	if ps := in.Validate(); ps != nil {
		return nil, ps
	}
	c := &in.Cluster
	o := &Objects{BGPConfiguration: renderBGPConfiguration(c), IPPools: renderIPPools(c)}
	filter := renderBGPFilter(c)
	if filter != nil {
		o.BGPFilters = []*v3.BGPFilter{filter}
	}
	o.BGPPeers = renderBGPPeers(c, in.Fabric.Gateway, filter != nil)
	slices.SortFunc(o.IPPools, func(a, b *v3.IPPool) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(o.BGPPeers, func(a, b *v3.BGPPeer) int { return strings.Compare(a.Name, b.Name) })
	return o, nil
}

// objectMeta is the metadata of a rendered object: its name and nxcalico's labels.
func objectMeta(name, cluster string, extra ...string) metav1.ObjectMeta {
	labels := make(map[string]string, 1+len(extra)/2)
	labels[ManagedByLabel] = cluster
	for i := 0; i+1 < len(extra); i += 2 {
		labels[extra[i]] = extra[i+1]
	}
	return metav1.ObjectMeta{Name: name, Labels: labels}
}
