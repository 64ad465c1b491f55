package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
)

// departedNodes returns, sorted by name, the nodes that were brought in step (known) and are no
// longer in the design (want): their Node lost the rack label, was deleted, or is now skipped. A
// node that moved to another pair has not departed.
func departedNodes(known, want membership) []design.Node {
	if known == nil {
		return nil
	}
	staying := map[string]bool{}
	for _, nodes := range want {
		for _, n := range nodes {
			staying[n.Name] = true
		}
	}
	var out []design.Node
	for _, nodes := range known {
		for _, n := range nodes {
			if !staying[n.Name] {
				out = append(out, n)
			}
		}
	}
	slices.SortFunc(out, func(a, b design.Node) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// setAnnotations returns the Calico address annotations nxcalico set on a node of the design
// (node.Patches) with the anycast gateway gw.
func setAnnotations(gw design.AnycastGateway, n design.Node) map[string]string {
	in := &design.Intent{
		Fabric: design.FabricIntent{Gateway: gw},
		Nodes:  []design.NodeIntent{{Name: n.Name, Pair: n.LeafPair, Addr: addressing.AddrPair{IPv4: n.IPv4, IPv6: n.IPv6}}},
	}
	return node.Patches(in)[0].Annotations
}

// clearDeparted removes from the Nodes of departed nodes the Calico address annotations
// (projectcalico.org/IPv4Address, IPv6Address) that nxcalico set on them, so that Calico no longer
// takes a node outside the design for a BGP speaker at that address. Only an annotation that
// still holds the value nxcalico set is removed: one that calico-node or a person wrote since
// stays. A deleted Node needs nothing. The Nodes are read from the API server (they are not in
// the informer's cache, which holds the labelled Nodes only), one list by name each (nodewatch may
// list Nodes, not get them), and patched with one strategic-merge patch each. The rack label is the input nodewatch reads and is never
// removed by it. It returns the Nodes it changed.
func (r *reconciler) clearDeparted(ctx context.Context, departed []design.Node) ([]string, error) {
	var cleared []string
	for _, d := range departed {
		node, err := r.readNode(ctx, d.Name)
		if err != nil {
			return cleared, fmt.Errorf("reading Node %s to clear its Calico addresses: %w", d.Name, err)
		}
		if node == nil {
			continue // deleted
		}
		remove := map[string]any{}
		for key, value := range setAnnotations(r.Base.Fabric.AnycastGateway, d) {
			if got, ok := node.Annotations[key]; ok && got == value {
				remove[key] = nil // a strategic-merge patch deletes a key set to null
			}
		}
		if len(remove) == 0 {
			continue
		}
		body, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": remove}})
		if err != nil {
			return cleared, err
		}
		if _, err := r.Core.CoreV1().Nodes().Patch(ctx, d.Name, types.StrategicMergePatchType, body, metav1.PatchOptions{FieldManager: calico.FieldManager}); err != nil {
			if apierrors.IsNotFound(err) {
				continue
			}
			return cleared, fmt.Errorf("clearing the Calico addresses of Node %s: %w", d.Name, err)
		}
		keys := slices.Sorted(maps.Keys(remove))
		r.logger().Info("nodewatch: node left the design; its Calico address annotations removed", "node", d.Name, "annotations", keys)
		r.event(nodeRef(node), corev1.EventTypeNormal, reasonNodeCleared, "left the design: annotations %v removed", keys)
		cleared = append(cleared, d.Name)
	}
	return cleared, nil
}

// readNode reads one Node from the API server with a list by name, which needs only the list
// permission nodewatch has on Nodes; nil when there is no such Node.
func (r *reconciler) readNode(ctx context.Context, name string) (*corev1.Node, error) {
	list, err := r.Core.CoreV1().Nodes().List(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
	if err != nil {
		return nil, err
	}
	for i := range list.Items {
		if list.Items[i].Name == name {
			return &list.Items[i], nil
		}
	}
	return nil, nil
}
