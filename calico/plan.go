package calico

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/internal/fanout"
)

// Change is one object a Plan creates, updates or deletes.
type Change struct {
	// Action is Create, Update or Delete.
	Action change.Action
	Object ObjectRef
	// Desired is the object as applied: the design's object with ManagedByLabel set. Nil for
	// Delete.
	Desired Object
	// Current is the object on the server when planned. Nil for Create.
	Current Object
	// After is the server's answer to a dry run of the apply: the object as it will be, with
	// the server's defaults filled in. Nil for Delete.
	After Object
	// Diff lists, for Update, each field that changes from Current to After as
	// "Spec.PeerIP: \"192.0.2.1\" → \"192.0.2.2\"" (Go field paths of labels, annotations and
	// spec; server-set metadata and status never appear).
	Diff []string

	kind *kind
	body []byte // Create, Update: the server-side apply request body
}

// Plan is what Apply would do to bring one cluster's Calico objects to the design: creates and
// updates by server-side apply, and deletes of objects nxcalico owns there that the design no
// longer has. Only Client.Plan makes one; every create and update in it passed a server-side dry
// run (schema, CEL rules, Strict field validation, field ownership).
type Plan struct {
	// Cluster is the design's cluster name, the value of ManagedByLabel.
	Cluster string
	// Group is the API the plan was made against; Apply uses the same.
	Group Group
	// Changes are ordered by kind (BGPConfiguration, IPPool, BGPFilter, BGPPeer), then name.
	Changes []Change
	// Unchanged are the desired objects already as designed, in the same order.
	Unchanged []ObjectRef
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return p == nil || len(p.Changes) == 0 }

// Counts returns how many objects the plan creates, updates and deletes.
func (p *Plan) Counts() (create, update, del int) {
	if p == nil {
		return 0, 0, 0
	}
	return change.Count(p.Changes, func(c Change) change.Action { return c.Action })
}

// String renders the plan for people: a summary line, then one block per change — "+ create"
// with the spec as YAML, "~ update" with one line per changed field, "- delete" — in plan order.
// The text is deterministic.
func (p *Plan) String() string {
	if p == nil {
		return "no plan"
	}
	var b strings.Builder
	nc, nu, nd := p.Counts()
	fmt.Fprintf(&b, "Plan for cluster %q on %s: %s, %d unchanged\n", p.Cluster, p.Group, change.Summary(nc, nu, nd), len(p.Unchanged))
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "%s %s %s\n", c.Action.Symbol(), c.Action, c.Object)
		switch c.Action {
		case change.Create:
			b.WriteString(indent(specYAML(c.body), "    "))
		case change.Update:
			for _, l := range c.Diff {
				fmt.Fprintf(&b, "    %s\n", l)
			}
		}
	}
	return b.String()
}

// specYAML renders the labels and spec of an apply body as YAML.
func specYAML(body []byte) string {
	var u map[string]any
	if err := json.Unmarshal(body, &u); err != nil {
		return ""
	}
	view := map[string]any{}
	if md, ok := u["metadata"].(map[string]any); ok {
		for _, f := range []string{"labels", "annotations"} {
			if v, ok := md[f]; ok {
				view[f] = v
			}
		}
	}
	if spec, ok := u["spec"]; ok {
		view["spec"] = spec
	}
	y, err := yaml.Marshal(view)
	if err != nil {
		return ""
	}
	return string(y)
}

// indent prefixes every non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			b.WriteString(prefix)
			b.WriteString(l)
		}
	}
	return b.String()
}

// Current returns the objects of every kind nxcalico applies that carry
// ManagedByLabel=cluster, ordered by kind (BGPConfiguration, IPPool, BGPFilter, BGPPeer), then
// name, as typed projectcalico.org/v3 objects whichever API group serves them.
func (c *Client) Current(ctx context.Context, cluster string) ([]Object, error) {
	if err := validateCluster(cluster); err != nil {
		return nil, err
	}
	a, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	sel := labels.SelectorFromSet(labels.Set{ManagedByLabel: cluster}).String()
	byKind, err := c.listKinds(ctx, a, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return nil, err
	}
	var out []Object
	for _, k := range managedKinds {
		out = append(out, byKind[k]...)
	}
	return out, nil
}

