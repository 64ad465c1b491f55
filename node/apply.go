package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/nxcalico/nxcalico/internal/fanout"
	"github.com/nxcalico/nxcalico/internal/k8sname"
)

// Result is what Apply did. After a failure it holds what was done before the failure.
type Result struct {
	// Updated are the Nodes patched, in plan order.
	Updated []string
}

// Counts returns how many objects Apply created, updated and deleted, like Plan.Counts.
func (r *Result) Counts() (created, updated, deleted int) {
	if r == nil {
		return 0, 0, 0
	}
	return 0, len(r.Updated), 0
}

// Apply merges each patch's labels and annotations into its Node's metadata, one strategic-merge
// patch per Node (field manager FieldManager; other labels and annotations stay), at most
// Options.Concurrency in flight. Every patch is checked before the first request (Node name,
// label keys and values, annotation keys, one patch per Node); a Node that does not exist is an
// error naming it. Errors for several Nodes are joined.
func (c *Client) Apply(ctx context.Context, p *Plan) (*Result, error) {
	res := &Result{}
	if p.Empty() {
		return res, nil
	}
	if err := validatePatches(p.Changes); err != nil {
		return res, err
	}
	done := make([]bool, len(p.Changes))
	errs := fanout.Each(ctx, len(p.Changes), c.concurrency, func(ctx context.Context, i int) error {
		pt := p.Changes[i]
		if len(pt.Labels) == 0 && len(pt.Annotations) == 0 {
			return nil
		}
		md := map[string]any{}
		if len(pt.Labels) > 0 {
			md["labels"] = pt.Labels
		}
		if len(pt.Annotations) > 0 {
			md["annotations"] = pt.Annotations
		}
		body, err := json.Marshal(map[string]any{"metadata": md})
		if err != nil {
			return fmt.Errorf("node: encode patch of Node %q: %w", pt.Node, err)
		}
		if _, err := c.core.CoreV1().Nodes().Patch(ctx, pt.Node, types.StrategicMergePatchType, body, metav1.PatchOptions{FieldManager: FieldManager}); err != nil {
			return fmt.Errorf("node: patch Node %q: %w", pt.Node, err)
		}
		done[i] = true
		c.log.DebugContext(ctx, "node: patched", "node", pt.Node, "labels", len(pt.Labels), "annotations", len(pt.Annotations))
		return nil
	})
	for i, ok := range done {
		if ok {
			res.Updated = append(res.Updated, p.Changes[i].Node)
		}
	}
	return res, errors.Join(errs...)
}

// validatePatches checks every patch and reports every problem at once.
func validatePatches(patches []Patch) error {
	var errs []error
	seen := make(map[string]int, len(patches))
	for i, p := range patches {
		where := fmt.Sprintf("node: Plan.Changes[%d] %q", i, p.Node)
		if why := k8sname.Subdomain(p.Node); why != "" {
			errs = append(errs, fmt.Errorf("%s: Node: %s", where, why))
		}
		if j, dup := seen[p.Node]; dup {
			errs = append(errs, fmt.Errorf("%s: same Node as Plan.Changes[%d]", where, j))
		}
		seen[p.Node] = i
		for k, v := range p.Labels {
			if why := k8sname.QualifiedName(k); why != "" {
				errs = append(errs, fmt.Errorf("%s: Labels key %q: %s", where, k, why))
			}
			if why := k8sname.LabelValue(v); why != "" {
				errs = append(errs, fmt.Errorf("%s: Labels[%s] %q: %s", where, k, v, why))
			}
		}
		for k := range p.Annotations {
			if why := k8sname.QualifiedName(strings.ToLower(k)); why != "" {
				errs = append(errs, fmt.Errorf("%s: Annotations key %q: %s", where, k, why))
			}
		}
	}
	return errors.Join(errs...)
}
