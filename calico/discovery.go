package calico

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Group is the Kubernetes API group and version through which a Client reads and writes Calico
// objects. The specs are the same in both; only apiVersion differs on the wire.
type Group string

const (
	// GroupV3 is projectcalico.org/v3: the native v3 CRDs of Calico 3.32 and later, or the Calico
	// API server in front of the v1 CRDs. A Client uses the typed projectcalico clientset for it.
	GroupV3 Group = "projectcalico.org/v3"
	// GroupV1 is crd.projectcalico.org/v1: the classic Kubernetes-datastore CRDs, written directly
	// when no v3 API is served. A Client uses the dynamic client for it, with the same specs.
	GroupV1 Group = "crd.projectcalico.org/v1"
)

// GroupVersion returns g as a schema.GroupVersion; the zero GroupVersion for an unknown g.
func (g Group) GroupVersion() schema.GroupVersion {
	gv, err := schema.ParseGroupVersion(string(g))
	if err != nil || (g != GroupV3 && g != GroupV1) {
		return schema.GroupVersion{}
	}
	return gv
}

// requiredResources are the resources a group must serve for a Client to use it: every kind
// nxcalico renders. CalicoNodeStatus is needed only by Status and checked there.
var requiredResources = []string{"bgpconfigurations", "ippools", "bgpfilters", "bgppeers"}

// Group returns the API group the Client uses. Unless Options.Group named it, the first call asks
// the server's discovery: projectcalico.org/v3 when it serves every kind nxcalico renders (native
// v3 CRDs or the Calico API server), otherwise crd.projectcalico.org/v1 when that does; an error
// when neither does. A successful answer is kept for the Client's lifetime; a failed one is
// retried on the next call.
func (c *Client) Group(ctx context.Context) (Group, error) {
	_, err := c.resolve(ctx)
	if err != nil {
		return "", err
	}
	return c.group, nil
}

// resolve returns the group's resource clients, discovering the group on first use.
func (c *Client) resolve(ctx context.Context) (*api, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.api != nil {
		return c.api, nil
	}
	var missing []string
	for _, g := range []Group{GroupV3, GroupV1} {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("calico: discover API group: %w", context.Cause(ctx))
		}
		served, err := c.served(ctx, g)
		if err != nil {
			return nil, err
		}
		var lacks []string
		for _, r := range requiredResources {
			if !slices.Contains(served, r) {
				lacks = append(lacks, r)
			}
		}
		if len(lacks) == 0 {
			c.log.DebugContext(ctx, "calico: discovered API group", "group", g)
			c.group = g
			c.api = c.newAPI(g)
			return c.api, nil
		}
		missing = append(missing, fmt.Sprintf("%s lacks %v", g, lacks))
	}
	return nil, fmt.Errorf("calico: discover API group on %s: no Calico API serves every kind nxcalico applies (%v)", c.cfg.Host, missing)
}

// served lists the resources the server serves in group g, none when g is not served at all.
func (c *Client) served(ctx context.Context, g Group) ([]string, error) {
	list, err := c.disc.ServerResourcesForGroupVersionWithContext(ctx, string(g))
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("calico: discover API group %s on %s: %w", g, c.cfg.Host, err)
	}
	names := make([]string, 0, len(list.APIResources))
	for _, r := range list.APIResources {
		names = append(names, r.Name)
	}
	return names, nil
}
