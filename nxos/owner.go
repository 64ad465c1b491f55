package nxos

import "github.com/nxcalico/nxcalico/nxos/dme"

// subtreeOwners are the classes whose objects, when the desired configuration
// names them, are owned with everything below them: the design's templates,
// route-maps, prefix-lists, loopback and SVI (with their per-protocol interface
// objects), and the neighbors it names. Objects of these classes found on the
// switch under such an object but not desired are pruned.
var subtreeOwners = map[string]bool{
	"bgpPeerCont": true, // template peer <name>
	"rtmapRule":   true, // route-map <name>
	"rtpfxRuleV4": true, // ip prefix-list <name>
	"rtpfxRuleV6": true, // ipv6 prefix-list <name>
	"l3LbRtdIf":   true, // interface loopback<id>
	"sviIf":       true, // interface Vlan<id>
	"ipv4If":      true, // ip address(es) of the loopback / SVI
	"ipv6If":      true,
	"icmpv4If":    true,
	"icmpv6If":    true,
	"hmmFwdIf":    true,
	"bgpPeer":     true, // neighbors the design names
}

// ownership decides which objects read from a switch belong to the design
// (DESIGN.md, "Ownership and safety"): an object is owned when it lies in the
// subtree of a desired object of a subtreeOwners class, or when it is a
// neighbor in one of the design's VRFs that inherits one of the design's
// templates (and everything below such a neighbor). Nothing else is ever
// deleted.
type ownership struct {
	roots     map[string]bool // DN keys of desired owned-subtree roots
	vrfDoms   map[string]bool // DN keys of the design's non-default bgpDom objects
	templates map[string]bool // names of the design's peer templates
}

func newOwnership(desired *flatTree) *ownership {
	o := &ownership{roots: map[string]bool{}, vrfDoms: map[string]bool{}, templates: map[string]bool{}}
	for _, k := range desired.order {
		f := desired.objs[k]
		switch {
		case subtreeOwners[f.class]:
			o.roots[k] = true
			if f.class == "bgpPeerCont" {
				o.templates[f.attrs["name"]] = true
			}
		case f.class == "bgpDom" && f.attrs["name"] != "default":
			o.vrfDoms[k] = true
		}
	}
	return o
}

// neighbor reports whether f is a neighbor in a design VRF inheriting a design template.
func (o *ownership) neighbor(f *flatObj) bool {
	return f.class == "bgpPeer" && o.vrfDoms[f.dn.Parent().Key()] && o.templates[f.attrs["peerImp"]]
}

// owns reports whether the current object f (of state cur) belongs to the design.
func (o *ownership) owns(f *flatObj, cur *flatTree) bool {
	if c, ok := dme.Lookup(f.class); ok && c.Operational {
		return false
	}
	for d := f.dn; !d.IsZero(); d = d.Parent() {
		k := d.Key()
		if o.roots[k] {
			return true
		}
		if a := cur.objs[k]; a != nil && o.neighbor(a) {
			return true
		}
	}
	return false
}
