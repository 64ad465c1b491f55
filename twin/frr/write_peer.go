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

// Attributes the translation of each class reads; any other attribute with a non-default value is
// listed by Config.Unmapped.
var (
	knownSession = []string{"name", "addr", "asn", "desc", "srcIf", "ttl", "passwdType", "password", "holdIntvl", "kaIntvl", "adminSt", "ctrl", "peerImp", "peerType"}
	knownAF      = []string{"type", "ctrl", "asOverride", "sendComStd", "sendComExt", "defOrg", "defOrgRtMap", "softReconfigBackup", "wght", "allowedSelfAsCnt"}
	knownMaxPfx  = []string{"maxPfx", "action", "thresh", "restartTime"}
)

// session renders the router-level lines shared by a template (peer-group) and a neighbor:
// description, remote-as, update-source, ebgp-multihop, password, timers, shutdown,
// disable-connected-check. who is the peer-group name or the neighbor address; fam is the family
// whose loopback address update-source uses (0: none known); inGroup tells that o is a neighbor
// of a peer-group, whose unset attributes inherit.
func (t *translator) session(w *writer, who string, o *dme.Object, fam addressing.Family, inGroup bool) {
	what := o.Class + " " + who
	desc := o.Get("desc")
	if o.Class == "bgpPeer" {
		desc = cmp.Or(desc, o.Get("name"))
	}
	if desc != "" {
		w.line(1, "neighbor", who, "description", desc)
	}
	if asn := o.Get("asn"); asn != "" {
		n, err := parseASN(asn)
		if err != nil {
			t.fail("%s asn: %v", what, err)
		} else {
			w.line(1, "neighbor", who, "remote-as", uitoa(n))
		}
	}
	if src := o.Get("srcIf"); src != "" && src != "unspecified" {
		if a, ok := t.ifAddr(src, fam); ok {
			w.line(1, "neighbor", who, "update-source", a.String())
		} else {
			t.unmap("%s update-source %s: the interface has no %s address in VRF %s; left out.", what, cliIf(src), fam, t.vrf)
		}
	}
	if ttl := o.Get("ttl"); ttl != "" && ttl != "0" {
		w.line(1, "neighbor", who, "ebgp-multihop", ttl)
	}
	if pw := t.password(what, o); pw != "" {
		w.line(1, "neighbor", who, "password", pw)
	}
	ka, hold := o.Get("kaIntvl"), o.Get("holdIntvl")
	if (ka != "" && ka != nxosKeepalive) || (hold != "" && hold != nxosHoldTime) {
		w.line(1, "neighbor", who, "timers", cmp.Or(ka, nxosKeepalive), cmp.Or(hold, nxosHoldTime))
	}
	if o.Get("adminSt") == "disabled" {
		w.line(1, "neighbor", who, "shutdown")
	}
	for _, flag := range splitFlags(o.Get("ctrl")) {
		switch flag {
		case "dis-conn-check":
			w.line(1, "neighbor", who, "disable-connected-check")
		default:
			t.unmap("%s: control flag %s has no translation in the twin (no BFD daemon, no dynamic capability).", what, flag)
		}
	}
	// NX-OS does not advertise a route to an eBGP peer whose AS is in the route's AS path unless
	// disable-peer-as-check is set on the address family; FRR sends it unless
	// sender-as-path-loop-detection is set. The FRR knob is per neighbor: set it when an address
	// family of o lacks the flag (a neighbor of a group inherits the group's).
	if afs := children(o, "bgpPeerAf"); len(afs) > 0 && !(inGroup && o.Class == "bgpPeer") {
		for _, af := range afs {
			if !slices.Contains(splitFlags(af.Get("ctrl")), "dis-peer-as-check") {
				w.line(1, "neighbor", who, "sender-as-path-loop-detection")
				break
			}
		}
	}
	if x := extraAttrs(o, knownSession); len(x) > 0 {
		t.unmap("%s: %s has no translation in the twin.", what, strings.Join(x, ", "))
	}
}

