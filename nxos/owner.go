package nxos

import (
	"net/netip"
	"strings"

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

// ownership decides which objects read from a switch belong to the design: an object is owned
// when it lies in the subtree of a desired object of a subtreeOwners class, when it is a
// template, route-map or prefix-list the design names (LeafConfig.Names), when it is a neighbor
// in one of the design's VRFs that inherits one of the design's templates, when it is the export
// map naming one of the design's route-maps, or when scan claims it (the design's interface
// addresses, network statements and color imports; on a retiring leaf its loopback and SVI) —
// each with everything below it. Nothing else is ever deleted.
type ownership struct {
	roots     map[string]bool // DN keys of desired owned-subtree roots
	vrfDoms   map[string]bool // DN keys of the design's non-default bgpDom objects
	templates map[string]bool // names of the design's peer templates
	// named are the names the design owns per class (templates, route-maps, prefix-lists),
	// desired or not: such an object on the switch is the design's with its subtree.
	named map[string]map[string]bool
	// vrfs are the names of the design's VRFs (desired l3Inst objects), vrfDNs the DN keys of
	// those l3Inst objects.
	vrfs   map[string]bool
	vrfDNs map[string]bool
	// claimed are DN keys of objects on the switch that scan found to be the design's, each
	// with its subtree.
	claimed map[string]bool
}

// namedClasses are the classes whose objects the design owns by name.
var namedClasses = []string{"bgpPeerCont", "rtmapRule", "rtpfxRuleV4", "rtpfxRuleV6"}

func newOwnership(desired *flatTree, names *design.OwnedNames) *ownership {
	o := &ownership{roots: map[string]bool{}, vrfDoms: map[string]bool{}, templates: map[string]bool{}, named: map[string]map[string]bool{}, vrfs: map[string]bool{}, vrfDNs: map[string]bool{}, claimed: map[string]bool{}}
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
			o.vrfDNs[k] = true
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
		if o.roots[k] || o.claimed[k] {
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

// pathElem is one level of a DN: its class and naming properties.
type pathElem struct {
	class  string
	naming map[string]string
}

// dnPath resolves every RN of d to its class and naming properties; it stops at the first RN
// the schema does not know.
func dnPath(d dme.DN) []pathElem {
	parent := ""
	var out []pathElem
	for _, rn := range d.RNs() {
		c, m, ok := dme.ChildClass(parent, rn)
		if !ok {
			break
		}
		out = append(out, pathElem{class: c.Name, naming: m})
		parent = c.Name
	}
	return out
}

// ancestor returns the naming properties of the nearest level of path of class, or nil.
func ancestor(path []pathElem, class string) map[string]string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i].class == class {
			return path[i].naming
		}
	}
	return nil
}

// scan claims, from the switch's state cur, what the design put on the leaf besides what its
// names and desired subtrees cover:
//
//   - the IPv4/IPv6 interface objects (ipv4If, ipv6If) of the design's loopback and SVI in the
//     design's VRF, whether or not the design still gives them addresses;
//   - the network statements (bgpAdvPrefix) in the design's VRF that announce an address the
//     design's loopback holds, or that name one of the design's route-maps;
//   - the route-target imports from EVPN (rtctrlRttEntry) in the design's VRF of a color one of
//     the design's route-maps sets, on the switch or in the desired configuration;
//   - when retiring (r set): the loopback the design's templates use as update-source (and any r
//     names), the SVI of the fabric's gateway VLAN, each only when it is a member of the design's
//     VRF and no object the design does not own uses it as update-source, with their ICMP and
//     anycast-gateway objects; and, with r.defaultRoute, the default-route network statements.
func (o *ownership) scan(desired, cur *flatTree, r *retirement) {
	loopbacks, svis := map[string]bool{}, map[string]bool{}
	for _, k := range desired.order {
		switch f := desired.objs[k]; f.class {
		case "l3LbRtdIf":
			loopbacks[f.attrs["id"]] = true
		case "sviIf":
			svis[f.attrs["id"]] = true
		}
	}
	if r != nil {
		o.retireInterfaces(cur, r, loopbacks, svis)
	}
	// Colors: the communities the design's route-maps set.
	colors := map[string]bool{}
	for _, t := range []*flatTree{cur, desired} {
		for _, k := range t.order {
			f := t.objs[k]
			if f.class != "rtextcomItem" {
				continue
			}
			if rm := ancestor(dnPath(f.dn), "rtmapRule"); rm != nil && o.named["rtmapRule"][rm["name"]] {
				colors[routeTargetKey(namingAttrs(f)["community"])] = true
			}
		}
	}
	lbAddrs := map[netip.Prefix]bool{}
	for _, k := range cur.order {
		f := cur.objs[k]
		switch f.class {
		case "ipv4If", "ipv6If":
			dom := ancestor(dnPath(f.dn), strings.TrimSuffix(f.class, "If")+"Dom")
			id := namingAttrs(f)["id"]
			if dom != nil && o.vrfs[dom["name"]] && (loopbacks[id] || svis[id]) {
				o.claimed[k] = true
			}
		case "ipv4Addr", "ipv6Addr":
			path := dnPath(f.dn)
			ifc := ancestor(path, strings.TrimSuffix(f.class, "Addr")+"If")
			dom := ancestor(path, strings.TrimSuffix(f.class, "Addr")+"Dom")
			if ifc != nil && dom != nil && o.vrfs[dom["name"]] && loopbacks[ifc["id"]] {
				if p, err := netip.ParsePrefix(namingAttrs(f)["addr"]); err == nil {
					lbAddrs[p.Masked()] = true
				}
			}
		}
	}
	for _, k := range cur.order {
		f := cur.objs[k]
		switch f.class {
		case "bgpAdvPrefix":
			dom := f.dn.Parent().Parent()
			if !o.vrfDoms[dom.Key()] {
				continue
			}
			p, err := netip.ParsePrefix(namingAttrs(f)["addr"])
			switch {
			case o.named["rtmapRule"][f.attrs["rtMap"]]:
				o.claimed[k] = true
			case err != nil:
			case lbAddrs[p.Masked()]:
				o.claimed[k] = true
			case r != nil && r.defaultRoute && p.Bits() == 0 && f.attrs["rtMap"] == "":
				o.claimed[k] = true
			}
		case "rtctrlRttEntry":
			path := dnPath(f.dn)
			inst, ctrl, pol := ancestor(path, "l3Inst"), ancestor(path, "rtctrlAfCtrl"), ancestor(path, "rtctrlRttP")
			if inst != nil && o.vrfs[inst["name"]] && ctrl != nil && ctrl["type"] == "l2vpn-evpn" && pol != nil && pol["type"] == "import" &&
				colors[routeTargetKey(namingAttrs(f)["rtt"])] {
				o.claimed[k] = true
			}
		}
	}
}

