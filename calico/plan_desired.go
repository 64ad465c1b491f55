package calico

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nxcalico/nxcalico/change"
)

// diffDesired compares the validated desired objects of cluster with the objects that exist, by
// kind (every object of the managed kinds, whatever its labels), without I/O. It holds the
// ownership rules of a plan:
//
//   - a desired object that does not exist is a Create;
//   - one that exists labelled ManagedByLabel=cluster, or without ManagedByLabel, is an Update
//     (the unlabelled one is adopted: the apply gives it the label) unless nxcalico's field
//     manager already owns exactly the designed values (inSync), then it is unchanged;
//   - one that exists labelled for another cluster is refused with an error: a cluster never takes
//     over another's object;
//   - an existing object labelled ManagedByLabel=cluster that is not desired is a Delete; objects
//     without the label, or with another cluster's, are never deleted.
//
// Creates and updates carry the apply body encoded for group. The updates are candidates: the
// server's dry run (Client.Plan) decides whether they change anything. Changes come in desired
// order followed by the deletes in kind and name order; unchanged refs in desired order. Every
// problem is reported at once, joined, with no changes.
func diffDesired(cluster string, want []desiredObject, existing map[*kind][]Object, group Group) ([]Change, []ObjectRef, error) {
	byRef := make(map[ObjectRef]Object)
	for k, objs := range existing {
		for _, o := range objs {
			byRef[refOf(k, o)] = o
		}
	}
	var (
		changes   []Change
		unchanged []ObjectRef
		errs      []error
	)
	wanted := make(map[ObjectRef]bool, len(want))
	for _, d := range want {
		ref := refOf(d.kind, d.obj)
		wanted[ref] = true
		cur := byRef[ref]
		if cur != nil {
			if v, ok := cur.GetLabels()[ManagedByLabel]; ok && v != cluster {
				errs = append(errs, fmt.Errorf("calico: %s %q exists labelled %s=%q; refusing to take over another cluster's object for cluster %q",
					ref.Kind, ref.Name, ManagedByLabel, v, cluster))
				continue
			}
		}
		content, err := applyContent(d.kind, d.obj, group)
		if err != nil {
			errs = append(errs, fmt.Errorf("calico: %w", err))
			continue
		}
		if cur != nil && inSync(content, cur) {
			unchanged = append(unchanged, ref)
			continue
		}
		body, err := json.Marshal(content)
		if err != nil {
			errs = append(errs, fmt.Errorf("calico: encode %s %q: %w", ref.Kind, ref.Name, err))
			continue
		}
		action := change.Update
		if cur == nil {
			action = change.Create
		}
		changes = append(changes, Change{Action: action, Object: ref, Desired: d.obj, Current: cur, kind: d.kind, body: body})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	for _, k := range managedKinds {
		objs := slices.Clone(existing[k])
		slices.SortFunc(objs, func(x, y Object) int { return strings.Compare(x.GetName(), y.GetName()) })
		for _, o := range objs {
			ref := refOf(k, o)
			if o.GetLabels()[ManagedByLabel] == cluster && !wanted[ref] {
				changes = append(changes, Change{Action: change.Delete, Object: ref, Current: o, kind: k})
			}
		}
	}
	return changes, unchanged, nil
}

// sortPlan orders a plan's changes and unchanged refs by kind (BGPConfiguration, IPPool,
// BGPFilter, BGPPeer), then name.
func sortPlan(p *Plan) {
	order := func(x, y ObjectRef) int {
		return cmp.Or(cmp.Compare(kindIndex(x.Kind), kindIndex(y.Kind)), strings.Compare(x.Name, y.Name))
	}
	slices.SortFunc(p.Changes, func(x, y Change) int { return order(x.Object, y.Object) })
	slices.SortFunc(p.Unchanged, order)
}
