package frr

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Names the translation adds for the twin's fabric; a tree that uses one of them is refused.
const (
	fabricGroup     = "TWIN-FABRIC"
	fabricInPrefix  = "TWIN-FABRIC-IN-"
	fabricOutPrefix = "TWIN-FABRIC-OUT-"
	fabricImport    = "TWIN-FABRIC-IMPORT-"
)

// afName is the FRR address-family of a family.
func afName(f addressing.Family) string {
	if f == addressing.IPv6 {
		return "ipv6 unicast"
	}
	return "ipv4 unicast"
}

// famSuffix is the suffix of the per-family fabric names ("V4", "V6").
func famSuffix(f addressing.Family) string {
	if f == addressing.IPv6 {
		return "V6"
	}
	return "V4"
}

// dmeFamily maps a DME address-family type to a family; ok is false for any other type.
func dmeFamily(t string) (addressing.Family, bool) {
	switch t {
	case "ipv4-ucast":
		return addressing.IPv4, true
	case "ipv6-ucast":
		return addressing.IPv6, true
	}
	return 0, false
}

// translator holds the state of one Translate call.
type translator struct {
	opts     Options
	errs     []error
	unmapped []string
	secrets  []string

	hostname string
	asn      uint32
	routerID string
	vrf      string
	vni      string
	def, dom *dme.Object // default and tenant bgpDom
	inst     *dme.Object

	templates map[string]*dme.Object // bgpPeerCont by name
	plists    [2]map[string]*dme.Object
	rmaps     map[string]*dme.Object
	ifAddrs   map[string][2][]netip.Prefix // VRF interface id -> IPv4, IPv6 addresses
	importRTs [2][]string
	exportRTs [2][]string
	exportMap [2]string
	usedPL    [2]map[string]bool // prefix-lists matched by route-maps
}

func fi(f addressing.Family) int {
	if f == addressing.IPv6 {
		return 1
	}
	return 0
}

func (t *translator) fail(format string, args ...any) {
	t.errs = append(t.errs, fmt.Errorf("frr: "+format, args...))
}

func (t *translator) unmap(format string, args ...any) {
	t.unmapped = append(t.unmapped, fmt.Sprintf(format, args...))
}

