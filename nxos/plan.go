package nxos

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Change is one object a Plan creates, updates or deletes.
type Change struct {
	Action change.Action
	DN     dme.DN
	Class  string
	// Attrs are the properties sent: all desired ones for Create, the changed
	// ones for Update, none for Delete.
	Attrs map[string]string
	// Prior are the values before the change: of the changed properties for
	// Update (absent ones are missing), of all properties for Delete.
	Prior map[string]string
	// Feature is true for a change of a feature (fm*) object, applied in its
	// own request before the configuration.
	Feature bool
}

// PlanOption adjusts how a Plan is computed.
type PlanOption func(*planOptions)

type planOptions struct {
	rotate bool
	clear  bool
	prune  bool
}

// RotateSecrets makes a Plan send write-only properties (BGP passwords) of
// objects that already exist. Without it they are sent only when an object is
// created: the switch reads them back as "", so they can never be compared.
func RotateSecrets() PlanOption { return func(o *planOptions) { o.rotate = true } }

// ClearSecrets makes a Plan remove the BGP password from the design's peer templates that exist
// on the switch, for a design that no longer names one (LeafConfig.NoPassword): it writes the
// empty password, which NX-OS takes as "no password". A switch never reads a password back, so
// the plan cannot tell whether a template still holds one and clears every existing template
// each time it is given — give it once, when the design dropped peering.passwordSecret (or the
// cluster's BGPPeers lose their password reference). Removing the password resets every
// established session inheriting the template (see Plan.Resets); Reverse cannot restore it.
// Planning a configuration whose design names a password with ClearSecrets is an error.
func ClearSecrets() PlanOption { return func(o *planOptions) { o.clear = true } }

// WithoutPrune makes a Plan create and update only, deleting nothing.
func WithoutPrune() PlanOption { return func(o *planOptions) { o.prune = false } }

// Plan is the difference between a leaf's desired configuration and what the
// switch holds: the changes, the request bodies that make them, and the prior
// state they were computed from (so Reverse can undo them). A Plan is
// immutable once made.
type Plan struct {
	// Leaf is the leaf's name (LeafConfig.Leaf).
	Leaf string
	// Changes are sorted: feature changes first, then deletes, updates and
	// creates, each in tree order.
	Changes []Change

	features *dme.Object // POST to sys before config, nil when all features are on
	config   *dme.Object // POST to sys, nil when the configuration is in place
	prior    *flatTree
	desired  *flatTree
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

// Requests returns how many POSTs Apply sends (0, 1 or 2).
func (p *Plan) Requests() int {
	if p == nil {
		return 0
	}
	n := 0
	if p.features != nil {
		n++
	}
	if p.config != nil {
		n++
	}
	return n
}

// Body returns the configuration POST body (rooted at topSystem, posted to
// sys), or nil when the plan has no configuration change. It carries write-only
// values such as BGP passwords: do not log it.
func (p *Plan) Body() *dme.Object {
	if p == nil {
		return nil
	}
	return p.config.Clone()
}

// FeaturesBody returns the POST body enabling features, or nil when every
// feature the design needs is already enabled.
func (p *Plan) FeaturesBody() *dme.Object {
	if p == nil {
		return nil
	}
	return p.features.Clone()
}

// Plan reads the switch's current state of cfg's scope in one GET and returns
// the changes that bring it to cfg.
func (c *Client) Plan(ctx context.Context, cfg *LeafConfig, opts ...PlanOption) (*Plan, error) {
	if cfg == nil {
		return nil, errors.New("nxos: Plan: nil LeafConfig")
	}
	cur, err := c.Current(ctx, ScopeOf(cfg))
	if err != nil {
		return nil, fmt.Errorf("nxos: plan %s: %w", cfg.Leaf, err)
	}
	return Diff(cfg, cur, opts...)
}

// Diff computes the plan that turns current into cfg, without I/O. current must
// cover ScopeOf(cfg). Creates and updates carry only properties present in the
// desired objects; owned objects the design no longer wants are deleted (owned: in
// the subtree of a desired object of a class the design owns whole, a template,
// route-map or prefix-list the design names, or a neighbor in the design's VRF
// inheriting one of its templates; nothing else is ever deleted); features are only
// ever enabled. Both
// bodies are checked against the DME schema, so a plan that would be refused
// fails here, before any request.
func Diff(cfg *LeafConfig, current *State, opts ...PlanOption) (*Plan, error) {
	if cfg == nil {
		return nil, errors.New("nxos: Diff: nil LeafConfig")
	}
	po := planOptions{prune: true}
	for _, o := range opts {
		o(&po)
	}
	cur := newFlatTree()
	if current != nil {
		cur = current.tree
	}
	want, err := flattenDesired(cfg.Config)
	if err != nil {
		return nil, fmt.Errorf("nxos: %s: Config: %w", cfg.Leaf, err)
	}
	feat, err := flattenDesired(cfg.Features)
	if err != nil {
		return nil, fmt.Errorf("nxos: %s: Features: %w", cfg.Leaf, err)
	}
	if po.clear && !cfg.NoPassword && hasClass(want, "bgpPeerCont") {
		return nil, fmt.Errorf("nxos: %s: ClearSecrets: the design names a BGP password (LeafConfig.NoPassword is false); clearing would remove it", cfg.Leaf)
	}
	p := &Plan{Leaf: cfg.Leaf, prior: cur, desired: want}

	fb := newBodyBuilder(feat)
	fchanges, err := upserts(feat, cur, fb, po, true)
	if err != nil {
		return nil, fmt.Errorf("nxos: %s: %w", cfg.Leaf, err)
	}
	cb := newBodyBuilder(want, cur)
	cchanges, err := upserts(want, cur, cb, po, false)
	if err != nil {
		return nil, fmt.Errorf("nxos: %s: %w", cfg.Leaf, err)
	}
	var deletes []Change
	if po.prune {
		deletes, err = prunes(want, cur, cb, &cfg.Names, cfg.retire)
		if err != nil {
			return nil, fmt.Errorf("nxos: %s: %w", cfg.Leaf, err)
		}
	}
	p.Changes = append(p.Changes, fchanges...)
	p.Changes = append(p.Changes, deletes...)
	sortByAction(cchanges)
	p.Changes = append(p.Changes, cchanges...)
	p.features, p.config = fb.body(), cb.body()
	if err := checkBody(cfg.Leaf, "features", p.features); err != nil {
		return nil, err
	}
	if err := checkBody(cfg.Leaf, "configuration", p.config); err != nil {
		return nil, err
	}
	return p, nil
}

// hasClass reports whether t holds an object of class.
func hasClass(t *flatTree, class string) bool {
	for _, k := range t.order {
		if t.objs[k].class == class {
			return true
		}
	}
	return false
}

// sortByAction puts updates before creates, keeping tree order within each.
func sortByAction(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Action == change.Update && cs[j].Action == change.Create })
}

