package nxostest

import (
	"fmt"
	"slices"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// node is one managed object of the simulated DME tree.
type node struct {
	class *dme.Class // nil only for the invisible top above "sys"
	rn    string     // RN as first written
	attrs map[string]string
	kids  map[string]*node // by dme.RNKey
	order []string         // child keys in creation order
	// pinned marks operational state written by Server.Load: the simulator
	// keeps it instead of deriving it (SetPeerState still overrides it).
	pinned bool
}

func newNode(c *dme.Class, rn string, naming map[string]string) *node {
	n := &node{class: c, rn: rn, attrs: make(map[string]string, len(c.Attrs))}
	for name, a := range c.Attrs {
		if a.Default != "" {
			n.attrs[name] = a.Default
		}
	}
	for k, v := range naming {
		n.attrs[k] = v
	}
	return n
}

func (n *node) clone() *node {
	c := &node{class: n.class, rn: n.rn, attrs: make(map[string]string, len(n.attrs)), pinned: n.pinned}
	for k, v := range n.attrs {
		c.attrs[k] = v
	}
	if len(n.kids) > 0 {
		c.kids = make(map[string]*node, len(n.kids))
		c.order = slices.Clone(n.order)
		for k, v := range n.kids {
			c.kids[k] = v.clone()
		}
	}
	return c
}

func (n *node) child(key string) *node { return n.kids[key] }

func (n *node) add(key string, c *node) {
	if n.kids == nil {
		n.kids = make(map[string]*node)
	}
	if _, ok := n.kids[key]; !ok {
		n.order = append(n.order, key)
	}
	n.kids[key] = c
}

func (n *node) remove(key string) {
	if _, ok := n.kids[key]; !ok {
		return
	}
	delete(n.kids, key)
	n.order = slices.DeleteFunc(n.order, func(k string) bool { return k == key })
}

// children returns the children in creation order.
func (n *node) children() []*node {
	out := make([]*node, 0, len(n.order))
	for _, k := range n.order {
		out = append(out, n.kids[k])
	}
	return out
}

// tree is the whole DME of one switch; top holds the single child "sys".
type tree struct{ top *node }

func newTree(hostname string) *tree {
	t := &tree{top: &node{}}
	sysClass, _ := dme.Lookup("topSystem")
	sys := newNode(sysClass, "sys", nil)
	sys.attrs["name"] = hostname
	t.top.add("sys", sys)
	// Containers a freshly booted switch already has.
	for _, dn := range []string{
		"sys/fm", "sys/intf", "sys/rpm", "sys/inst-default", "sys/inst-management",
		"sys/ipv4/inst/dom-default", "sys/ipv6/inst/dom-default",
		"sys/icmpv4/inst", "sys/icmpv6/inst",
	} {
		if _, err := t.ensure(dme.MustParseDN(dn)); err != nil {
			panic(err)
		}
	}
	return t
}

func (t *tree) clone() *tree { return &tree{top: t.top.clone()} }

// lookup returns the node at d, or nil.
func (t *tree) lookup(d dme.DN) *node {
	n := t.top
	for _, rn := range d.RNs() {
		k, err := dme.RNKey(rn)
		if err != nil {
			return nil
		}
		if n = n.child(k); n == nil {
			return nil
		}
	}
	return n
}

// ensure creates every missing object along d (used for the boot tree and Load).
func (t *tree) ensure(d dme.DN) (*node, error) {
	n := t.top
	for _, rn := range d.RNs() {
		k, _ := dme.RNKey(rn)
		if c := n.child(k); c != nil {
			n = c
			continue
		}
		c, naming, err := resolve(n, rn)
		if err != nil {
			return nil, err
		}
		nn := newNode(c, rn, naming)
		n.add(k, nn)
		n = nn
	}
	return n, nil
}

// resolve finds which class an RN denotes under n.
func resolve(n *node, rn string) (*dme.Class, map[string]string, error) {
	parent := ""
	if n.class != nil {
		parent = n.class.Name
	}
	c, naming, ok := dme.ChildClass(parent, rn)
	if !ok {
		if parent == "" {
			return nil, nil, fmt.Errorf("RN %q is not the root \"sys\"", rn)
		}
		return nil, nil, fmt.Errorf("RN %q is not a known child of %s", rn, parent)
	}
	return c, naming, nil
}

// apply merges o (already checked with dme.Check) into parent.
func apply(parent *node, o *dme.Object) error {
	rn, err := o.RN()
	if err != nil {
		return err
	}
	key, err := dme.RNKey(rn)
	if err != nil {
		return err
	}
	c, naming, err := resolve(parent, rn)
	if err != nil {
		return err
	}
	if c.Name != o.Class {
		return fmt.Errorf("rn %q denotes class %s, not %s", rn, c.Name, o.Class)
	}
	status := o.Get("status")
	n := parent.child(key)
	if status == "deleted" {
		parent.remove(key)
		return nil
	}
	if n == nil {
		n = newNode(c, rn, naming)
		parent.add(key, n)
	}
	if c.Operational {
		n.pinned = true
	}
	if status == "replaced" {
		fresh := newNode(c, n.rn, naming)
		for _, k := range n.order {
			if kid := n.kids[k]; kid.class.Operational {
				fresh.add(k, kid)
			}
		}
		*n = *fresh
	}
	for k, v := range o.Attrs {
		switch k {
		case "rn", "dn", "status", "childAction":
			continue
		}
		if c.IsNaming(k) {
			continue // the object keeps the spelling it was created with
		}
		a := c.Attrs[k]
		switch {
		case v == dme.UnsetMarker:
			if a.Default != "" {
				n.attrs[k] = a.Default
			} else {
				delete(n.attrs, k)
			}
		case a.Kind == dme.Flags:
			n.attrs[k] = dme.NormalizeFlags(v)
		case k == "password" && a.WriteOnly && v == "":
			// The empty password is "no password": the password goes, and its type with it.
			delete(n.attrs, k)
			if t, ok := c.Attrs["passwdType"]; ok {
				n.attrs["passwdType"] = t.Default
			}
		default:
			n.attrs[k] = v
		}
	}
	for _, ch := range o.Children {
		if err := apply(n, ch); err != nil {
			return err
		}
	}
	return nil
}

// object converts n to a dme.Object. With wire set, write-only properties read
// back as "" (as on a device); meta is "dn", "rn" or "" for the identifying
// property of the returned top object. depth < 0 means the whole subtree.
type render struct {
	wire       bool
	namingOnly bool
	keep       func(*node) bool // nil keeps all descendants
}

func (r render) object(n *node, depth int) *dme.Object {
	o := &dme.Object{Class: n.class.Name, Attrs: make(map[string]string, len(n.attrs)+1)}
	for k, v := range n.attrs {
		if r.namingOnly && !n.class.IsNaming(k) {
			continue
		}
		o.Attrs[k] = v
	}
	if r.wire {
		for name, a := range n.class.Attrs {
			if a.WriteOnly && !r.namingOnly {
				o.Attrs[name] = ""
			}
		}
	}
	if depth == 0 {
		return o
	}
	for _, kid := range n.children() {
		if r.keep != nil && !r.keep(kid) {
			continue
		}
		co := r.object(kid, depth-1)
		if r.wire {
			co.Attrs["rn"] = kid.rn
		}
		o.Children = append(o.Children, co)
	}
	return o
}

// walk calls f for n and every descendant in creation order with its DN.
func walk(n *node, dn string, f func(n *node, dn string)) {
	f(n, dn)
	for _, kid := range n.children() {
		walk(kid, dn+"/"+kid.rn, f)
	}
}
