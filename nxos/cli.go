package nxos

import (
	"strings"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// CLI returns the configuration as NX-OS running-config text: features, prefix-lists,
// route-maps, vrf context, interface Vlan, nve1 and loopback, router bgp — in the order and with
// the indentation "show running-config" uses, so an engineer can review or paste it. It is a view
// of the two DME trees (what is posted is what is shown) and deterministic. Only the password's
// type-7 form appears.
func (c *LeafConfig) CLI() string {
	w := &cliWriter{}
	w.b.Grow(4096)
	if c.Features != nil {
		writeFeatures(w, c.Features)
	}
	if c.Config != nil {
		writeConfig(w, c.Config)
	}
	return w.b.String()
}

// cliWriter accumulates indented lines, with one blank line between top-level blocks.
type cliWriter struct {
	b       strings.Builder
	started bool
}

// block starts a top-level block.
func (w *cliWriter) block() {
	if w.started {
		w.b.WriteByte('\n')
	}
	w.started = true
}

// line writes one line at indentation level depth (two spaces each) from its parts.
func (w *cliWriter) line(depth int, parts ...string) {
	for range depth {
		w.b.WriteString("  ")
	}
	for i, p := range parts {
		if i > 0 {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(p)
	}
	w.b.WriteByte('\n')
}

// kids returns the children of o of class.
func kids(o *dme.Object, class string) []*dme.Object {
	if o == nil {
		return nil
	}
	var out []*dme.Object
	for _, ch := range o.Children {
		if ch.Class == class {
			out = append(out, ch)
		}
	}
	return out
}

// kid returns the first child of o of class, or nil.
func kid(o *dme.Object, class string) *dme.Object {
	if o == nil {
		return nil
	}
	for _, ch := range o.Children {
		if ch.Class == class {
			return ch
		}
	}
	return nil
}

// kidWith returns the first child of o of class whose attr is value, or nil.
func kidWith(o *dme.Object, class, attr, value string) *dme.Object {
	if o == nil {
		return nil
	}
	for _, ch := range o.Children {
		if ch.Class == class && ch.Get(attr) == value {
			return ch
		}
	}
	return nil
}

// featureLines are the feature classes in the order NX-OS prints them.
var featureLines = []struct{ class, cli string }{
	{"fmEvpn", "nv overlay evpn"},
	{"fmBgp", "feature bgp"},
	{"fmHmm", "feature fabric forwarding"},
	{"fmInterfaceVlan", "feature interface-vlan"},
	{"fmVnSegment", "feature vn-segment-vlan-based"},
	{"fmNvo", "feature nv overlay"},
}

func writeFeatures(w *cliWriter, sys *dme.Object) {
	fm := kid(sys, "fmEntity")
	first := true
	for _, f := range featureLines {
		o := kid(fm, f.class)
		if o == nil || o.Get("adminSt") != "enabled" {
			continue
		}
		if first {
			w.block()
			first = false
		}
		w.line(0, f.cli)
	}
}

func writeConfig(w *cliWriter, sys *dme.Object) {
	writePrefixLists(w, kid(sys, "rpmEntity"))
	writeRouteMaps(w, kid(sys, "rpmEntity"))
	for _, inst := range kids(sys, "l3Inst") {
		writeVRF(w, inst)
	}
	ifs := indexInterfaces(sys)
	for _, svi := range kids(kid(sys, "interfaceEntity"), "sviIf") {
		writeInterface(w, "interface Vlan"+strings.TrimPrefix(svi.Get("id"), "vlan"), svi, ifs[svi.Get("id")], true)
	}
	for _, ep := range kids(kid(sys, "nvoEps"), "nvoEp") {
		writeNVE(w, ep)
	}
	for _, lb := range kids(kid(sys, "interfaceEntity"), "l3LbRtdIf") {
		writeInterface(w, "interface loopback"+strings.TrimPrefix(lb.Get("id"), "lo"), lb, ifs[lb.Get("id")], false)
	}
	writeBGP(w, kid(sys, "bgpEntity"))
}

func writePrefixLists(w *cliWriter, rpm *dme.Object) {
	if kid(rpm, "rtpfxRuleV4") != nil || kid(rpm, "rtpfxRuleV6") != nil {
		w.block()
	}
	for _, fam := range []struct{ class, cli string }{{"rtpfxRuleV4", "ip"}, {"rtpfxRuleV6", "ipv6"}} {
		for _, rule := range kids(rpm, fam.class) {
			for _, e := range kids(rule, "rtpfxEntry") {
				parts := []string{fam.cli, "prefix-list", rule.Get("name"), "seq", e.Get("order"), orDefault(e.Get("action"), "permit"), e.Get("pfx")}
				if e.Get("criteria") == "inexact" {
					if v := e.Get("fromPfxLen"); v != "" && v != "0" {
						parts = append(parts, "ge", v)
					}
					if v := e.Get("toPfxLen"); v != "" && v != "0" {
						parts = append(parts, "le", v)
					}
				}
				w.line(0, parts...)
			}
		}
	}
}

func writeRouteMaps(w *cliWriter, rpm *dme.Object) {
	for _, rule := range kids(rpm, "rtmapRule") {
		w.block()
		for _, e := range kids(rule, "rtmapEntry") {
			w.line(0, "route-map", rule.Get("name"), orDefault(e.Get("action"), "permit"), e.Get("order"))
			for _, m := range kids(kid(e, "rtmapMatchRtDst"), "rtmapRsRtDstAtt") {
				w.line(1, "match ip address prefix-list", lastName(m.Get("tDn")))
			}
			for _, m := range kids(kid(e, "rtmapMatchRtDstV6"), "rtmapRsRtDstV6Att") {
				w.line(1, "match ipv6 address prefix-list", lastName(m.Get("tDn")))
			}
			if set := kid(e, "rtmapSetRttComm"); set != nil {
				parts := []string{"set extcommunity rt"}
				for _, it := range kids(set, "rtextcomItem") {
					parts = append(parts, routeTargetCLI(it.Get("community")))
				}
				if set.Get("additive") == "enabled" {
					parts = append(parts, "additive")
				}
				w.line(1, parts...)
			}
		}
	}
}

// afNames maps DME address-family types to their CLI words, in the order NX-OS prints them.
var afNames = []struct{ typ, cli string }{
	{"ipv4-ucast", "ipv4 unicast"},
	{"ipv6-ucast", "ipv6 unicast"},
	{"l2vpn-evpn", "l2vpn evpn"},
}

func writeVRF(w *cliWriter, inst *dme.Object) {
	w.block()
	w.line(0, "vrf context", inst.Get("name"))
	dom := kidWith(inst, "rtctrlDom", "name", inst.Get("name"))
	for _, af := range afNames {
		domAf := kidWith(dom, "rtctrlDomAf", "type", af.typ)
		if domAf == nil {
			continue
		}
		w.line(1, "address-family", af.cli)
		// route-target lines first (plain, then evpn), then import/export maps.
		for _, ctrl := range []string{af.typ, "l2vpn-evpn"} {
			suffix := []string{}
			if ctrl == "l2vpn-evpn" {
				suffix = []string{"evpn"}
			}
			for _, dir := range []string{"import", "export"} {
				p := kidWith(kidWith(domAf, "rtctrlAfCtrl", "type", ctrl), "rtctrlRttP", "type", dir)
				for _, e := range kids(p, "rtctrlRttEntry") {
					w.line(2, append([]string{"route-target", dir, routeTargetCLI(e.Get("rtt"))}, suffix...)...)
				}
			}
		}
		for _, ctrl := range []string{af.typ, "l2vpn-evpn"} {
			suffix := []string{}
			if ctrl == "l2vpn-evpn" {
				suffix = []string{"evpn"}
			}
			for _, dir := range []string{"import", "export"} {
				p := kidWith(kidWith(domAf, "rtctrlAfCtrl", "type", ctrl), "rtctrlRttP", "type", dir)
				if m := kid(p, "rtctrlMapP"); m != nil && m.Get("rtMap") != "" {
					w.line(2, append([]string{dir, "map", m.Get("rtMap")}, suffix...)...)
				}
			}
		}
	}
}

// ifConfig is what other subtrees say about one interface.
type ifConfig struct {
	v4, v6         []*dme.Object // ipv4Addr / ipv6Addr
	icmpv4, icmpv6 *dme.Object
	anycastGW      bool
}

// indexInterfaces collects the per-interface objects of the ipv4, ipv6, icmp and hmm subtrees.
func indexInterfaces(sys *dme.Object) map[string]*ifConfig {
	idx := map[string]*ifConfig{}
	get := func(id string) *ifConfig {
		c := idx[id]
		if c == nil {
			c = &ifConfig{}
			idx[id] = c
		}
		return c
	}
	for _, dom := range kids(kid(kid(sys, "ipv4Entity"), "ipv4Inst"), "ipv4Dom") {
		for _, i := range kids(dom, "ipv4If") {
			get(i.Get("id")).v4 = append(get(i.Get("id")).v4, kids(i, "ipv4Addr")...)
		}
	}
	for _, dom := range kids(kid(kid(sys, "ipv6Entity"), "ipv6Inst"), "ipv6Dom") {
		for _, i := range kids(dom, "ipv6If") {
			get(i.Get("id")).v6 = append(get(i.Get("id")).v6, kids(i, "ipv6Addr")...)
		}
	}
	for _, dom := range kids(kid(kid(sys, "icmpv4Entity"), "icmpv4Inst"), "icmpv4Dom") {
		for _, i := range kids(dom, "icmpv4If") {
			get(i.Get("id")).icmpv4 = i
		}
	}
	for _, i := range kids(kid(kid(sys, "icmpv6Entity"), "icmpv6Inst"), "icmpv6If") {
		get(i.Get("id")).icmpv6 = i
	}
	for _, i := range kids(kid(kid(sys, "hmmEntity"), "hmmFwdInst"), "hmmFwdIf") {
		if i.Get("mode") == "anycastGW" {
			get(i.Get("id")).anycastGW = true
		}
	}
	return idx
}

// writeInterface writes one interface stanza; svi selects the SVI defaults (shown "no shutdown").
func writeInterface(w *cliWriter, header string, o *dme.Object, c *ifConfig, svi bool) {
	if c == nil {
		c = &ifConfig{}
	}
	w.block()
	w.line(0, header)
	switch st := o.Get("adminSt"); {
	case st == "down":
		w.line(1, "shutdown")
	case st == "up" && svi:
		w.line(1, "no shutdown")
	}
	if m := kid(o, "nwRtVrfMbr"); m != nil && m.Get("tDn") != "" {
		w.line(1, "vrf member", lastName(m.Get("tDn")))
	}
	if c.icmpv4 != nil && !hasFlag(c.icmpv4.Get("ctrl"), "redirect") {
		w.line(1, "no ip redirects")
	}
	for _, a := range c.v4 {
		w.line(1, addrLine("ip address", a)...)
	}
	for _, a := range c.v6 {
		w.line(1, addrLine("ipv6 address", a)...)
	}
	if c.icmpv6 != nil && !hasFlag(c.icmpv6.Get("ctrl"), "redirect") {
		w.line(1, "no ipv6 redirects")
	}
	if c.anycastGW {
		w.line(1, "fabric forwarding mode anycast-gateway")
	}
}

func addrLine(cmd string, a *dme.Object) []string {
	parts := []string{cmd, a.Get("addr")}
	if a.Get("type") == "secondary" {
		parts = append(parts, "secondary")
	}
	if t := a.Get("tag"); t != "" && t != "0" {
		parts = append(parts, "tag", t)
	}
	return parts
}

func writeNVE(w *cliWriter, ep *dme.Object) {
	w.block()
	w.line(0, "interface nve"+ep.Get("epId"))
	switch ep.Get("adminSt") {
	case "enabled":
		w.line(1, "no shutdown")
	case "disabled":
		w.line(1, "shutdown")
	}
	if ep.Get("hostReach") == "bgp" {
		w.line(1, "host-reachability protocol bgp")
	}
	if v := ep.Get("advertiseVmac"); v == "true" || v == "yes" {
		w.line(1, "advertise virtual-rmac")
	}
}

func writeBGP(w *cliWriter, ent *dme.Object) {
	inst := kid(ent, "bgpInst")
	if inst == nil {
		return
	}
	w.block()
	w.line(0, "router bgp", inst.Get("asn"))
	if def := kidWith(inst, "bgpDom", "name", "default"); def != nil {
		writeDom(w, def, 1)
	}
	for _, dom := range kids(inst, "bgpDom") {
		if dom.Get("name") == "default" {
			continue
		}
		w.line(1, "vrf", dom.Get("name"))
		writeDom(w, dom, 2)
	}
}

// writeDom writes a BGP domain's body at indent ind: router-id, graceful restart, address
// families, peer templates (only the default domain has them) and neighbors.
func writeDom(w *cliWriter, dom *dme.Object, ind int) {
	if id := dom.Get("rtrId"); id != "" {
		w.line(ind, "router-id", id)
	}
	writeGracefulRestart(w, dom, ind)
	writeDomAFs(w, dom, ind)
	for _, t := range kids(dom, "bgpPeerCont") {
		w.line(ind, "template peer", t.Get("name"))
		writePeerBody(w, t, ind+1)
	}
	for _, p := range kids(dom, "bgpPeer") {
		w.line(ind, "neighbor", p.Get("addr"))
		writePeerBody(w, p, ind+1)
	}
}

func writeDomAFs(w *cliWriter, dom *dme.Object, depth int) {
	for _, af := range afNames {
		a := kidWith(dom, "bgpDomAf", "type", af.typ)
		if a == nil {
			continue
		}
		w.line(depth, "address-family", af.cli)
		for _, p := range kids(a, "bgpAdvPrefix") {
			if m := p.Get("rtMap"); m != "" {
				w.line(depth+1, "network", p.Get("addr"), "route-map", m)
			} else {
				w.line(depth+1, "network", p.Get("addr"))
			}
		}
		if a.Get("advertL2vpnEvpn") == "enabled" {
			w.line(depth+1, "advertise l2vpn evpn")
		}
		if v := a.Get("maxEcmp"); v != "" {
			w.line(depth+1, "maximum-paths", v)
		}
		if v := a.Get("maxExtIntEcmp"); v != "" {
			w.line(depth+1, "maximum-paths ibgp", v)
		}
		if a.Get("advPip") == "enabled" {
			w.line(depth+1, "advertise-pip")
		}
	}
}

// writeGracefulRestart writes the graceful-restart timers of a BGP domain (bgpGr).
func writeGracefulRestart(w *cliWriter, dom *dme.Object, depth int) {
	gr := kid(dom, "bgpGr")
	if v := gr.Get("restartIntvl"); v != "" {
		w.line(depth, "graceful-restart restart-time", v)
	}
	if v := gr.Get("staleIntvl"); v != "" {
		w.line(depth, "graceful-restart stalepath-time", v)
	}
}

// maximumPrefix returns the words of "maximum-prefix <max> [<threshold>] [restart <minutes> |
// warning-only]" for a bgpMaxPfxP; action shut, the default, adds no word.
func maximumPrefix(mp *dme.Object) []string {
	parts := make([]string, 2, 5)
	parts[0], parts[1] = "maximum-prefix", mp.Get("maxPfx")
	if v := mp.Get("thresh"); v != "" && v != "0" {
		parts = append(parts, v)
	}
	switch mp.Get("action") {
	case "restart":
		parts = append(parts, "restart", orDefault(mp.Get("restartTime"), "1"))
	case "log":
		parts = append(parts, "warning-only")
	}
	return parts
}

// writePeerBody writes the lines of a template (bgpPeerCont) or neighbor (bgpPeer).
func writePeerBody(w *cliWriter, p *dme.Object, depth int) {
	if v := p.Get("asn"); v != "" {
		w.line(depth, "remote-as", v)
	}
	if v := p.Get("peerImp"); v != "" {
		w.line(depth, "inherit peer", v)
	}
	if v := p.Get("password"); v != "" {
		w.line(depth, "password", orDefault(p.Get("passwdType"), "0"), v)
	}
	if v := p.Get("srcIf"); v != "" && v != "unspecified" {
		w.line(depth, "update-source", interfaceCLI(v))
	}
	if v := p.Get("ttl"); v != "" {
		w.line(depth, "ebgp-multihop", v)
	}
	for _, af := range afNames {
		a := kidWith(p, "bgpPeerAf", "type", af.typ)
		if a == nil {
			continue
		}
		w.line(depth, "address-family", af.cli)
		if a.Get("asOverride") == "enabled" {
			w.line(depth+1, "as-override")
		}
		if hasFlag(a.Get("ctrl"), "dis-peer-as-check") {
			w.line(depth+1, "disable-peer-as-check")
		}
		if a.Get("sendComStd") == "enabled" {
			w.line(depth+1, "send-community")
		}
		if a.Get("sendComExt") == "enabled" {
			w.line(depth+1, "send-community extended")
		}
		for _, rc := range kids(a, "bgpRtCtrlP") {
			w.line(depth+1, "route-map", rc.Get("rtMap"), rc.Get("direction"))
		}
		if mp := kid(a, "bgpMaxPfxP"); mp != nil && mp.Get("maxPfx") != "" {
			w.line(depth+1, maximumPrefix(mp)...)
		}
	}
}

// interfaceCLI turns a DME interface id into its CLI name: lo1002 → loopback1002, vlan3001 → Vlan3001.
func interfaceCLI(id string) string {
	switch {
	case strings.HasPrefix(id, "lo"):
		return "loopback" + id[2:]
	case strings.HasPrefix(id, "vlan"):
		return "Vlan" + id[4:]
	}
	return id
}

// routeTargetCLI turns "route-target:as2-nn2:2101:2102" into "2101:2102"; other text is kept.
func routeTargetCLI(s string) string {
	rt, err := design.ParseRouteTarget(s)
	if err != nil {
		return s
	}
	return rt.String()
}

// lastName returns the naming value of a DN's last RN ("sys/inst-vrf-001" → "vrf-001",
// "sys/rpm/pfxlistv4-[x]" → "x"); the DN itself when it cannot be resolved.
func lastName(dn string) string {
	// The DNs the renderer writes (VRF membership, prefix-list matches) have a plain last name;
	// they skip the parser.
	for _, prefix := range [...]string{"sys/rpm/pfxlistv4-[", "sys/rpm/pfxlistv6-["} {
		if name, ok := strings.CutPrefix(dn, prefix); ok && strings.HasSuffix(name, "]") && !strings.ContainsAny(name[:len(name)-1], "[]") {
			return name[:len(name)-1]
		}
	}
	if name, ok := strings.CutPrefix(dn, "sys/inst-"); ok && name != "" && !strings.ContainsAny(name, "[]/") {
		return name
	}
	d, err := dme.ParseDN(dn)
	if err != nil {
		return dn
	}
	c, names, err := dme.ResolveDN(d)
	if err != nil || len(c.Naming) != 1 {
		return dn
	}
	return names[len(names)-1][c.Naming[0]]
}

func hasFlag(list, flag string) bool {
	for f := range strings.SplitSeq(list, ",") {
		if f == flag {
			return true
		}
	}
	return false
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