func splitFlags(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// ifAddr returns the address of family fam of the VRF interface id (a loopback or SVI).
func (t *translator) ifAddr(id string, fam addressing.Family) (netip.Addr, bool) {
	if !fam.IsValid() {
		return netip.Addr{}, false
	}
	as := t.ifAddrs[id][fi(fam)]
	if len(as) == 0 {
		return netip.Addr{}, false
	}
	return as[0].Addr(), true
}

// password returns the clear password of a template or neighbor, "" when it has none. NX-OS keeps
// it as type 7 (passwdType 7), which is decoded, or in clear (passwdType 0).
func (t *translator) password(what string, o *dme.Object) string {
	enc := o.Get("password")
	if enc == "" {
		return ""
	}
	var clear string
	switch typ := o.Get("passwdType"); typ {
	case "7":
		p, err := decodeType7(enc)
		if err != nil {
			t.fail("%s password: %v", what, err)
			return ""
		}
		clear = p
	case "", "0", "LINE":
		clear = enc
	default:
		t.fail("%s password: passwdType %s is a device-keyed encryption the twin cannot decode; give the password as type 7 or clear", what, typ)
		return ""
	}
	if strings.ContainsAny(clear, " \t\n") || clear[0] == '!' || clear[0] == '#' {
		t.fail("%s password: contains a blank or starts with a comment character", what)
		return ""
	}
	if !slices.Contains(t.secrets, clear) {
		t.secrets = append(t.secrets, clear)
	}
	return clear
}

// writeTemplate renders one bgpPeerCont as a peer-group: its session lines and, per address
// family of the template, activation and the family's policy (af collects those lines).
func (t *translator) writeTemplate(w *writer, af *afLines, used map[addressing.Family]bool, pc *dme.Object) {
	name := pc.Get("name")
	if err := checkName("template peer", name); err != nil {
		t.errs = append(t.errs, err)
		return
	}
	fams := famOfAF(pc)
	var fam addressing.Family
	if len(fams) == 1 {
		fam = fams[0]
	}
	w.line(1, "neighbor", name, "peer-group")
	t.session(w, name, pc, fam, false)
	for _, a := range children(pc, "bgpPeerAf") {
		f, ok := dmeFamily(a.Get("type"))
		if !ok {
			t.unmap("template peer %s address-family %s: not translated.", name, a.Get("type"))
			continue
		}
		used[f] = true
		af[fi(f)] = append(af[fi(f)], "neighbor "+name+" activate")
		af[fi(f)] = append(af[fi(f)], t.afSettings("template peer "+name, name, a, false)...)
	}
	for _, c := range childrenExcept(pc, "bgpPeerAf") {
		t.unmap("template peer %s: %s has no translation in the twin.", name, c.Class)
	}
}

// afSettings renders the address-family lines of a bgpPeerAf for who. inGroup: who is a neighbor
// of a peer-group, so only values that differ from the DME default are rendered (unset ones
// inherit the group's); otherwise NX-OS defaults FRR does not share are stated too (NX-OS sends
// no communities unless told to, FRR sends all kinds).
func (t *translator) afSettings(what, who string, a *dme.Object, inGroup bool) []string {
	var out []string
	add := func(s ...string) { out = append(out, "neighbor "+who+" "+strings.Join(s, " ")) }
	if a.Get("asOverride") == "enabled" {
		add("as-override")
	}
	defOrg := a.Get("defOrg") == "enabled"
	for _, flag := range splitFlags(a.Get("ctrl")) {
		switch flag {
		case "dis-peer-as-check":
			// see session: the absence of the flag is rendered there
		case "nh-self":
			add("next-hop-self")
		case "rr-client":
			add("route-reflector-client")
		case "default-originate":
			defOrg = true
		case "allow-self-as":
			if n := a.Get("allowedSelfAsCnt"); n != "" && n != "0" {
				add("allowas-in", n)
			} else {
				add("allowas-in")
			}
		default:
			t.unmap("%s %s: control flag %s has no translation in the twin.", what, afName(famOr(a)), flag)
		}
	}
	if defOrg {
		if rm := a.Get("defOrgRtMap"); rm != "" {
			add("default-originate route-map", rm)
		} else {
			add("default-originate")
		}
	}
	for _, kind := range [2]struct{ attr, word string }{{"sendComStd", "standard"}, {"sendComExt", "extended"}} {
		v := a.Get(kind.attr)
		switch {
		case v == "enabled" && inGroup:
			add("send-community", kind.word)
		case v != "enabled" && !inGroup:
			out = append(out, "no neighbor "+who+" send-community "+kind.word)
		}
	}
	if !inGroup {
		out = append(out, "no neighbor "+who+" send-community large")
	}
	for _, dir := range []string{"in", "out"} {
		if rc := child(a, "bgpRtCtrlP", "direction", dir); rc != nil && rc.Get("rtMap") != "" {
			add("route-map", rc.Get("rtMap"), dir)
		}
	}
	if mp := child(a, "bgpMaxPfxP"); mp != nil {
		if l := t.maxPrefix(what, mp); l != "" {
			add(l)
		}
	}
	switch a.Get("softReconfigBackup") {
	case "inbound", "inbound-always":
		add("soft-reconfiguration inbound")
	}
	if wt := a.Get("wght"); wt != "" {
		add("weight", wt)
	}
	if x := extraAttrs(a, knownAF); len(x) > 0 {
		t.unmap("%s %s: %s has no translation in the twin.", what, afName(famOr(a)), strings.Join(x, ", "))
	}
	for _, c := range childrenExcept(a, "bgpRtCtrlP", "bgpMaxPfxP") {
		t.unmap("%s %s: %s has no translation in the twin.", what, afName(famOr(a)), c.Class)
	}
	return out
}

func famOr(a *dme.Object) addressing.Family {
	f, _ := dmeFamily(a.Get("type"))
	return cmp.Or(f, addressing.IPv4)
}

// maxPrefix renders "maximum-prefix N [threshold] [warning-only | restart M]" of a bgpMaxPfxP:
// action shut is the plain form (the session goes down), log is warning-only, restart restarts
// after restartTime minutes.
func (t *translator) maxPrefix(what string, mp *dme.Object) string {
	n := mp.Get("maxPfx")
	if n == "" || n == "0" {
		return ""
	}
	s := "maximum-prefix " + n
	if th := mp.Get("thresh"); th != "" && th != "0" {
		s += " " + th
	}
	switch mp.Get("action") {
	case "", "shut":
	case "log":
		s += " warning-only"
	case "restart":
		if rt := mp.Get("restartTime"); rt != "" && rt != "0" {
			s += " restart " + rt
		}
	default:
		t.fail("%s maximum-prefix: action %q is not shut, log or restart", what, mp.Get("action"))
	}
	if x := extraAttrs(mp, knownMaxPfx); len(x) > 0 {
		t.unmap("%s maximum-prefix: %s has no translation in the twin.", what, strings.Join(x, ", "))
	}
	return s
}

// writeNeighbors renders the tenant VRF's neighbors, sorted by address: peer-group membership
// ("inherit peer"), their own session settings, and per address family activation and their own
// policy. A template family the neighbor lacks is deactivated, as NX-OS activates only the
// families configured under the neighbor.
func (t *translator) writeNeighbors(w *writer, af *afLines, used map[addressing.Family]bool) {
	type nb struct {
		a netip.Addr
		o *dme.Object
	}
	var nbs []nb
	for _, p := range children(t.dom, "bgpPeer") {
		a, err := netip.ParseAddr(p.Get("addr"))
		if err != nil {
			t.unmap("neighbor %s (a prefix or interface neighbor): the twin translates neighbors by address only; left out.", p.Get("addr"))
			continue
		}
		nbs = append(nbs, nb{a.Unmap(), p})
	}
	slices.SortFunc(nbs, func(x, y nb) int { return x.a.Compare(y.a) })
	for _, n := range nbs {
		who := n.a.String()
		what := "neighbor " + who
		fam := addressing.FamilyOf(n.a)
		tmpl := t.templates[n.o.Get("peerImp")]
		inGroup := tmpl != nil
		switch {
		case inGroup:
			w.line(1, "neighbor", who, "peer-group", tmpl.Get("name"))
		case n.o.Get("peerImp") != "" && n.o.Get("asn") == "":
			t.unmap("%s inherits peer %s, which is not defined, and has no remote-as of its own: left out.", what, n.o.Get("peerImp"))
			continue
		case n.o.Get("peerImp") != "":
			t.unmap("%s inherits peer %s, which is not defined: configured from its own settings only.", what, n.o.Get("peerImp"))
		case n.o.Get("asn") == "":
			t.unmap("%s has neither remote-as nor a template: left out.", what)
			continue
		}
		// A template serving both families cannot name one update-source: the neighbor then gets
		// the one of its own family.
		if src := n.o.Get("srcIf"); inGroup && (src == "" || src == "unspecified") {
			if src := tmpl.Get("srcIf"); src != "" && src != "unspecified" && len(famOfAF(tmpl)) != 1 {
				if a, ok := t.ifAddr(src, fam); ok {
					w.line(1, "neighbor", who, "update-source", a.String())
				}
			}
		}
		t.session(w, who, n.o, fam, inGroup)
		if la := child(n.o, "bgpLocalAsn"); la != nil && la.Get("localAsn") != "" {
			l, err := parseASN(la.Get("localAsn"))
			if err != nil {
				t.fail("%s local-as: %v", what, err)
			} else {
				s := "local-as " + uitoa(l)
				switch la.Get("asnPropagate") {
				case "no-prepend":
					s += " no-prepend"
				case "replace-as":
					s += " no-prepend replace-as"
				case "dual-as":
					t.unmap("%s local-as %s dual-as: not translated; rendered as no-prepend replace-as.", what, la.Get("localAsn"))
					s += " no-prepend replace-as"
				}
				w.line(1, "neighbor", who, s)
			}
		}
		own := map[addressing.Family]*dme.Object{}
		for _, a := range children(n.o, "bgpPeerAf") {
			if f, ok := dmeFamily(a.Get("type")); ok {
				own[f] = a
			} else {
				t.unmap("%s address-family %s: not translated.", what, a.Get("type"))
			}
		}
		var tf []addressing.Family
		if inGroup {
			tf = famOfAF(tmpl)
		}
		for _, f := range addressing.Families {
			a := own[f]
			switch {
			case a != nil:
				used[f] = true
				if !slices.Contains(tf, f) {
					af[fi(f)] = append(af[fi(f)], "neighbor "+who+" activate")
				}
				af[fi(f)] = append(af[fi(f)], t.afSettings(what, who, a, inGroup)...)
			case slices.Contains(tf, f):
				af[fi(f)] = append(af[fi(f)], "no neighbor "+who+" activate")
			}
		}
		for _, c := range childrenExcept(n.o, "bgpPeerAf", "bgpLocalAsn", "bgpPeerEntry") {
			t.unmap("%s: %s has no translation in the twin.", what, c.Class)
		}
	}
}

func uitoa(n uint32) string { return strconv.FormatUint(uint64(n), 10) }
