package nxos

import (
	"strconv"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Numbers of a route filter: the prefix-list's entries are seq 5, 10, 15, … (filterSeqStep
// apart) and the route-map has the single entry 10.
const (
	filterSeqStep  = 5
	filterRouteMap = "10"
)

// filters adds the route filters of the leaf's peer templates to rpm: per template its inbound
// (route-map in) and outbound (route-map out) policy.
func (r *leafRenderer) filters(rpm *dme.Object) {
	for i := range r.l.Templates {
		t := &r.l.Templates[i]
		for _, p := range []*design.Policy{t.Import, t.Export} {
			if p != nil {
				addFilter(rpm, p)
			}
		}
	}
}

// addFilter renders one policy: the prefix-list "<PrefixList> seq 5, 10, … permit <prefix>
// [le N]" and the route-map "<RouteMap> permit 10" matching it, whose implicit deny drops every
// other route. A policy without entries becomes "route-map <RouteMap> deny 10" and no prefix-list:
// NX-OS lets every route through a route-map entry that matches an empty or absent prefix-list,
// so an entry that denies everything is the only safe form of "nothing passes".
//
// An entry with MaxLen ("le N") is criteria inexact with toPfxLen N and fromPfxLen 0, the DME's
// "no ge": NX-OS then matches lengths from the prefix's own length to N. fromPfxLen is sent
// explicitly so that a "ge" configured earlier on the switch does not survive the merge.
func addFilter(rpm *dme.Object, p *design.Policy) {
	rm := dme.New("rtmapRule", "name", p.RouteMap)
	if len(p.Entries) == 0 {
		rpm.Add(rm.Add(dme.New("rtmapEntry", "order", filterRouteMap, "action", "deny")))
		return
	}
	class := "rtpfxRuleV4"
	if p.Family == addressing.IPv6 {
		class = "rtpfxRuleV6"
	}
	list := dme.New(class, "name", p.PrefixList)
	list.Children = make([]*dme.Object, 0, len(p.Entries))
	for i, e := range p.Entries {
		ent := dme.New("rtpfxEntry", "order", strconv.Itoa(filterSeqStep*(i+1)), "action", "permit", "pfx", e.Prefix.Masked().String())
		if e.MaxLen == 0 {
			ent.Set("criteria", "exact")
		} else {
			ent.Set("criteria", "inexact").Set("fromPfxLen", "0").Set("toPfxLen", strconv.Itoa(e.MaxLen))
		}
		list.Children = append(list.Children, ent)
	}
	rm.Add(dme.New("rtmapEntry", "order", filterRouteMap, "action", "permit").Add(matchPrefixList(p.Family, p.PrefixList)))
	rpm.Add(list, rm)
}

// templateLimits renders the route filters and the prefix limit of a template's address family:
// route-map <in> in, route-map <out> out (bgpRtCtrlP) and maximum-prefix <max> <warning>
// (bgpMaxPfxP, action shut: the session goes down when a node exceeds the limit).
func templateLimits(af *dme.Object, t *design.TemplateIntent) {
	if t.Import != nil {
		af.Add(dme.New("bgpRtCtrlP", "direction", "in", "rtMap", t.Import.RouteMap))
	}
	if t.Export != nil {
		af.Add(dme.New("bgpRtCtrlP", "direction", "out", "rtMap", t.Export.RouteMap))
	}
	if t.MaxPrefix > 0 {
		mp := dme.New("bgpMaxPfxP", "maxPfx", strconv.Itoa(t.MaxPrefix), "action", "shut")
		if t.MaxPrefixWarning > 0 {
			mp.Set("thresh", strconv.Itoa(t.MaxPrefixWarning))
		}
		af.Add(mp)
	}
}

// gracefulRestart renders graceful-restart restart-time / stalepath-time (bgpGr) for the tenant
// VRF's BGP domain, where the node sessions are; nil when the design sets no graceful restart.
func (r *leafRenderer) gracefulRestart() *dme.Object {
	gr := r.f.GracefulRestart
	if gr == nil || (gr.RestartTime == 0 && gr.StalePathTime == 0) {
		return nil
	}
	o := dme.New("bgpGr")
	if gr.RestartTime > 0 {
		o.Set("restartIntvl", strconv.Itoa(gr.RestartTime))
	}
	if gr.StalePathTime > 0 {
		o.Set("staleIntvl", strconv.Itoa(gr.StalePathTime))
	}
	return o
}

// nameClaim records which part of a leaf intent defines a route-map or prefix-list name.
type nameClaim struct {
	prefixList bool              // a prefix-list (per family) rather than a route-map
	family     addressing.Family // the prefix-list's family; IPv4 and IPv6 lists are separate
	name       string
	owner      string // the field, e.g. "Coloring.RouteMap"; "" when template/dir name it
	template   int
	dir        string
}

func (c nameClaim) field() string {
	if c.owner != "" {
		return c.owner
	}
	kind := ".RouteMap"
	if c.prefixList {
		kind = ".PrefixList"
	}
	return "Templates[" + strconv.Itoa(c.template) + "]." + c.dir + kind
}

// addClaim appends c to claims, or reports through bad that another part already claims its name.
func addClaim(claims []nameClaim, c nameClaim, bad func(field, format string, args ...any)) []nameClaim {
	for _, o := range claims {
		if o.prefixList == c.prefixList && o.family == c.family && o.name == c.name {
			kind := "route-map"
			if c.prefixList {
				kind = "prefix-list"
			}
			bad(c.field(), "%s %q is also %s", kind, c.name, o.field())
			return claims
		}
	}
	return append(claims, c)
}

// checkSafety reports, through bad, route filters, prefix limits and graceful restart timers the
// renderer cannot turn into a correct configuration: a policy of the wrong family, without names,
// with an entry whose "le" is not longer than its prefix, or whose route-map or prefix-list name
// is taken by another policy of the leaf or by the coloring (the switch would merge the two). It
// builds no text unless something is wrong.
func checkSafety(l *design.LeafIntent, bad func(field, format string, args ...any)) {
	var claimsBuf [8]nameClaim
	claims := claimsBuf[:0]
	if c := l.Coloring; c != nil {
		claims = addClaim(claims, nameClaim{name: c.RouteMap, owner: "Coloring.RouteMap"}, bad)
		if c.PrefixListV4 != "" {
			claims = addClaim(claims, nameClaim{prefixList: true, family: addressing.IPv4, name: c.PrefixListV4, owner: "Coloring.PrefixListV4"}, bad)
		}
		if c.PrefixListV6 != "" {
			claims = addClaim(claims, nameClaim{prefixList: true, family: addressing.IPv6, name: c.PrefixListV6, owner: "Coloring.PrefixListV6"}, bad)
		}
	}
	for i := range l.Templates {
		t := &l.Templates[i]
		tf := func(field string) string { return "Templates[" + strconv.Itoa(i) + "]." + field }
		for _, dir := range [2]string{"Import", "Export"} {
			p := t.Import
			if dir == "Export" {
				p = t.Export
			}
			if p == nil {
				continue
			}
			if p.Family != t.Family {
				bad(tf(dir+".Family"), "policy %q is %s, its template %q is %s", p.RouteMap, p.Family, t.Name, t.Family)
			}
			if p.RouteMap == "" {
				bad(tf(dir+".RouteMap"), "empty")
			} else {
				claims = addClaim(claims, nameClaim{name: p.RouteMap, template: i, dir: dir}, bad)
			}
			if len(p.Entries) > 0 {
				if p.PrefixList == "" {
					bad(tf(dir+".PrefixList"), "empty")
				} else {
					claims = addClaim(claims, nameClaim{prefixList: true, family: p.Family, name: p.PrefixList, template: i, dir: dir}, bad)
				}
			}
			for j, e := range p.Entries {
				ef := func() string { return tf(dir + ".Entries[" + strconv.Itoa(j) + "]") }
				switch {
				case !e.Prefix.IsValid():
					bad(ef(), "invalid prefix %q", e.Prefix)
				case addressing.PrefixFamily(e.Prefix) != p.Family:
					bad(ef(), "prefix %s is not %s", e.Prefix, p.Family)
				case e.MaxLen != 0 && (e.MaxLen <= e.Prefix.Bits() || e.MaxLen > e.Prefix.Addr().BitLen()):
					bad(ef(), "le %d of %s is outside %d–%d", e.MaxLen, e.Prefix, e.Prefix.Bits()+1, e.Prefix.Addr().BitLen())
				}
			}
		}
		if t.MaxPrefix < 0 || int64(t.MaxPrefix) > 4294967295 {
			bad(tf("MaxPrefix"), "%d is outside 0–4294967295", t.MaxPrefix)
		}
		if t.MaxPrefixWarning < 0 || t.MaxPrefixWarning > 100 {
			bad(tf("MaxPrefixWarning"), "%d is outside 1–100 (0 for none)", t.MaxPrefixWarning)
		}
	}
}
