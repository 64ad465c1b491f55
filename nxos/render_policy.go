package nxos

import (
	"cmp"
	"slices"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Route-map entry numbers of the coloring route-map: one entry per family and the catch-all.
const (
	colorSeqIPv4     = "10"
	colorSeqIPv6     = "20"
	colorSeqCatchAll = "100"
	// prefixListSeq is the sequence number of the prefix-list entry matching the own loopback.
	prefixListSeq = "5"
)

// vrf renders vrf context <vrf>. The l3Inst carries only its name, so posting it merges into the
// fabric's VRF; in coloring mode each family's address family gets "route-target import <rt>
// evpn" and "export map <route-map>".
func (r *leafRenderer) vrf() *dme.Object {
	inst := dme.New("l3Inst", "name", r.f.VRF)
	c := r.l.Coloring
	if c == nil {
		return inst
	}
	dom := dme.New("rtctrlDom", "name", r.f.VRF)
	for _, f := range addressing.Families {
		if r.prefixList(f) == "" {
			continue
		}
		dom.Add(dme.New("rtctrlDomAf", "type", afType(f)).Add(
			dme.New("rtctrlAfCtrl", "type", "l2vpn-evpn").Add(
				dme.New("rtctrlRttP", "type", "import").Add(
					dme.New("rtctrlRttEntry", "rtt", c.RouteTarget.DME()),
				),
			),
			dme.New("rtctrlAfCtrl", "type", afType(f)).Add(
				dme.New("rtctrlRttP", "type", "export").Add(
					dme.New("rtctrlMapP", "rtMap", c.RouteMap),
				),
			),
		))
	}
	return inst.Add(dom)
}

// prefixList returns the coloring prefix-list of family f, "" when there is none.
func (r *leafRenderer) prefixList(f addressing.Family) string {
	c := r.l.Coloring
	if c == nil || !c.Loopback.Has(f) {
		return ""
	}
	if f == addressing.IPv6 {
		return c.PrefixListV6
	}
	return c.PrefixListV4
}

// policies renders rpmEntity: the coloring prefix-lists and route-map (coloring mode) and the
// route filters of the peer templates. Prefix-lists come first (IPv4, then IPv6), then
// route-maps, each sorted by name, so the tree and its CLI are in one stable order. It returns
// nil when the leaf needs neither.
func (r *leafRenderer) policies() *dme.Object {
	rpm := dme.New("rpmEntity")
	r.coloring(rpm)
	r.filters(rpm)
	if len(rpm.Children) == 0 {
		return nil
	}
	slices.SortStableFunc(rpm.Children, func(a, b *dme.Object) int {
		return cmp.Or(cmp.Compare(rpmRank(a.Class), rpmRank(b.Class)), strings.Compare(a.Get("name"), b.Get("name")))
	})
	return rpm
}

// rpmRank orders the children of rpmEntity: IPv4 prefix-lists, IPv6 prefix-lists, route-maps.
func rpmRank(class string) int {
	switch class {
	case "rtpfxRuleV4":
		return 0
	case "rtpfxRuleV6":
		return 1
	}
	return 2
}

// coloring adds, in coloring mode, the prefix-lists that match the leaf's own loopback and the
// route-map that colors it: entry 10 for IPv4 (match ip address prefix-list) and entry 20 for
// IPv6 (match ipv6 address prefix-list), each setting extcommunity rt <color>, and the catch-all
// entry 100 without match or set. The route-map is the VRF's export map, and NX-OS exports only
// what an export map permits: without entry 100 the nodes' pod and service routes, which match
// neither prefix-list, would never reach EVPN. Entry 100 lets them pass unchanged, with the VRF's
// own export route targets.
func (r *leafRenderer) coloring(rpm *dme.Object) {
	c := r.l.Coloring
	if c == nil {
		return
	}
	rm := dme.New("rtmapRule", "name", c.RouteMap)
	for _, f := range addressing.Families {
		name := r.prefixList(f)
		if name == "" {
			continue
		}
		pfx := c.Loopback.Get(f).String()
		entry := dme.New("rtpfxEntry", "order", prefixListSeq, "action", "permit", "criteria", "exact", "pfx", pfx)
		setRT := dme.New("rtmapSetRttComm").Add(
			dme.New("rtextcomItem", "community", c.RouteTarget.DME(), "scope", "transitive"),
		)
		if f == addressing.IPv4 {
			rpm.Add(dme.New("rtpfxRuleV4", "name", name).Add(entry))
			rm.Add(dme.New("rtmapEntry", "order", colorSeqIPv4, "action", "permit").Add(matchPrefixList(f, name), setRT))
			continue
		}
		rpm.Add(dme.New("rtpfxRuleV6", "name", name).Add(entry))
		rm.Add(dme.New("rtmapEntry", "order", colorSeqIPv6, "action", "permit").Add(matchPrefixList(f, name), setRT))
	}
	rm.Add(dme.New("rtmapEntry", "order", colorSeqCatchAll, "action", "permit"))
	rpm.Add(rm)
}

// matchPrefixList renders "match ip address prefix-list <name>" (IPv4: rtmapMatchRtDst) or
// "match ipv6 address prefix-list <name>" (IPv6: rtmapMatchRtDstV6) of a route-map entry.
func matchPrefixList(f addressing.Family, name string) *dme.Object {
	if f == addressing.IPv6 {
		return dme.New("rtmapMatchRtDstV6").Add(dme.New("rtmapRsRtDstV6Att", "tDn", "sys/rpm/pfxlistv6-["+name+"]"))
	}
	return dme.New("rtmapMatchRtDst").Add(dme.New("rtmapRsRtDstAtt", "tDn", "sys/rpm/pfxlistv4-["+name+"]"))
}
