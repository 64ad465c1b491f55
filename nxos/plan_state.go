package nxos

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Scope is the part of a switch's DME tree a read covers: the classes of the
// desired configuration (features included). Current reads exactly these, so
// objects of other classes are never seen, planned or pruned.
type Scope struct {
	Classes []string // sorted, without topSystem and operational classes
}

// ScopeOf returns the scope of cfg: every class its Features and Config trees use.
func ScopeOf(cfg *LeafConfig) Scope {
	set := map[string]bool{}
	var walk func(o *dme.Object)
	walk = func(o *dme.Object) {
		if o == nil {
			return
		}
		if c, ok := dme.Lookup(o.Class); o.Class != "topSystem" && (!ok || !c.Operational) {
			set[o.Class] = true
		}
		for _, ch := range o.Children {
			walk(ch)
		}
	}
	if cfg != nil {
		walk(cfg.Features)
		walk(cfg.Config)
		if !cfg.Names.IsZero() {
			// Objects the design owns by name are read even when none is rendered, so that
			// those left behind can be pruned.
			for _, c := range namedClasses {
				set[c] = true
			}
			set["bgpPeer"] = true
			set["l3Inst"] = true
			set["rtctrlMapP"] = true
			for _, c := range lifecycleClasses {
				set[c] = true
			}
		}
		if cfg.retire != nil {
			for _, c := range retireClasses {
				set[c] = true
			}
		}
	}
	s := Scope{Classes: make([]string, 0, len(set))}
	for c := range set {
		s.Classes = append(s.Classes, c)
	}
	sort.Strings(s.Classes)
	return s
}

// query returns the parameters of the one GET that reads the scope from sys:
// a subtree query restricted to the scope's classes, answered as flat objects
// that each carry their dn.
func (s Scope) query() url.Values {
	return url.Values{
		"query-target":         {"subtree"},
		"target-subtree-class": {strings.Join(s.Classes, ",")},
	}
}

// State is what a switch holds of a scope: flat objects keyed by DN.
type State struct {
	tree *flatTree
}

// Len returns the number of objects.
func (s *State) Len() int {
	if s == nil {
		return 0
	}
	return len(s.tree.order)
}

// Objects returns copies of the objects, sorted by DN, each with its "dn"
// property and without children.
func (s *State) Objects() []*dme.Object {
	if s == nil {
		return nil
	}
	out := make([]*dme.Object, 0, len(s.tree.order))
	for _, k := range s.tree.order {
		out = append(out, s.tree.objs[k].object())
	}
	return out
}

// Lookup returns a copy of the object at dn (any spelling), or nil.
func (s *State) Lookup(dn string) *dme.Object {
	d, err := dme.ParseDN(dn)
	if s == nil || err != nil {
		return nil
	}
	if f := s.tree.objs[d.Key()]; f != nil {
		return f.object()
	}
	return nil
}

func (f *flatObj) object() *dme.Object {
	o := &dme.Object{Class: f.class, Attrs: make(map[string]string, len(f.attrs)+1)}
	for k, v := range f.attrs {
		o.Attrs[k] = v
	}
	o.Attrs["dn"] = f.dn.String()
	return o
}

// Current reads the scope from the switch in one GET
// (/api/mo/sys.json?query-target=subtree&target-subtree-class=…).
func (c *Client) Current(ctx context.Context, scope Scope) (*State, error) {
	if len(scope.Classes) == 0 {
		return &State{tree: newFlatTree()}, nil
	}
	objs, err := c.Get(ctx, "sys", scope.query())
	if err != nil {
		return nil, err
	}
	t, err := flattenAnswer(objs)
	if err != nil {
		return nil, fmt.Errorf("nxos: reading %s: %w", c.opts.URL, err)
	}
	return &State{tree: t}, nil
}
