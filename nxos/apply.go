package nxos

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Apply makes the plan's changes: first, when a feature must be enabled, one
// POST of the features to sys; then one POST of the whole configuration change
// to sys (parents carried as naming-only objects, deletes as
// status:"deleted"), which the switch applies as one transaction. An empty
// plan sends nothing. On error the configuration POST was refused as a whole
// (an *APIError says why) or its outcome is unknown (transport error).
func (c *Client) Apply(ctx context.Context, p *Plan) error {
	if p.Empty() {
		return nil
	}
	if p.features != nil {
		if err := c.Post(ctx, "sys", p.features); err != nil {
			return fmt.Errorf("nxos: apply %s: enabling features: %w", p.Leaf, err)
		}
	}
	if p.config != nil {
		if err := c.Post(ctx, "sys", p.config); err != nil {
			return fmt.Errorf("nxos: apply %s: %w", p.Leaf, err)
		}
	}
	cr, up, de := p.Counts()
	c.log.LogAttrs(ctx, slog.LevelDebug, "nxapi plan applied", slog.String("leaf", p.Leaf),
		slog.Int("created", cr), slog.Int("updated", up), slog.Int("deleted", de))
	return nil
}

// Reverse returns the plan that undoes p's configuration changes, restoring the
// prior state p was computed from: created objects are deleted, updated
// properties get their prior values back (properties that were unset are reset
// with the DME unset marker), and deleted objects are recreated with the
// properties and descendants that were read. Feature changes are not reversed
// (disabling a feature would drop its configuration), and write-only values
// (passwords) of deleted objects cannot be restored because the switch never
// returns them.
func (p *Plan) Reverse() (*Plan, error) {
	if p == nil {
		return nil, errors.New("nxos: Reverse: nil plan")
	}
	r := &Plan{Leaf: p.Leaf, desired: p.prior}
	after := p.afterState()
	r.prior = after
	b := newBodyBuilder(p.prior, p.desired)
	created := map[string]bool{}
	var deletes, updates, creates []Change
	for _, c := range p.Changes {
		if c.Feature {
			continue
		}
		switch c.Action {
		case change.Create:
			covered := false
			for d := c.DN.Parent(); !d.IsZero(); d = d.Parent() {
				if created[d.Key()] {
					covered = true
					break
				}
			}
			created[c.DN.Key()] = true
			if covered {
				continue
			}
			f := &flatObj{dn: c.DN, class: c.Class, attrs: c.Attrs}
			deletes = append(deletes, Change{Action: change.Delete, DN: c.DN, Class: c.Class, Prior: copyAttrs(c.Attrs)})
			if err := b.remove(f); err != nil {
				return nil, err
			}
		case change.Update:
			attrs := map[string]string{}
			for k := range c.Attrs {
				if v, ok := c.Prior[k]; ok {
					attrs[k] = v
				} else {
					attrs[k] = dme.UnsetMarker
				}
			}
			if cls, ok := dme.Lookup(c.Class); ok {
				for k := range attrs {
					if a, ok := cls.Attr(k); ok && a.WriteOnly {
						delete(attrs, k)
					}
				}
			}
			if len(attrs) == 0 {
				continue
			}
			updates = append(updates, Change{Action: change.Update, DN: c.DN, Class: c.Class, Attrs: attrs, Prior: copyAttrs(c.Attrs)})
			if err := b.set(c.DN, attrs); err != nil {
				return nil, err
			}
		case change.Delete:
			prefix := c.DN.Key()
			for _, k := range p.prior.order {
				if k != prefix && !isBelow(k, prefix) {
					continue
				}
				f := p.prior.objs[k]
				attrs := copyAttrs(f.attrs)
				if cls, ok := dme.Lookup(f.class); ok {
					if cls.Operational {
						continue
					}
					for a := range attrs {
						if d, ok := cls.Attr(a); ok && d.WriteOnly {
							delete(attrs, a)
						}
					}
				}
				creates = append(creates, Change{Action: change.Create, DN: f.dn, Class: f.class, Attrs: attrs})
				if err := b.set(f.dn, attrs); err != nil {
					return nil, err
				}
			}
		}
	}
	r.Changes = append(append(deletes, updates...), creates...)
	r.config = b.body()
	if err := checkBody(p.Leaf, "restore", r.config); err != nil {
		return nil, err
	}
	return r, nil
}

// afterState is the state the switch holds once p is applied (as far as p
// knows it): prior with p's changes made.
func (p *Plan) afterState() *flatTree {
	t := newFlatTree()
	for _, k := range p.prior.order {
		f := p.prior.objs[k]
		t.objs[k] = &flatObj{dn: f.dn, class: f.class, attrs: copyAttrs(f.attrs)}
		t.order = append(t.order, k)
	}
	for _, c := range p.Changes {
		k := c.DN.Key()
		switch c.Action {
		case change.Create:
			if t.objs[k] == nil {
				t.order = append(t.order, k)
			}
			t.objs[k] = &flatObj{dn: c.DN, class: c.Class, attrs: copyAttrs(c.Attrs)}
		case change.Update:
			if f := t.objs[k]; f != nil {
				for a, v := range c.Attrs {
					f.attrs[a] = v
				}
			}
		case change.Delete:
			for _, kk := range t.order {
				if kk == k || isBelow(kk, k) {
					delete(t.objs, kk)
				}
			}
		}
	}
	order := t.order[:0]
	for _, k := range t.order {
		if t.objs[k] != nil {
			order = append(order, k)
		}
	}
	t.order = order
	return t
}

// isBelow reports whether DN key k lies strictly below DN key parent.
func isBelow(k, parent string) bool {
	return len(k) > len(parent) && k[len(parent)] == '/' && k[:len(parent)] == parent
}

func copyAttrs(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
