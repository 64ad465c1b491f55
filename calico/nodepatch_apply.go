package calico

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"

	"github.com/nxcalico/nxcalico/internal/fanout"
)

// ApplyNodes merges each patch's labels and annotations into its core Node's metadata, one
// strategic-merge patch per node (other labels and annotations stay), at most
// Options.Concurrency in flight. Core Nodes are not Calico objects, so core is a separate
// client (kubernetes.NewForConfig, or a fake in tests). Every patch is checked before the first
// request (node name, label keys and values, annotation keys); a node that does not exist is an
// error naming it. Errors for several nodes are joined.
func (c *Client) ApplyNodes(ctx context.Context, core kubernetes.Interface, patches []NodePatch) error {
	if core == nil {
		return errors.New("calico: ApplyNodes: nil Kubernetes client")
	}
	if err := validateNodePatches(patches); err != nil {
		return err
	}
	errs := fanout.Each(ctx, len(patches), c.concurrency, func(ctx context.Context, i int) error {
		p := patches[i]
		if len(p.Labels) == 0 && len(p.Annotations) == 0 {
			return nil
		}
		md := map[string]any{}
		if len(p.Labels) > 0 {
			md["labels"] = p.Labels
		}
		if len(p.Annotations) > 0 {
			md["annotations"] = p.Annotations
		}
		body, err := json.Marshal(map[string]any{"metadata": md})
		if err != nil {
			return fmt.Errorf("calico: encode patch of Node %q: %w", p.Node, err)
		}
		if _, err := core.CoreV1().Nodes().Patch(ctx, p.Node, types.StrategicMergePatchType, body, metav1.PatchOptions{FieldManager: FieldManager}); err != nil {
			return objectError("patch", ObjectRef{Kind: "Node", Name: p.Node}, err)
		}
		c.log.DebugContext(ctx, "calico: patched node", "node", p.Node, "labels", len(p.Labels), "annotations", len(p.Annotations))
		return nil
	})
	return errors.Join(errs...)
}

// validateNodePatches checks every patch and reports every problem at once.
func validateNodePatches(patches []NodePatch) error {
	var errs []error
	seen := make(map[string]int, len(patches))
	for i, p := range patches {
		where := fmt.Sprintf("calico: NodePatch[%d] %q", i, p.Node)
		if msgs := validation.IsDNS1123Subdomain(p.Node); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("%s: Node: %s", where, strings.Join(msgs, "; ")))
		}
		if j, dup := seen[p.Node]; dup {
			errs = append(errs, fmt.Errorf("%s: same node as NodePatch[%d]", where, j))
		}
		seen[p.Node] = i
		for k, v := range p.Labels {
			if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
				errs = append(errs, fmt.Errorf("%s: Labels key %q: %s", where, k, strings.Join(msgs, "; ")))
			}
			if msgs := validation.IsValidLabelValue(v); len(msgs) > 0 {
				errs = append(errs, fmt.Errorf("%s: Labels[%s] %q: %s", where, k, v, strings.Join(msgs, "; ")))
			}
		}
		for k := range p.Annotations {
			if msgs := validation.IsQualifiedName(strings.ToLower(k)); len(msgs) > 0 {
				errs = append(errs, fmt.Errorf("%s: Annotations key %q: %s", where, k, strings.Join(msgs, "; ")))
			}
		}
	}
	return errors.Join(errs...)
}
