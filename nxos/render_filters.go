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
