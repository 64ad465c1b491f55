package nxos

import (
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

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

// ownership decides which objects read from a switch belong to the design: an object is owned when it lies in the
// subtree of a desired object of a subtreeOwners class, when it is a template,
// route-map or prefix-list the design names (LeafConfig.Names), or when it is a
// neighbor in one of the design's VRFs that inherits one of the design's
// templates (and everything below such an object). Nothing else is ever
// deleted.
type ownership struct {
	roots     map[string]bool // DN keys of desired owned-subtree roots
	vrfDoms   map[string]bool // DN keys of the design's non-default bgpDom objects
	templates map[string]bool // names of the design's peer templates
	// named are the names the design owns per class (templates, route-maps, prefix-lists),
	// desired or not: such an object on the switch is the design's with its subtree.
	named map[string]map[string]bool
	// vrfs are the names of the design's VRFs (desired l3Inst objects).
	vrfs map[string]bool
}

// namedClasses are the classes whose objects the design owns by name.
var namedClasses = []string{"bgpPeerCont", "rtmapRule", "rtpfxRuleV4", "rtpfxRuleV6"}

func newOwnership(desired *flatTree, names *design.OwnedNames) *ownership {
	o := &ownership{roots: map[string]bool{}, vrfDoms: map[string]bool{}, templates: map[string]bool{}, named: map[string]map[string]bool{}, vrfs: map[string]bool{}}
	if names != nil && !names.IsZero() {
		add := func(class string, list []string) {
			if o.named[class] == nil {
				o.named[class] = map[string]bool{}
			}
			for _, n := range list {
				o.named[class][n] = true
			}
		}
		add("bgpPeerCont", names.Templates)
		add("rtmapRule", names.RouteMaps)
		add("rtpfxRuleV4", names.PrefixLists)
		add("rtpfxRuleV6", names.PrefixLists)
		for _, t := range names.Templates {
			o.templates[t] = true
		}
	}
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
		case f.class == "l3Inst":
			o.vrfs[f.attrs["name"]] = true
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
	if f.class == "rtctrlMapP" {
		return o.exportMap(f, cur)
	}
	for d := f.dn; !d.IsZero(); d = d.Parent() {
		k := d.Key()
		if o.roots[k] {
			return true
		}
		if a := cur.objs[k]; a != nil && (o.neighbor(a) || o.named[a.class][a.attrs["name"]]) {
			return true
		}
	}
	return false
}

// exportMap reports whether f, a VRF's import/export map, is the design's: it names one of the
// design's route-maps inside one of the design's VRFs. Pruned with its route-map, it never leaves
// the VRF pointing at a route-map that no longer exists (which would stop the VRF's exports).
func (o *ownership) exportMap(f *flatObj, cur *flatTree) bool {
	if !o.named["rtmapRule"][f.attrs["rtMap"]] {
		return false
	}
	for d := f.dn.Parent(); !d.IsZero(); d = d.Parent() {
		if a := cur.objs[d.Key()]; a != nil && a.class == "l3Inst" {
			return o.vrfs[a.attrs["name"]]
		}
	}
	return false
}
