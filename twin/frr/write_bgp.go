package frr

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// NX-OS defaults the configuration states explicitly where FRR's differ.
const (
	nxosRestartTime   = "120"
	nxosStalePathTime = "300"
	nxosKeepalive     = "60"
	nxosHoldTime      = "180"
	// frrMaxPaths is the largest maximum-paths of the Debian FRR build (--enable-multipath=256).
	frrMaxPaths = 256
)

// autoRT is the route target of the fabric VRF's "route-target both auto evpn": <AS>:<VNI>, the
// AS replaced by 23456 when it needs four bytes (as NX-OS does). The tree carries the VNI only
// when the l3Inst has an encap "vxlan-<VNI>"; otherwise the twin uses 1, the same on every leaf.
func (t *translator) autoRT() string {
	as := strconv.FormatUint(uint64(t.asn), 10)
	if t.asn > 65535 {
		as = "23456"
	}
	return as + ":" + cmp.Or(t.vni, "1")
}

func union(a []string, more ...string) []string {
	out := slices.Clone(a)
	for _, m := range more {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// fabric reports whether the configuration has fabric sessions.
func (t *translator) fabric() bool { return t.inst != nil && len(t.opts.FabricPeers) > 0 }

// writeFabricPolicies renders, per family, the extcommunity-list of the VRF's import route
// targets and the fabric's inbound and outbound route-maps.
func (t *translator) writeFabricPolicies(w *writer) {
	if !t.fabric() {
		return
	}
	auto := t.autoRT()
	for _, f := range addressing.Families {
		sfx := famSuffix(f)
		imports := union(t.importRTs[fi(f)], auto)
		exports := union(t.exportRTs[fi(f)], auto)
		for i, rt := range imports {
			w.line(0, "bgp extcommunity-list standard", fabricImport+sfx, "seq", strconv.Itoa(5*(i+1)), "permit rt", rt)
		}
		w.line(0, "!")
		writeEntry(w, fabricInPrefix+sfx, rmEntry{seq: 10, action: "permit", matches: []string{"match extcommunity " + fabricImport + sfx}}, nil)
		w.line(0, "!")
		out := fabricOutPrefix + sfx
		name := t.exportMap[fi(f)]
		rule := t.rmaps[name]
		switch {
		case name == "":
			writeEntry(w, out, rmEntry{seq: 10, action: "permit"}, []string{"set extcommunity rt " + strings.Join(exports, " ")})
		case rule == nil:
			t.unmap("vrf context %s %s export map %s is not defined: nothing is exported to the fabric.", t.vrf, afName(f), name)
			writeEntry(w, out, rmEntry{seq: 10, action: "deny"}, nil)
		default:
			for _, e := range t.routeMapEntries(rule) {
				rts := exports
				switch {
				case len(e.rts) > 0 && e.additive:
					rts = union(exports, e.rts...)
				case len(e.rts) > 0:
					rts = e.rts
				}
				var sets []string
				if e.action == "permit" {
					sets = []string{"set extcommunity rt " + strings.Join(rts, " ")}
				}
				writeEntry(w, out, e, sets)
			}
		}
		w.line(0, "!")
	}
}

// famOfAF returns the families of the bgpPeerAf children of a template or neighbor.
func famOfAF(o *dme.Object) []addressing.Family {
	var fs []addressing.Family
	for _, af := range children(o, "bgpPeerAf") {
		if f, ok := dmeFamily(af.Get("type")); ok && !slices.Contains(fs, f) {
			fs = append(fs, f)
		}
	}
	return fs
}

// peerLine is one neighbor line at router level or in an address family.
type afLines [2][]string

// writeBGP renders router bgp: global settings, peer-groups, neighbors, fabric, then one block
// per address family.
func (t *translator) writeBGP(w *writer) {
	if t.inst == nil {
		return
	}
	asn := strconv.FormatUint(uint64(t.asn), 10)
	w.line(0, "router bgp", asn)
	if t.routerID != "" {
		w.line(1, "bgp router-id", t.routerID)
	}
	w.line(1, "no bgp ebgp-requires-policy")
	w.line(1, "no bgp network import-check")
	w.line(1, "no bgp default ipv4-unicast")
	if t.inst.Get("adminSt") == "disabled" {
		w.line(1, "bgp shutdown")
	}
	gr := child(t.dom, "bgpGr")
	w.line(1, "bgp graceful-restart")
	w.line(1, "bgp graceful-restart restart-time", cmp.Or(gr.Get("restartIntvl"), nxosRestartTime))
	w.line(1, "bgp graceful-restart stalepath-time", cmp.Or(gr.Get("staleIntvl"), nxosStalePathTime))
	if gr != nil && gr.Get("ctrl") != "" {
		t.unmap("graceful-restart control %q: FRR runs graceful restart as restarting and helper speaker.", gr.Get("ctrl"))
	}
	var af afLines
	used := map[addressing.Family]bool{}
	for _, name := range sortedKeys(t.templates) {
		t.writeTemplate(w, &af, used, t.templates[name])
	}
	t.writeNeighbors(w, &af, used)
	if t.fabric() {
		w.line(1, "neighbor", fabricGroup, "peer-group")
		w.line(1, "neighbor", fabricGroup, "remote-as internal")
		w.line(1, "neighbor", fabricGroup, "description twin fabric: iBGP in the leaf's AS standing in for EVPN")
		w.line(1, "neighbor", fabricGroup, "update-source", t.opts.FabricLocal.Unmap().String())
		// The EVPN fabric's underlay (BFD, link state) withdraws a failed leaf within seconds;
		// fast timers give the fabric sessions a comparable reaction.
		w.line(1, "neighbor", fabricGroup, "timers 1 3")
		peers := slices.Clone(t.opts.FabricPeers)
		slices.SortFunc(peers, func(a, b netip.Addr) int { return a.Unmap().Compare(b.Unmap()) })
		for _, p := range peers {
			w.line(1, "neighbor", p.Unmap().String(), "peer-group", fabricGroup)
		}
		for _, f := range addressing.Families {
			used[f] = true
			af[fi(f)] = append(af[fi(f)],
				"neighbor "+fabricGroup+" activate",
				"neighbor "+fabricGroup+" next-hop-self",
				// The VRF's import list applies to what the fabric already sent the moment it
				// changes (a leaf coming into service), without a round trip to its peers.
				"neighbor "+fabricGroup+" soft-reconfiguration inbound",
				"neighbor "+fabricGroup+" route-map "+fabricInPrefix+famSuffix(f)+" in",
				"neighbor "+fabricGroup+" route-map "+fabricOutPrefix+famSuffix(f)+" out")
		}
	}
	domAF := map[addressing.Family]*dme.Object{}
	for _, d := range children(t.dom, "bgpDomAf") {
		if f, ok := dmeFamily(d.Get("type")); ok {
			domAF[f] = d
			used[f] = true
		} else {
			t.unmap("router bgp vrf %s address-family %s: not translated.", t.vrf, d.Get("type"))
		}
	}
	t.unmapDom()
	for _, f := range addressing.Families {
		if !used[f] {
			continue
		}
		w.line(1, "!")
		w.line(1, "address-family", afName(f))
		d := domAF[f]
		t.writeNetworks(w, f, d)
		for _, l := range af[fi(f)] {
			w.line(2, l)
		}
		w.line(2, "maximum-paths", t.maxPaths(d, "maxEcmp"))
		w.line(2, "maximum-paths ibgp", t.maxPaths(d, "maxExtIntEcmp"))
		w.line(1, "exit-address-family")
	}
	w.line(0, "exit")
	w.line(0, "!")
}

// maxPaths returns maximum-paths from a bgpDomAf attribute: NX-OS's default 1 when unset (FRR's
// own default is the build's maximum), capped at FRR's maximum.
func (t *translator) maxPaths(d *dme.Object, attr string) string {
	v := cmp.Or(d.Get(attr), "1")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.fail("bgpDomAf %s %s: %q is not a path count", d.Get("type"), attr, v)
		return "1"
	}
	if n > frrMaxPaths {
		t.unmap("maximum-paths %d (%s): FRR allows at most %d; the twin uses %d.", n, attr, frrMaxPaths, frrMaxPaths)
		n = frrMaxPaths
	}
	return strconv.Itoa(n)
}

// writeNetworks renders the network statements (bgpAdvPrefix) and redistribution (bgpInterLeakP)
// of one address family, sorted by prefix.
func (t *translator) writeNetworks(w *writer, f addressing.Family, d *dme.Object) {
	type net struct {
		p  netip.Prefix
		rm string
	}
	var nets []net
	for _, c := range children(d, "bgpAdvPrefix") {
		p, err := netip.ParsePrefix(c.Get("addr"))
		if err != nil || addressing.PrefixFamily(p) != f {
			t.fail("vrf %s %s network %q: not an %s prefix", t.vrf, afName(f), c.Get("addr"), f)
			continue
		}
		if c.Get("evpn") == "enabled" {
			t.unmap("network %s evpn: no EVPN in the twin; the network is originated without it.", p)
		}
		nets = append(nets, net{p.Masked(), c.Get("rtMap")})
	}
	slices.SortFunc(nets, func(a, b net) int { return comparePrefix(a.p, b.p) })
	for _, n := range nets {
		if n.rm != "" {
			w.line(2, "network", n.p.String(), "route-map", n.rm)
		} else {
			w.line(2, "network", n.p.String())
		}
	}
	for _, c := range children(d, "bgpInterLeakP") {
		proto := map[string]string{"direct": "connected", "static": "static"}[c.Get("proto")]
		if proto == "" {
			t.unmap("redistribute %s: the twin runs no %s; left out.", c.Get("proto"), c.Get("proto"))
			continue
		}
		if rm := c.Get("rtMap"); rm != "" {
			w.line(2, "redistribute", proto, "route-map", rm)
		} else {
			w.line(2, "redistribute", proto)
		}
	}
	for _, c := range childrenExcept(d, "bgpAdvPrefix", "bgpInterLeakP") {
		t.unmap("router bgp vrf %s %s: %s has no translation in the twin.", t.vrf, afName(f), c.Class)
	}
}

// unmapDom lists the tenant domain's children the translation does not use.
func (t *translator) unmapDom() {
	for _, c := range childrenExcept(t.dom, "bgpPeer", "bgpDomAf", "bgpGr", "bgpPeerCont") {
		if c.Class == "bgpRtCtrl" && !nonDefault(c, nil) {
			continue
		}
		t.unmap("router bgp vrf %s: %s has no translation in the twin.", t.vrf, c.Class)
	}
}

// nonDefault reports whether o has an attribute, other than the known ones, whose value is set
// and differs from the schema default.
func nonDefault(o *dme.Object, known []string) bool { return len(extraAttrs(o, known)) > 0 }

// extraAttrs returns "name=value" of o's attributes outside known with non-default values.
func extraAttrs(o *dme.Object, known []string) []string {
	c, _ := dme.Lookup(o.Class)
	var out []string
	for _, k := range sortedKeys(o.Attrs) {
		v := o.Attrs[k]
		if v == "" || slices.Contains(known, k) || k == "dn" || k == "rn" || k == "status" {
			continue
		}
		if c != nil {
			if a, ok := c.Attr(k); ok && a.Default == v {
				continue
			}
		}
		out = append(out, k+"="+v)
	}
	return out
}

// childrenExcept returns the children of o whose class is none of classes.
func childrenExcept(o *dme.Object, classes ...string) []*dme.Object {
	if o == nil {
		return nil
	}
	var out []*dme.Object
	for _, c := range o.Children {
		if !slices.Contains(classes, c.Class) {
			out = append(out, c)
		}
	}
	return out
}