// upserts compares every desired object with the switch's and records creates
// and updates in the body builder.
func upserts(want, cur *flatTree, b *bodyBuilder, po planOptions, feature bool) ([]Change, error) {
	var out []Change
	for _, k := range want.order {
		w := want.objs[k]
		if w.class == "topSystem" {
			continue
		}
		cls, ok := dme.Lookup(w.class)
		if !ok {
			return nil, fmt.Errorf("%s: unknown class %q", w.dn, w.class)
		}
		have := cur.objs[k]
		if have == nil {
			attrs := make(map[string]string, len(w.attrs))
			for a, v := range w.attrs {
				attrs[a] = v
			}
			if err := b.set(w.dn, attrs); err != nil {
				return nil, err
			}
			out = append(out, Change{Action: change.Create, DN: w.dn, Class: w.class, Attrs: attrs, Feature: feature})
			continue
		}
		var attrs, prior map[string]string
		if po.clear && w.class == "bgpPeerCont" {
			if _, set := w.attrs["password"]; !set {
				// The empty password removes the one the template may hold; the read value is
				// always "", so the prior value is unknown.
				attrs, prior = map[string]string{"password": ""}, map[string]string{"password": ""}
			}
		}
		for a, v := range w.attrs {
			if cls.IsNaming(a) {
				continue
			}
			def, _ := cls.Attr(a)
			if def.WriteOnly && !po.rotate {
				continue
			}
			old, had := have.attrs[a]
			if !def.WriteOnly && sameValue(def, v, old) {
				continue
			}
			if attrs == nil {
				attrs, prior = map[string]string{}, map[string]string{}
			}
			attrs[a] = v
			if had {
				prior[a] = old
			}
		}
		if attrs == nil {
			continue
		}
		if err := b.set(w.dn, attrs); err != nil {
			return nil, err
		}
		out = append(out, Change{Action: change.Update, DN: w.dn, Class: w.class, Attrs: attrs, Prior: prior, Feature: feature})
	}
	return out, nil
}

// prunes returns deletes of owned objects that are not desired; a delete whose
// parent is deleted too is covered by the parent's and not listed.
func prunes(want, cur *flatTree, b *bodyBuilder, names *design.OwnedNames, r *retirement) ([]Change, error) {
	own := newOwnership(want, names)
	own.scan(want, cur, r)
	deleted := map[string]bool{}
	var out []Change
	for _, k := range cur.order { // sorted by DN key: parents first
		f := cur.objs[k]
		if want.objs[k] != nil || !own.owns(f, cur) {
			continue
		}
		covered := false
		for d := f.dn.Parent(); !d.IsZero(); d = d.Parent() {
			if deleted[d.Key()] {
				covered = true
				break
			}
		}
		if covered {
			continue
		}
		deleted[k] = true
		if err := b.remove(f); err != nil {
			return nil, err
		}
		prior := make(map[string]string, len(f.attrs))
		for a, v := range f.attrs {
			prior[a] = v
		}
		out = append(out, Change{Action: change.Delete, DN: f.dn, Class: f.class, Prior: prior})
	}
	return out, nil
}

// checkBody validates a body against the schema and joins every violation.
func checkBody(leaf, what string, body *dme.Object) error {
	if body == nil {
		return nil
	}
	errs := dme.Check("", body)
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("nxos: %s: the %s would be refused: %w", leaf, what, errors.Join(errs...))
}