// retireInterfaces adds to loopbacks and svis the interfaces a retiring leaf gives up, and claims
// them with their ICMP and anycast-gateway objects.
func (o *ownership) retireInterfaces(cur *flatTree, r *retirement, loopbacks, svis map[string]bool) {
	lbs := map[string]bool{}
	for _, id := range r.loopbacks {
		lbs[id] = true
	}
	// The loopback the design's templates peer from.
	for _, k := range cur.order {
		if f := cur.objs[k]; f.class == "bgpPeerCont" && o.named["bgpPeerCont"][f.attrs["name"]] {
			if src := f.attrs["srcIf"]; src != "" && src != "unspecified" {
				lbs[normalizeIf(src)] = true
			}
		}
	}
	// Interfaces that something the design does not own peers from stay.
	for _, k := range cur.order {
		f := cur.objs[k]
		if (f.class == "bgpPeerCont" || f.class == "bgpPeer") && !o.owns(f, cur) {
			delete(lbs, normalizeIf(f.attrs["srcIf"]))
		}
	}
	inVRF := func(class, id string) (string, bool) {
		c, _ := dme.Lookup(class)
		rn, err := c.FormatRN(map[string]string{"id": id})
		if err != nil {
			return "", false
		}
		d := dme.MustParseDN("sys/intf").Child(rn)
		if d.IsZero() || cur.objs[d.Key()] == nil {
			return "", false
		}
		m := cur.objs[d.Child("rtvrfMbr").Key()]
		if m == nil {
			return "", false
		}
		t, err := dme.ParseDN(m.attrs["tDn"])
		return d.Key(), err == nil && o.vrfDNs[t.Key()]
	}
	for id := range lbs {
		if k, ok := inVRF("l3LbRtdIf", id); ok {
			o.claimed[k] = true
			loopbacks[id] = true
		}
	}
	if r.svi != "" {
		if k, ok := inVRF("sviIf", r.svi); ok {
			o.claimed[k] = true
			svis[r.svi] = true
		}
	}
	for _, k := range cur.order {
		f := cur.objs[k]
		switch f.class {
		case "icmpv4If", "icmpv6If", "hmmFwdIf":
			if !svis[namingAttrs(f)["id"]] {
				continue
			}
			if f.class == "icmpv4If" {
				if dom := ancestor(dnPath(f.dn), "icmpv4Dom"); dom == nil || !o.vrfs[dom["name"]] {
					continue
				}
			}
			o.claimed[k] = true
		}
	}
}

// normalizeIf returns an interface id in the DME's short form ("lo1002", "vlan3001"), lower-case.
func normalizeIf(id string) string {
	id = strings.ToLower(strings.TrimSpace(id))
	for long, short := range map[string]string{"loopback": "lo", "vlan": "vlan"} {
		if rest, ok := strings.CutPrefix(id, long); ok {
			return short + strings.TrimSpace(rest)
		}
	}
	return id
}

// routeTargetKey returns a route target in one spelling, for comparing the DME and CLI forms.
func routeTargetKey(s string) string {
	if rt, err := design.ParseRouteTarget(s); err == nil {
		return rt.String()
	}
	return s
}