// Translate turns one leaf's DME tree (rooted at topSystem, as nxos.Render builds it and as
// nxostest.Server.Dump returns it) into FRR configuration with NX-OS semantics; the package doc
// holds the mapping table. It reads the tree only. A tree without a BGP instance gives a
// configuration without "router bgp" (a leaf before its first POST). Every item with no FRR
// equivalent is listed by Config.Unmapped; what FRR cannot express correctly is an error naming
// the object and the value.
func Translate(tree *dme.Object, opts Options) (*Config, error) {
	if tree == nil {
		return nil, errors.New("frr: Translate: nil tree")
	}
	if tree.Class != "topSystem" {
		return nil, fmt.Errorf("frr: Translate: tree root is %s, want topSystem", tree.Class)
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	t := &translator{
		opts:      opts,
		templates: map[string]*dme.Object{},
		rmaps:     map[string]*dme.Object{},
		ifAddrs:   map[string][2][]netip.Prefix{},
		plists:    [2]map[string]*dme.Object{{}, {}},
		usedPL:    [2]map[string]bool{{}, {}},
	}
	t.hostname = cmp.Or(opts.Hostname, tree.Get("name"), "leaf")
	if strings.ContainsAny(t.hostname, " \t\n!#") {
		return nil, fmt.Errorf("frr: Translate: hostname %q contains a blank or comment character", t.hostname)
	}
	t.collect(tree)
	if len(t.errs) > 0 {
		return nil, errors.Join(t.errs...)
	}
	var w writer
	t.write(&w)
	if len(t.errs) > 0 {
		return nil, errors.Join(t.errs...)
	}
	slices.Sort(t.unmapped)
	t.unmapped = slices.Compact(t.unmapped)
	c := &Config{
		text:     w.String(),
		secrets:  t.secrets,
		unmapped: t.unmapped,
		asn:      t.asn,
		vrf:      t.vrf,
		hostname: t.hostname,
	}
	for _, id := range sortedKeys(t.ifAddrs) {
		if strings.HasPrefix(id, "lo") {
			a := t.ifAddrs[id]
			c.loopbacks = append(c.loopbacks, a[0]...)
			c.loopbacks = append(c.loopbacks, a[1]...)
		}
	}
	slices.SortFunc(c.loopbacks, comparePrefix)
	return c, nil
}

func comparePrefix(a, b netip.Prefix) int {
	return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// child returns the first child of o of class (and, when kv is given, with that attribute value).
func child(o *dme.Object, class string, kv ...string) *dme.Object {
	if o == nil {
		return nil
	}
	for _, c := range o.Children {
		if c.Class == class && (len(kv) < 2 || c.Get(kv[0]) == kv[1]) {
			return c
		}
	}
	return nil
}

// children returns the children of o of class.
func children(o *dme.Object, class string) []*dme.Object {
	if o == nil {
		return nil
	}
	var out []*dme.Object
	for _, c := range o.Children {
		if c.Class == class {
			out = append(out, c)
		}
	}
	return out
}

// collect reads the tree into t: the BGP instance and VRF first (the other parts need the VRF's
// name), then the policies, the VRF's route targets and interface addresses, and the parts with
// no FRR equivalent.
func (t *translator) collect(tree *dme.Object) {
	t.collectBGP(child(tree, "bgpEntity"))
	for _, c := range tree.Children {
		switch c.Class {
		case "bgpEntity":
		case "rpmEntity":
			t.collectPolicies(c)
		case "l3Inst":
			t.collectVRF(c)
		case "ipv4Entity", "ipv6Entity":
			t.collectAddresses(c)
		case "interfaceEntity":
			for _, i := range c.Children {
				switch i.Class {
				case "sviIf":
					t.unmap("interface %s (SVI): FRR configures no interface; the lab builds the anycast-gateway subnet and its addresses.", cliIf(i.Get("id")))
				case "l3LbRtdIf":
					t.unmap("interface %s: the lab puts its addresses on lo; the configuration originates them only through the network statements.", cliIf(i.Get("id")))
				default:
					t.unmap("%s %s: no FRR equivalent in the twin.", i.Class, i.Get("id"))
				}
			}
		case "icmpv4Entity", "icmpv6Entity":
			if hasDescendant(c, "icmpv4If") || hasDescendant(c, "icmpv6If") {
				t.unmap("ICMP redirect settings (%s): the lab's kernel settings decide redirects, not FRR.", c.Class)
			}
		case "hmmEntity":
			if hasDescendant(c, "hmmFwdIf") {
				t.unmap("fabric forwarding mode anycast-gateway: the lab gives both leaves of a pair the gateway address and MAC.")
			}
		case "nvoEps":
			if len(c.Children) > 0 {
				t.unmap("interface nve1 (VXLAN, host-reachability protocol bgp, advertise virtual-rmac): no VXLAN in the twin; the fabric iBGP sessions carry the tenant routes.")
			}
		case "fmEntity":
			if len(c.Children) > 0 {
				t.unmap("features (feature bgp, interface-vlan, nv overlay, …): FRR has no feature switches; the twin always runs zebra and bgpd.")
			}
		default:
			if len(c.Children) > 0 {
				t.unmap("%s: no FRR equivalent in the twin.", c.Class)
			}
		}
	}
}

func hasDescendant(o *dme.Object, class string) bool {
	for _, c := range o.Children {
		if c.Class == class || hasDescendant(c, class) {
			return true
		}
	}
	return false
}

// cliIf turns a DME interface id into its NX-OS CLI name: lo1002 -> loopback1002, vlan3001 ->
// Vlan3001.
func cliIf(id string) string {
	switch {
	case strings.HasPrefix(id, "lo"):
		return "loopback" + strings.TrimPrefix(id, "lo")
	case strings.HasPrefix(id, "vlan"):
		return "Vlan" + strings.TrimPrefix(id, "vlan")
	}
	return id
}

// collectBGP reads bgpInst: the AS, the default domain (router-id, templates) and the tenant VRF
// domain.
func (t *translator) collectBGP(ent *dme.Object) {
	inst := child(ent, "bgpInst")
	if inst == nil {
		return
	}
	t.inst = inst
	asn, err := parseASN(inst.Get("asn"))
	if err != nil {
		t.fail("bgpInst asn: %v", err)
		return
	}
	t.asn = asn
	var tenants []*dme.Object
	for _, d := range children(inst, "bgpDom") {
		if d.Get("name") == "default" {
			t.def = d
		} else {
			tenants = append(tenants, d)
		}
		for _, pc := range children(d, "bgpPeerCont") {
			t.templates[pc.Get("name")] = pc
		}
	}
	slices.SortFunc(tenants, func(a, b *dme.Object) int { return strings.Compare(a.Get("name"), b.Get("name")) })
	if len(tenants) > 0 {
		t.dom = tenants[0]
		t.vrf = t.dom.Get("name")
		for _, d := range tenants[1:] {
			t.unmap("router bgp vrf %s: the twin models one tenant VRF per leaf (%s); this VRF is left out.", d.Get("name"), t.vrf)
		}
	}
	if t.def != nil && len(children(t.def, "bgpPeer")) > 0 {
		t.unmap("neighbors in the default VRF: the twin models only the tenant VRF %s; they are left out.", cmp.Or(t.vrf, "(none)"))
	}
	if t.def != nil {
		for _, af := range children(t.def, "bgpDomAf") {
			if af.Get("type") == "l2vpn-evpn" {
				t.unmap("address-family l2vpn evpn (advertise-pip): no EVPN in the twin; the fabric iBGP sessions carry the tenant routes as IPv4/IPv6 unicast.")
			}
		}
	}
	t.routerID = cmp.Or(t.dom.Get("rtrId"), t.def.Get("rtrId"))
	if t.routerID != "" {
		if a, err := netip.ParseAddr(t.routerID); err != nil || !a.Is4() {
			t.fail("bgpDom rtrId: %q is not an IPv4 address", t.routerID)
		}
	}
}

// parseASN reads an AS in asplain or asdot form.
func parseASN(s string) (uint32, error) {
	if hi, lo, ok := strings.Cut(s, "."); ok {
		h, err1 := strconv.ParseUint(hi, 10, 16)
		l, err2 := strconv.ParseUint(lo, 10, 16)
		if err1 != nil || err2 != nil || h == 0 && l == 0 {
			return 0, fmt.Errorf("%q is not an AS number", s)
		}
		return uint32(h<<16 | l), nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%q is not an AS number", s)
	}
	return uint32(n), nil
}

// collectPolicies reads rpmEntity: prefix-lists and route-maps.
func (t *translator) collectPolicies(rpm *dme.Object) {
	for _, c := range rpm.Children {
		switch c.Class {
		case "rtpfxRuleV4":
			t.plists[0][c.Get("name")] = c
		case "rtpfxRuleV6":
			t.plists[1][c.Get("name")] = c
		case "rtmapRule":
			t.rmaps[c.Get("name")] = c
		default:
			t.unmap("%s %s: this policy kind has no translation in the twin.", c.Class, c.Get("name"))
		}
	}
}

// collectVRF reads the tenant VRF's route targets: "route-target import|export <rt> evpn" and
// "export map <route-map>" per family. It runs after collectBGP, so t.vrf is known.
func (t *translator) collectVRF(inst *dme.Object) {
	name := inst.Get("name")
	if name != t.vrf || name == "" {
		if len(inst.Children) > 0 && name != "default" && name != "management" {
			t.unmap("vrf context %s: not the VRF of the leaf's BGP neighbors; left out.", name)
		}
		return
	}
	if enc := inst.Get("encap"); strings.HasPrefix(enc, "vxlan-") {
		t.vni = strings.TrimPrefix(enc, "vxlan-")
	}
	for _, dom := range children(inst, "rtctrlDom") {
		for _, daf := range children(dom, "rtctrlDomAf") {
			f, ok := dmeFamily(daf.Get("type"))
			if !ok {
				t.unmap("vrf context %s address-family %s: not translated.", name, daf.Get("type"))
				continue
			}
			for _, ctrl := range children(daf, "rtctrlAfCtrl") {
				evpn := ctrl.Get("type") == "l2vpn-evpn"
				for _, p := range children(ctrl, "rtctrlRttP") {
					dir := p.Get("type")
					for _, e := range children(p, "rtctrlRttEntry") {
						rt, err := parseRT(e.Get("rtt"))
						if err != nil {
							t.fail("vrf %s %s route-target %s: %v", name, afName(f), dir, err)
							continue
						}
						if !evpn {
							t.unmap("vrf context %s %s route-target %s %s (%s, not evpn): only EVPN route targets steer the twin's fabric; left out.", name, afName(f), dir, rt, ctrl.Get("type"))
							continue
						}
						if dir == "import" {
							t.importRTs[fi(f)] = append(t.importRTs[fi(f)], rt)
						} else {
							t.exportRTs[fi(f)] = append(t.exportRTs[fi(f)], rt)
						}
					}
					if m := child(p, "rtctrlMapP"); m != nil && m.Get("rtMap") != "" {
						if dir == "export" {
							t.exportMap[fi(f)] = m.Get("rtMap")
						} else {
							t.unmap("vrf context %s %s import map %s: the twin's fabric import filters by route target only; the map is left out.", name, afName(f), m.Get("rtMap"))
						}
					}
				}
			}
		}
	}
}

// parseRT turns a DME route target ("route-target:as2-nn2:2101:2102") into FRR's "2101:2102".
func parseRT(s string) (string, error) {
	rest, ok := strings.CutPrefix(s, "route-target:")
	if !ok {
		return "", fmt.Errorf("%q is not a DME route target (route-target:<kind>:<value>)", s)
	}
	kind, v, ok := strings.Cut(rest, ":")
	switch {
	case !ok:
		return "", fmt.Errorf("%q has no value", s)
	case kind == "as2-nn2" || kind == "as2-nn4" || kind == "as4-nn2":
		a, n, ok := strings.Cut(v, ":")
		if _, err := strconv.ParseUint(a, 10, 32); !ok || err != nil {
			return "", fmt.Errorf("%q: bad AS part", s)
		}
		if _, err := strconv.ParseUint(n, 10, 32); err != nil {
			return "", fmt.Errorf("%q: bad number part", s)
		}
		return v, nil
	case kind == "ipv4-nn2":
		a, n, ok := strings.Cut(v, ":")
		ip, err := netip.ParseAddr(a)
		if !ok || err != nil || !ip.Is4() {
			return "", fmt.Errorf("%q: bad IPv4 part", s)
		}
		if _, err := strconv.ParseUint(n, 10, 16); err != nil {
			return "", fmt.Errorf("%q: bad number part", s)
		}
		return v, nil
	}
	return "", fmt.Errorf("%q: route-target kind %q is not as2-nn2, as2-nn4, as4-nn2 or ipv4-nn2", s, kind)
}

// collectAddresses reads the tenant VRF's interface addresses (ipv4Dom/ipv6Dom named after it).
func (t *translator) collectAddresses(ent *dme.Object) {
	v6 := ent.Class == "ipv6Entity"
	domClass, ifClass, addrClass := "ipv4Dom", "ipv4If", "ipv4Addr"
	if v6 {
		domClass, ifClass, addrClass = "ipv6Dom", "ipv6If", "ipv6Addr"
	}
	for _, inst := range ent.Children {
		for _, dom := range children(inst, domClass) {
			if dom.Get("name") != t.vrf || t.vrf == "" {
				continue
			}
			for _, ifc := range children(dom, ifClass) {
				id := ifc.Get("id")
				for _, a := range children(ifc, addrClass) {
					p, err := netip.ParsePrefix(a.Get("addr"))
					if err != nil {
						t.fail("%s %s of %s: %q is not an address/length", addrClass, a.Get("addr"), id, a.Get("addr"))
						continue
					}
					cur := t.ifAddrs[id]
					cur[btoi(v6)] = append(cur[btoi(v6)], p)
					t.ifAddrs[id] = cur
					if tag := a.Get("tag"); tag != "" && tag != "0" {
						t.unmap("route tag %s on %s %s: tags on connected addresses have no effect in the twin (nothing redistributes by tag).", tag, cliIf(id), p)
					}
				}
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
