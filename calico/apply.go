package calico

import (
	"context"
	"errors"
	"fmt"

	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/internal/fanout"
)

// Result is what Apply did, each list in plan order. After a failure it holds what was done
// before the failure.
type Result struct {
	Created []ObjectRef
	Updated []ObjectRef
	Deleted []ObjectRef
}

// Counts returns how many objects Apply created, updated and deleted, like Plan.Counts.
func (r *Result) Counts() (created, updated, deleted int) {
	if r == nil {
		return 0, 0, 0
	}
	return len(r.Created), len(r.Updated), len(r.Deleted)
}

// Apply carries out a Plan made by the same Client's Plan.
//
// Creates and updates are server-side applies (field manager "nxcalico", FieldValidation Strict,
// forced only with Options.Force), one request per object, at most Options.Concurrency in
// flight, one kind after the other: BGPConfiguration, IPPools, BGPFilters, BGPPeers. Then the
// plan's deletes run, BGPPeers first, each with preconditions on the uid and resourceVersion
// Plan saw, so an object changed since (for example relabelled) is not deleted. New sessions come
// up before old ones go.
//
// Every object was validated by the server in Plan's dry run, so a rejection here means the
// cluster changed in between. Apply then finishes the kind in progress, starts nothing further
// (in particular deletes nothing) and returns the joined errors — a *ConflictError or
// *ObjectError per object — with the Result so far. Apply makes only the requests the plan
// lists: an empty plan sends nothing.
func (c *Client) Apply(ctx context.Context, p *Plan) (*Result, error) {
	if p == nil {
		return nil, errors.New("calico: Apply: nil plan")
	}
	for _, ch := range p.Changes {
		if ch.kind == nil || (ch.Action != change.Delete && ch.body == nil) || (ch.Action == change.Delete && ch.Current == nil) {
			return nil, fmt.Errorf("calico: Apply: change %s %s was not made by Client.Plan", ch.Action, ch.Object)
		}
	}
	res := &Result{}
	if p.Empty() {
		return res, nil
	}
	a, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	if a.group != p.Group {
		return nil, fmt.Errorf("calico: Apply: plan was made against %s, this client uses %s", p.Group, a.group)
	}

	opts := c.patchOptions(false)
	for _, k := range managedKinds {
		var batch []Change
		for _, ch := range p.Changes {
			if ch.kind == k && ch.Action != change.Delete {
				batch = append(batch, ch)
			}
		}
		done := make([]bool, len(batch))
		errs := fanout.Each(ctx, len(batch), c.concurrency, func(ctx context.Context, i int) error {
			ch := batch[i]
			if _, err := a.resources[k].apply(ctx, ch.Object.Name, ch.body, opts); err != nil {
				return objectError("apply", ch.Object, err)
			}
			done[i] = true
			c.log.DebugContext(ctx, "calico: applied", "action", ch.Action, "object", ch.Object)
			return nil
		})
		for i, ch := range batch {
			if !done[i] {
				continue
			}
			if ch.Action == change.Create {
				res.Created = append(res.Created, ch.Object)
			} else {
				res.Updated = append(res.Updated, ch.Object)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return res, err
		}
	}

	if err := c.prune(ctx, a, p, res); err != nil {
		return res, err
	}
	return res, nil
}
