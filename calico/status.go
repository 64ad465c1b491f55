package calico

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/bgp"
	"github.com/nxcalico/nxcalico/internal/fanout"
	"github.com/nxcalico/nxcalico/internal/k8sname"
)

// NodeStatusUpdatePeriod is how often Status asks calico-node to refresh a CalicoNodeStatus, in
// seconds (spec.updatePeriodSeconds).
const NodeStatusUpdatePeriod = 10

// NodeStatusName is the name of the CalicoNodeStatus Status keeps for node: "nxcalico-<node>".
func NodeStatusName(node string) string { return "nxcalico-" + node }

// NodeStatus is the BGP state calico-node last reported for one node.
type NodeStatus struct {
	// Node is the Kubernetes node name.
	Node string
	// Updated is when calico-node last wrote the status; zero when it has not yet (a new
	// CalicoNodeStatus, or calico-node not running on the node).
	Updated time.Time
	// Peers are the node's BGP sessions, IPv4 then IPv6, each by peer address.
	Peers []PeerStatus
}

// Reported reports whether calico-node has written the status at least once.
func (s NodeStatus) Reported() bool { return !s.Updated.IsZero() }

// PeerStatus is one BGP session of a node as calico-node reports it.
type PeerStatus struct {
	// PeerIP is the peer's address.
	PeerIP netip.Addr
	// Type is how the peer is configured: "GlobalPeer", "NodePeer" or "NodeMesh".
	Type string
	// State is the BGP session state: "Established", "Active", "Connect", "Idle", ….
	State string
	// Since is when the state last changed, as BIRD prints it (for example "2026-06-24 10:00:00"
	// or "10:00:00"); calico-node passes it on unparsed.
	Since string
}

// Established reports whether the session is up (bgp.IsEstablished).
func (p PeerStatus) Established() bool { return bgp.IsEstablished(p.State) }