// listKinds lists every managed kind in parallel, each sorted by name.
func (c *Client) listKinds(ctx context.Context, a *api, opts metav1.ListOptions) (map[*kind][]Object, error) {
	lists := make([][]Object, len(managedKinds))
	errs := fanout.Each(ctx, len(managedKinds), c.concurrency, func(ctx context.Context, i int) error {
		k := managedKinds[i]
		objs, err := a.resources[k].list(ctx, opts)
		if err != nil {
			return fmt.Errorf("calico: list %s (%s): %w", k.resource, a.group, err)
		}
		slices.SortFunc(objs, func(x, y Object) int { return strings.Compare(x.GetName(), y.GetName()) })
		lists[i] = objs
		return nil
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make(map[*kind][]Object, len(managedKinds))
	for i, k := range managedKinds {
		out[k] = lists[i]
	}
	c.log.DebugContext(ctx, "calico: listed", "group", a.group, "selector", opts.LabelSelector)
	return out, nil
}

// Plan compares desired (typically Render's Objects.All()) with what the cluster has and returns
// the changes Apply would make.
//
// Everything about desired is checked before the first request, and every problem is reported at
// once (see the errors below). Then Plan lists every object of the kinds nxcalico applies. A
// desired object whose fields nxcalico already owns with the designed values needs no request;
// every other one is sent as a server-side apply dry run (DryRun All, FieldValidation Strict,
// field manager "nxcalico"), so the server's schema and CEL rules, Strict field validation and
// field ownership are checked for every object before Apply changes anything. A dry run whose
// result has the same labels, annotations and spec as the current object is unchanged; server-set
// metadata, status and the defaults the server fills in never count as changes.
//
// Deletes are the objects labelled ManagedByLabel=cluster whose kind and name are no longer
// desired. Objects without the label, or labelled for another cluster, are never deleted.
//
// Errors: a desired object that is nil, of another kind, unnamed, namespaced, carrying a
// resourceVersion or uid, duplicated, or labelled for another cluster; a desired name that exists
// on the server labelled for another cluster; a *ObjectError per object the server rejected
// (naming the fields) and a *ConflictError per object whose fields another manager owns (unless
// Options.Force). All are joined; no Plan is returned with them.
func (c *Client) Plan(ctx context.Context, cluster string, desired []Object) (*Plan, error) {
	if err := validateCluster(cluster); err != nil {
		return nil, err
	}
	want, err := validateDesired(cluster, desired)
	if err != nil {
		return nil, err
	}
	a, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	byKind, err := c.listKinds(ctx, a, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	changes, unchanged, err := diffDesired(cluster, want, byKind, a.group)
	if err != nil {
		return nil, err
	}
	p := &Plan{Cluster: cluster, Group: a.group, Unchanged: unchanged}
	var pending []Change // creates and updates the server is asked about
	for _, ch := range changes {
		if ch.Action == change.Delete {
			p.Changes = append(p.Changes, ch)
		} else {
			pending = append(pending, ch)
		}
	}
	opts := c.patchOptions(true)
	errs := fanout.Each(ctx, len(pending), c.concurrency, func(ctx context.Context, i int) error {
		ch := &pending[i]
		after, err := a.resources[ch.kind].apply(ctx, ch.Object.Name, ch.body, opts)
		if err != nil {
			return objectError("plan", ch.Object, err)
		}
		ch.After = after
		return nil
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, ch := range pending {
		if ch.Action == change.Update {
			// The dry run shows what the server would make of the apply: an update that
			// changes no label, annotation or spec field is no change.
			if ch.Diff = diffObjects(ch.Current, ch.After); len(ch.Diff) == 0 {
				p.Unchanged = append(p.Unchanged, ch.Object)
				continue
			}
		}
		p.Changes = append(p.Changes, ch)
	}
	sortPlan(p)
	c.log.DebugContext(ctx, "calico: planned", "cluster", cluster, "group", a.group,
		"changes", len(p.Changes), "unchanged", len(p.Unchanged), "dryRuns", len(pending))
	return p, nil
}

// kindIndex is the position of a kind name in managedKinds.
func kindIndex(name string) int {
	return slices.IndexFunc(managedKinds, func(k *kind) bool { return k.name == name })
}

// patchOptions are the options of every server-side apply: field manager "nxcalico", Strict
// field validation, force only when Options.Force, and a dry run when asked.
func (c *Client) patchOptions(dryRun bool) metav1.PatchOptions {
	force := c.force
	o := metav1.PatchOptions{
		FieldManager:    FieldManager,
		Force:           &force,
		FieldValidation: metav1.FieldValidationStrict,
	}
	if dryRun {
		o.DryRun = []string{metav1.DryRunAll}
	}
	return o
}
