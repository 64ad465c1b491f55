package node

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/design"
)

// Plan is what Apply would change on the Nodes: the patches of the nodes that do not carry their
// label and annotations yet. Apply validates a Plan before its first request, so one built by
// hand is refused as a whole when a patch is wrong.
type Plan struct {
	// Changes are the patches that change a Node, sorted by node name.
	Changes []Patch
	// Unchanged counts the nodes that already carry their patch.
	Unchanged int
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return p == nil || len(p.Changes) == 0 }

// Counts returns how many objects the plan creates, updates and deletes, like calico.Plan.Counts
// and nxos.Plan.Counts: every change updates a Node that exists.
func (p *Plan) Counts() (create, update, del int) {
	if p == nil {
		return 0, 0, 0
	}
	return change.Count(p.Changes, func(Patch) change.Action { return change.Update })
}

// String renders the plan for people: a summary line, then one line per Node with the keys it
// gets, sorted, "~ node/master nxcalico.io/leaf-pair=rack1 projectcalico.org/IPv4Address=…".
func (p *Plan) String() string {
	if p.Empty() {
		return "Nodes: no changes\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Nodes: %d to label, %d unchanged\n", len(p.Changes), p.Unchanged)
	for _, n := range p.Changes {
		keys := make([]string, 0, len(n.Labels)+len(n.Annotations))
		for k, v := range n.Labels {
			keys = append(keys, k+"="+v)
		}
		for k, v := range n.Annotations {
			keys = append(keys, k+"="+v)
		}
		slices.Sort(keys)
		fmt.Fprintf(&b, "%s node/%s %s\n", change.Update.Symbol(), n.Node, strings.Join(keys, " "))
	}
	return b.String()
}

// Plan reads the Nodes of the intent's nodes and returns the patches (see Patches) that would
// change one. A node of the intent without a Kubernetes Node is an error naming every such node.
// The Nodes are read from Options.Lister when set, else with one List.
func (c *Client) Plan(ctx context.Context, in *design.Intent) (*Plan, error) {
	if in == nil {
		return nil, fmt.Errorf("node: Plan: nil intent")
	}
	read, err := c.reader(ctx, len(in.Nodes))
	if err != nil {
		return nil, err
	}
	p := &Plan{}
	var missing []string
	for i := range in.Nodes {
		w := wantOf(in, &in.Nodes[i])
		n, err := read(w.name)
		switch {
		case err != nil:
			return nil, fmt.Errorf("node: reading Node %q: %w", w.name, err)
		case n == nil:
			missing = append(missing, w.name)
		case w.carriedBy(n.Labels, n.Annotations):
			p.Unchanged++
		default:
			p.Changes = append(p.Changes, w.patch())
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("node: the design's nodes %s are not Kubernetes Nodes", strings.Join(missing, ", "))
	}
	slices.SortFunc(p.Changes, func(a, b Patch) int { return strings.Compare(a.Node, b.Node) })
	return p, nil
}

// reader returns a function that reads one Node by name, nil when there is none: from the
// lister, or from one List made now when the intent has more than one node.
func (c *Client) reader(ctx context.Context, nodes int) (func(string) (*corev1.Node, error), error) {
	if c.lister != nil {
		return func(name string) (*corev1.Node, error) {
			n, err := c.lister.Get(name)
			if apierrors.IsNotFound(err) {
				return nil, nil
			}
			return n, err
		}, nil
	}
	if nodes == 0 {
		return func(string) (*corev1.Node, error) { return nil, nil }, nil
	}
	list, err := c.core.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("node: listing Nodes: %w", err)
	}
	byName := make(map[string]*corev1.Node, len(list.Items))
	for i := range list.Items {
		byName[list.Items[i].Name] = &list.Items[i]
	}
	return func(name string) (*corev1.Node, error) { return byName[name], nil }, nil
}