// Status returns the BGP session state of each node of cluster, in the order given.
//
// Calico publishes it through CalicoNodeStatus objects: calico-node on a node fills the status of
// every CalicoNodeStatus whose spec.node names it, every spec.updatePeriodSeconds. Status makes
// sure one exists per node — named NodeStatusName(node), labelled ManagedByLabel=cluster,
// requesting the BGP class, refreshed every NodeStatusUpdatePeriod seconds — by a server-side
// apply that leaves the status alone, and reads the status the answer carries. Right after the
// first call for a node, calico-node has not reported yet (NodeStatus.Reported is false): call
// again after the update period. The objects stay, so calico-node keeps them current; PruneStatus
// removes those of nodes that left the design.
func (c *Client) Status(ctx context.Context, cluster string, nodes []string) ([]NodeStatus, error) {
	var errs []error
	if r := clusterLabelReason(cluster); r != "" {
		errs = append(errs, fmt.Errorf("calico: Status: cluster %q: not a valid label value: it %s", cluster, r))
	}
	for i, n := range nodes {
		if n == "" {
			errs = append(errs, fmt.Errorf("calico: Status: nodes[%d] %q: not a node name: empty", i, n))
		} else if r := k8sname.Subdomain(NodeStatusName(n)); r != "" {
			errs = append(errs, fmt.Errorf("calico: Status: nodes[%d] %q: not a node name: %s %s", i, n, NodeStatusName(n), r))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	a, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]NodeStatus, len(nodes))
	opts := c.patchOptions(false)
	errs = fanout.Each(ctx, len(nodes), c.concurrency, func(ctx context.Context, i int) error {
		ref := ObjectRef{Kind: kindCalicoNodeStatus.name, Name: NodeStatusName(nodes[i])}
		body, err := applyBody(kindCalicoNodeStatus, nodeStatusObject(cluster, nodes[i]), a.group)
		if err != nil {
			return fmt.Errorf("calico: %w", err)
		}
		got, err := a.resources[kindCalicoNodeStatus].apply(ctx, ref.Name, body, opts)
		if err != nil {
			return objectError("status", ref, err)
		}
		st, ok := got.(*v3.CalicoNodeStatus)
		if !ok {
			return fmt.Errorf("calico: status %s: server answered with %T", ref, got)
		}
		out[i], err = nodeStatusOf(nodes[i], st)
		return err
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// PruneStatus deletes the CalicoNodeStatus objects Status made for cluster (labelled
// ManagedByLabel=cluster) whose node is not in keep, and returns their names, sorted. Objects
// without the label, or with another cluster's, are never touched; each delete is conditional on
// the uid and resourceVersion that were listed.
func (c *Client) PruneStatus(ctx context.Context, cluster string, keep []string) ([]string, error) {
	if r := clusterLabelReason(cluster); r != "" {
		return nil, fmt.Errorf("calico: PruneStatus: cluster %q: not a valid label value: it %s", cluster, r)
	}
	a, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	r := a.resources[kindCalicoNodeStatus]
	objs, err := r.list(ctx, metav1.ListOptions{LabelSelector: ManagedByLabel + "=" + cluster})
	if err != nil {
		return nil, fmt.Errorf("calico: PruneStatus: list CalicoNodeStatus: %w", err)
	}
	kept := make(map[string]bool, len(keep))
	for _, n := range keep {
		kept[NodeStatusName(n)] = true
	}
	var gone []Object
	for _, o := range objs {
		if !kept[o.GetName()] {
			gone = append(gone, o)
		}
	}
	slices.SortFunc(gone, func(x, y Object) int { return cmp.Compare(x.GetName(), y.GetName()) })
	names := make([]string, len(gone))
	errs := fanout.Each(ctx, len(gone), c.concurrency, func(ctx context.Context, i int) error {
		o := gone[i]
		uid, rv := o.GetUID(), o.GetResourceVersion()
		err := r.delete(ctx, o.GetName(), metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid, ResourceVersion: &rv}})
		if err != nil && !apierrors.IsNotFound(err) {
			return objectError("delete", ObjectRef{Kind: kindCalicoNodeStatus.name, Name: o.GetName()}, err)
		}
		names[i] = o.GetName()
		return nil
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return names, nil
}

// nodeStatusObject is the CalicoNodeStatus Status keeps for node of cluster.
func nodeStatusObject(cluster, node string) *v3.CalicoNodeStatus {
	period := uint32(NodeStatusUpdatePeriod)
	s := v3.NewCalicoNodeStatus()
	s.ObjectMeta = objectMeta(NodeStatusName(node), cluster)
	s.Spec = v3.CalicoNodeStatusSpec{
		Node:                node,
		Classes:             []v3.NodeStatusClassType{v3.NodeStatusClassTypeBGP},
		UpdatePeriodSeconds: &period,
	}
	return s
}

// nodeStatusOf reads the BGP peers out of a CalicoNodeStatus.
func nodeStatusOf(node string, st *v3.CalicoNodeStatus) (NodeStatus, error) {
	ns := NodeStatus{Node: node}
	if !st.Status.LastUpdated.IsZero() {
		ns.Updated = st.Status.LastUpdated.UTC()
	}
	var errs []error
	for fam, peers := range [][]v3.CalicoNodePeer{st.Status.BGP.PeersV4, st.Status.BGP.PeersV6} {
		field := [...]string{"peersV4", "peersV6"}[fam]
		start := len(ns.Peers)
		for i, p := range peers {
			ip, err := netip.ParseAddr(p.PeerIP)
			if err != nil {
				errs = append(errs, fmt.Errorf("calico: CalicoNodeStatus %q: status.bgp.%s[%d].peerIP %q: %w", st.Name, field, i, p.PeerIP, err))
				continue
			}
			ns.Peers = append(ns.Peers, PeerStatus{PeerIP: ip, Type: string(p.Type), State: string(p.State), Since: p.Since})
		}
		slices.SortStableFunc(ns.Peers[start:], func(x, y PeerStatus) int { return x.PeerIP.Compare(y.PeerIP) })
	}
	return ns, errors.Join(errs...)
}
