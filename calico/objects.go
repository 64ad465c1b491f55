package calico

import (
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Object is any Calico (or core) object nxcalico renders or applies: it has object metadata and a
// kind, so it can be named, labelled, encoded and sent to an API server.
type Object interface {
	metav1.Object
	runtime.Object
}

// Objects are the Calico resources of one cluster, as Render makes them: typed
// projectcalico.org/v3 objects with TypeMeta set and every object labelled
// nxcalico.io/managed-by=<cluster>. Each list is sorted by name.
type Objects struct {
	// BGPConfiguration is the cluster-wide BGP configuration, named "default".
	BGPConfiguration *v3.BGPConfiguration
	// IPPools are the pod address pools.
	IPPools []*v3.IPPool
	// BGPFilters are route filters for the fabric peers; Render leaves it empty for now.
	BGPFilters []*v3.BGPFilter
	// BGPPeers are the sessions from the nodes to the leaf loopbacks.
	BGPPeers []*v3.BGPPeer
}

// All returns every object in apply order: the BGPConfiguration, then the IPPools, the BGPFilters
// and the BGPPeers (filters before the peers that could name them), each group sorted by name.
// A nil Objects has no objects.
func (o *Objects) All() []Object {
	if o == nil {
		return nil
	}
	all := make([]Object, 0, 1+len(o.IPPools)+len(o.BGPFilters)+len(o.BGPPeers))
	if o.BGPConfiguration != nil {
		all = append(all, o.BGPConfiguration)
	}
	for _, p := range o.IPPools {
		all = append(all, p)
	}
	for _, f := range o.BGPFilters {
		all = append(all, f)
	}
	for _, p := range o.BGPPeers {
		all = append(all, p)
	}
	return all
}

// Len returns the number of objects All returns.
func (o *Objects) Len() int {
	if o == nil {
		return 0
	}
	n := len(o.IPPools) + len(o.BGPFilters) + len(o.BGPPeers)
	if o.BGPConfiguration != nil {
		n++
	}
	return n
}
