package calico

import (
	"context"
	"fmt"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	v3client "github.com/projectcalico/api/pkg/client/clientset_generated/clientset/typed/projectcalico/v3"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
)

// listPageSize is how many objects one List request asks for.
const listPageSize = 500

// kind describes one Calico kind a Client reads and writes.
type kind struct {
	name     string                                           // Kind, e.g. "BGPPeer"
	resource string                                           // plural resource, e.g. "bgppeers"
	new      func() Object                                    // an empty typed object
	typed    func(v3client.ProjectcalicoV3Interface) resource // the kind's typed client
}

var (
	kindBGPConfiguration = &kind{
		name: v3.KindBGPConfiguration, resource: "bgpconfigurations",
		new: func() Object { return new(v3.BGPConfiguration) },
		typed: func(c v3client.ProjectcalicoV3Interface) resource {
			return typedResource[*v3.BGPConfiguration, *v3.BGPConfigurationList]{c.BGPConfigurations()}
		},
	}
	kindIPPool = &kind{
		name: v3.KindIPPool, resource: "ippools",
		new: func() Object { return new(v3.IPPool) },
		typed: func(c v3client.ProjectcalicoV3Interface) resource {
			return typedResource[*v3.IPPool, *v3.IPPoolList]{c.IPPools()}
		},
	}
	kindBGPFilter = &kind{
		name: v3.KindBGPFilter, resource: "bgpfilters",
		new: func() Object { return new(v3.BGPFilter) },
		typed: func(c v3client.ProjectcalicoV3Interface) resource {
			return typedResource[*v3.BGPFilter, *v3.BGPFilterList]{c.BGPFilters()}
		},
	}
	kindBGPPeer = &kind{
		name: v3.KindBGPPeer, resource: "bgppeers",
		new: func() Object { return new(v3.BGPPeer) },
		typed: func(c v3client.ProjectcalicoV3Interface) resource {
			return typedResource[*v3.BGPPeer, *v3.BGPPeerList]{c.BGPPeers()}
		},
	}
	kindCalicoNodeStatus = &kind{
		name: v3.KindCalicoNodeStatus, resource: "caliconodestatuses",
		new: func() Object { return new(v3.CalicoNodeStatus) },
		typed: func(c v3client.ProjectcalicoV3Interface) resource {
			return typedResource[*v3.CalicoNodeStatus, *v3.CalicoNodeStatusList]{c.CalicoNodeStatuses()}
		},
	}
)

// managedKinds are the kinds nxcalico renders and prunes, in apply order: filters before the peers
// that may name them. Deletes run in the reverse order.
var managedKinds = []*kind{kindBGPConfiguration, kindIPPool, kindBGPFilter, kindBGPPeer}

// kindOf returns the managed kind of obj, or an error for any other type.
func kindOf(obj Object) (*kind, error) {
	switch obj.(type) {
	case *v3.BGPConfiguration:
		return kindBGPConfiguration, nil
	case *v3.IPPool:
		return kindIPPool, nil
	case *v3.BGPFilter:
		return kindBGPFilter, nil
	case *v3.BGPPeer:
		return kindBGPPeer, nil
	}
	return nil, fmt.Errorf("type %T is not a kind nxcalico applies (want *v3.BGPConfiguration, *v3.IPPool, *v3.BGPFilter or *v3.BGPPeer)", obj)
}

// resource is one kind's API in the Client's group, speaking typed v3 objects either way.
type resource interface {
	// list returns every object of the kind matching opts, following continuation.
	list(ctx context.Context, opts metav1.ListOptions) ([]Object, error)
	// apply sends body (the object as JSON, apiVersion set for the group) as a server-side apply.
	apply(ctx context.Context, name string, body []byte, opts metav1.PatchOptions) (Object, error)
	// delete deletes the object.
	delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// api is the set of resources of one group.
type api struct {
	group     Group
	resources map[*kind]resource
}

// newAPI builds the resource clients of group g.
func (c *Client) newAPI(g Group) *api {
	a := &api{group: g, resources: make(map[*kind]resource)}
	gv := g.GroupVersion()
	for _, k := range append(managedKinds[:len(managedKinds):len(managedKinds)], kindCalicoNodeStatus) {
		if g == GroupV3 {
			a.resources[k] = k.typed(c.typed.ProjectcalicoV3())
			continue
		}
		a.resources[k] = dynamicResource{
			kind: k,
			ri:   c.dyn.Resource(schema.GroupVersionResource{Group: gv.Group, Version: gv.Version, Resource: k.resource}),
		}
	}
	return a
}

// typedAPI is the part of a generated projectcalico clientset interface a Client uses.
type typedAPI[T Object, L runtime.Object] interface {
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
	Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// typedResource serves a kind through the typed projectcalico.org/v3 clientset.
type typedResource[T Object, L runtime.Object] struct{ api typedAPI[T, L] }

func (r typedResource[T, L]) list(ctx context.Context, opts metav1.ListOptions) ([]Object, error) {
	var out []Object
	opts.Limit = listPageSize
	for {
		l, err := r.api.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		items, err := meta.ExtractList(l)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			obj, ok := it.(Object)
			if !ok {
				return nil, fmt.Errorf("list item %T has no object metadata", it)
			}
			out = append(out, obj)
		}
		lm, err := meta.ListAccessor(l)
		if err != nil {
			return nil, err
		}
		if opts.Continue = lm.GetContinue(); opts.Continue == "" {
			return out, nil
		}
	}
}

func (r typedResource[T, L]) apply(ctx context.Context, name string, body []byte, opts metav1.PatchOptions) (Object, error) {
	return r.api.Patch(ctx, name, types.ApplyPatchType, body, opts)
}

func (r typedResource[T, L]) delete(ctx context.Context, name string, opts metav1.DeleteOptions) error {
	return r.api.Delete(ctx, name, opts)
}

// dynamicResource serves a kind of crd.projectcalico.org/v1 through the dynamic client,
// converting to and from the typed v3 objects (the specs are the same).
type dynamicResource struct {
	kind *kind
	ri   dynamic.NamespaceableResourceInterface
}

func (r dynamicResource) list(ctx context.Context, opts metav1.ListOptions) ([]Object, error) {
	var out []Object
	opts.Limit = listPageSize
	for {
		l, err := r.ri.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for i := range l.Items {
			obj, err := fromUnstructured(r.kind, &l.Items[i])
			if err != nil {
				return nil, err
			}
			out = append(out, obj)
		}
		if opts.Continue = l.GetContinue(); opts.Continue == "" {
			return out, nil
		}
	}
}

func (r dynamicResource) apply(ctx context.Context, name string, body []byte, opts metav1.PatchOptions) (Object, error) {
	u, err := r.ri.Patch(ctx, name, types.ApplyPatchType, body, opts)
	if err != nil {
		return nil, err
	}
	return fromUnstructured(r.kind, u)
}

func (r dynamicResource) delete(ctx context.Context, name string, opts metav1.DeleteOptions) error {
	return r.ri.Delete(ctx, name, opts)
}

// fromUnstructured converts a crd.projectcalico.org/v1 object to its typed v3 form. Fields the Go
// types do not have are dropped from the typed copy only; the server keeps them (see Apply).
func fromUnstructured(k *kind, u *unstructured.Unstructured) (Object, error) {
	obj := k.new()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.UnstructuredContent(), obj); err != nil {
		return nil, fmt.Errorf("convert %s %q from %s: %w", k.name, u.GetName(), u.GetAPIVersion(), err)
	}
	obj.GetObjectKind().SetGroupVersionKind(v3.SchemeGroupVersion.WithKind(k.name))
	return obj, nil
}
