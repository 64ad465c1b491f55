package nxos

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// flatObj is one object of a tree, without its children, keyed by its DN.
type flatObj struct {
	dn    dme.DN
	class string
	attrs map[string]string // properties without dn, rn, status, childAction
}

// flatTree is a DME tree as DN-keyed objects; order lists the keys in tree
// pre-order (parents before children, siblings in their given order).
type flatTree struct {
	objs  map[string]*flatObj
	order []string
}

func newFlatTree() *flatTree { return &flatTree{objs: map[string]*flatObj{}} }

// isMeta reports properties that address or act on an object rather than configure it.
func isMeta(k string) bool {
	switch k {
	case "dn", "rn", "status", "childAction", "modTs", "persistentOnReload":
		return true
	}
	return false
}

// add records o (and its children) at dn; a later object at the same DN
// merges its properties into the earlier one.
func (t *flatTree) add(dn dme.DN, o *dme.Object) error {
	k := dn.Key()
	f := t.objs[k]
	if f == nil {
		f = &flatObj{dn: dn, class: o.Class, attrs: map[string]string{}}
		t.objs[k] = f
		t.order = append(t.order, k)
	} else if f.class != o.Class {
		return fmt.Errorf("nxos: %s is both %s and %s", dn, f.class, o.Class)
	}
	for a, v := range o.Attrs {
		if !isMeta(a) {
			f.attrs[a] = v
		}
	}
	for _, ch := range o.Children {
		if ch == nil {
			continue
		}
		cdn, err := childDN(dn, ch)
		if err != nil {
			return err
		}
		if err := t.add(cdn, ch); err != nil {
			return err
		}
	}
	return nil
}

// childDN returns the DN of child ch under parent: its "dn" property when set,
// else the parent's DN extended by its RN.
func childDN(parent dme.DN, ch *dme.Object) (dme.DN, error) {
	if s := ch.Get("dn"); s != "" {
		return dme.ParseDN(s)
	}
	rn, err := ch.RN()
	if err != nil {
		return dme.DN{}, fmt.Errorf("nxos: child of %s: %w", parent, err)
	}
	d := parent.Child(rn)
	if d.IsZero() {
		return dme.DN{}, fmt.Errorf("nxos: child of %s: bad RN %q", parent, rn)
	}
	return d, nil
}

// flattenDesired flattens a tree rooted at topSystem.
func flattenDesired(root *dme.Object) (*flatTree, error) {
	t := newFlatTree()
	if root == nil {
		return t, nil
	}
	if root.Class != "topSystem" {
		return nil, fmt.Errorf("nxos: desired tree must be rooted at topSystem, not %q", root.Class)
	}
	return t, t.add(dme.MustParseDN("sys"), root)
}

// flattenAnswer flattens the objects of a GET answer: top-level objects carry
// "dn", nested ones "rn" (or naming properties).
func flattenAnswer(objs []*dme.Object) (*flatTree, error) {
	t := newFlatTree()
	for i, o := range objs {
		s := o.Get("dn")
		if s == "" {
			return nil, fmt.Errorf("nxos: answer object %d (%s) has no dn", i, o.Class)
		}
		dn, err := dme.ParseDN(s)
		if err != nil {
			return nil, fmt.Errorf("nxos: answer object %d (%s): %w", i, o.Class, err)
		}
		if err := t.add(dn, o); err != nil {
			return nil, err
		}
	}
	sort.Slice(t.order, func(i, j int) bool { return t.order[i] < t.order[j] })
	return t, nil
}

// sameValue reports whether a desired property value v and a read value w mean
// the same thing: flag lists in any order, yes/no for true/false, integers in
// any spelling, addresses and prefixes in any notation, DNs by key. The
// reset marker matches the class default (or an empty value when the default
// is not known).
func sameValue(a dme.Attr, v, w string) bool {
	if v == w {
		return true
	}
	if v == dme.UnsetMarker {
		return w == a.Default || w == ""
	}
	switch a.Kind {
	case dme.Flags:
		return dme.NormalizeFlags(v) == dme.NormalizeFlags(w)
	case dme.Bool:
		return boolValue(v) == boolValue(w) && boolValue(v) != ""
	case dme.Int:
		x, err1 := strconv.ParseInt(v, 10, 64)
		y, err2 := strconv.ParseInt(w, 10, 64)
		return err1 == nil && err2 == nil && x == y
	}
	if x, err := netip.ParseAddr(v); err == nil {
		y, err := netip.ParseAddr(w)
		return err == nil && x == y
	}
	if strings.IndexByte(v, '/') > 0 {
		if x, err := netip.ParsePrefix(v); err == nil {
			y, err := netip.ParsePrefix(w)
			return err == nil && x == y
		}
	}
	if v == "sys" || strings.HasPrefix(v, "sys/") {
		x, err1 := dme.ParseDN(v)
		y, err2 := dme.ParseDN(w)
		return err1 == nil && err2 == nil && x.Equal(y)
	}
	return false
}

func boolValue(v string) string {
	switch v {
	case "true", "yes":
		return "true"
	case "false", "no":
		return "false"
	}
	return ""
}

// namingAttrs returns the naming properties of f, taken from its properties or,
// when the answer left them out, from its RN.
func namingAttrs(f *flatObj) map[string]string {
	c, ok := dme.Lookup(f.class)
	if !ok || len(c.Naming) == 0 {
		return nil
	}
	m := make(map[string]string, len(c.Naming))
	var fromRN map[string]string
	for _, n := range c.Naming {
		if v := f.attrs[n]; v != "" {
			m[n] = v
			continue
		}
		if fromRN == nil {
			fromRN, _ = c.ParseRN(f.dn.Last())
		}
		m[n] = fromRN[n]
	}
	return m
}

// bodyBuilder assembles one POST body rooted at topSystem from objects at
// arbitrary DNs: every parent on the way is carried as a naming-only object.
type bodyBuilder struct {
	root  *dme.Object
	nodes map[string]*dme.Object // DN key -> node in the body
	known []*flatTree            // where parents' classes and naming values are looked up
}

func newBodyBuilder(known ...*flatTree) *bodyBuilder {
	root := &dme.Object{Class: "topSystem"}
	return &bodyBuilder{root: root, nodes: map[string]*dme.Object{dme.MustParseDN("sys").Key(): root}, known: known}
}

// node returns the body node for dn, creating it and its parents as naming-only objects.
func (b *bodyBuilder) node(dn dme.DN) (*dme.Object, error) {
	if n := b.nodes[dn.Key()]; n != nil {
		return n, nil
	}
	parentDN := dn.Parent()
	if parentDN.IsZero() {
		return nil, fmt.Errorf("nxos: %s is not below sys", dn)
	}
	parent, err := b.node(parentDN)
	if err != nil {
		return nil, err
	}
	var n *dme.Object
	for _, t := range b.known {
		if f := t.objs[dn.Key()]; f != nil {
			n = &dme.Object{Class: f.class}
			for k, v := range namingAttrs(f) {
				n.Set(k, v)
			}
			break
		}
	}
	if n == nil {
		c, naming, ok := dme.ChildClass(parent.Class, dn.Last())
		if !ok {
			return nil, fmt.Errorf("nxos: %s: RN %q is not a known child of %s", dn, dn.Last(), parent.Class)
		}
		n = &dme.Object{Class: c.Name}
		for k, v := range naming {
			n.Set(k, v)
		}
	}
	parent.Children = append(parent.Children, n)
	b.nodes[dn.Key()] = n
	return n, nil
}

// set merges attrs into the body node for f.
func (b *bodyBuilder) set(dn dme.DN, attrs map[string]string) error {
	n, err := b.node(dn)
	if err != nil {
		return err
	}
	for k, v := range attrs {
		n.Set(k, v)
	}
	return nil
}

// remove adds a status:"deleted" entry for f, first among its parent's children.
func (b *bodyBuilder) remove(f *flatObj) error {
	parent, err := b.node(f.dn.Parent())
	if err != nil {
		return err
	}
	d := &dme.Object{Class: f.class}
	for k, v := range namingAttrs(f) {
		d.Set(k, v)
	}
	if len(d.Attrs) == 0 {
		d.Set("rn", f.dn.Last())
	}
	d.Set("status", "deleted")
	parent.Children = append([]*dme.Object{d}, parent.Children...)
	b.nodes[f.dn.Key()] = d
	return nil
}

// body returns the assembled tree, or nil when nothing was added.
func (b *bodyBuilder) body() *dme.Object {
	if len(b.root.Children) == 0 && len(b.root.Attrs) == 0 {
		return nil
	}
	return b.root
}
