package design

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
)

// maxPaths is the highest maximum-paths count NX-OS accepts.
const maxPaths = 64

// peering checks how leaves and nodes peer: templates, multihop, as-override, node reachability and
// node routes, the coloring names and the password secret.
func (v *validator) peering() {
	p := &v.d.Peering

	t4, t6 := !v.unknown("peering.templates.ipv4"), !v.unknown("peering.templates.ipv6")
	if t4 {
		v.nameCheck("peering.templates.ipv4", "template name", p.Templates.IPv4, checkNXOSName(p.Templates.IPv4, maxNXOSNameLen))
	}
	if t6 {
		v.nameCheck("peering.templates.ipv6", "template name", p.Templates.IPv6, checkNXOSName(p.Templates.IPv6, maxNXOSNameLen))
	}
	if t4 && t6 && p.Templates.IPv4 == p.Templates.IPv6 {
		v.add("peering.templates.ipv6", CodeDuplicateName, "template name %q is also the IPv4 template (peering.templates.ipv4); the two templates must differ", p.Templates.IPv6)
	}
	switch m := p.EBGPMultihop; {
	case v.unknown("peering.ebgpMultihop"):
	case m < 0 || m > 255:
		v.add("peering.ebgpMultihop", CodeInvalidValue, "ebgpMultihop %d is outside 2 to 255", m)
	case m < 2:
		v.add("peering.ebgpMultihop", CodeMultihopRequired, "ebgpMultihop %d is too low: the leaves peer from a loopback, one hop behind the anycast gateway; want 2 to 255", m)
	}

	if !*p.ASOverride && !v.unknown("peering.asOverride") {
		v.add("peering.asOverride", CodeASOverrideRequired, "asOverride is false, but every node shares the cluster AS %s: without as-override the leaves announce routes carrying %s, and every other node drops them as an AS-path loop", v.d.Cluster.ASN, v.d.Cluster.ASN)
	}

	switch p.NodeReachability {
	case StaticRoutes, ReachableBy:
	default:
		if !v.unknown("peering.nodeReachability") {
			v.add("peering.nodeReachability", CodeInvalidValue, "node reachability %q is not one of StaticRoutes, ReachableBy", p.NodeReachability)
		}
	}
	v.nodeRoutes()
	if *p.AdvertisePodBlocks && !v.unknown("peering.advertisePodBlocks") {
		if !*p.RouteFilters && !v.unknown("peering.routeFilters") {
			v.add("peering.advertisePodBlocks", CodeInvalidValue, "advertisePodBlocks needs routeFilters: without them the leaves send the nodes everything, their own loopbacks included")
		}
		for i, pool := range v.d.Cluster.IPPools {
			if pool.Encapsulation == EncapIPIP && !v.unknown(poolPath(i)+".encapsulation") {
				v.add(poolPath(i)+".encapsulation", CodeTunnelToLeaf, "pool %q encapsulates IPIP, and with advertisePodBlocks the next hop of every pod block is a leaf, not the node that owns it: calico-node would tunnel pod traffic to the leaf. Use encapsulation None (the nodes share the gateway subnet) or VXLAN, or leave advertisePodBlocks off (pod traffic then follows the default route)", pool.Name)
			}
		}
	}
	if !*p.RouteFilters && p.NodeReachability == StaticRoutes && !v.unknown("peering.routeFilters") && !v.unknown("peering.nodeReachability") {
		v.add("peering.routeFilters", CodeUnfilteredLoopbacks, "routeFilters is false with nodeReachability StaticRoutes: the leaves announce their own peering loopbacks to the nodes over the very sessions that use them as next hop; a BGP route outranks the static route in calico-node's BIRD, the next hops stop resolving and the nodes lose every route (measured on the routing twin). Keep routeFilters true, or use nodeReachability ReachableBy, whose static route to each peer outranks BGP")
	}

	if !v.unknown("peering.maximumPaths") {
		v.pathCount("peering.maximumPaths", "maximumPaths", p.MaximumPaths)
	}
	if !v.unknown("peering.maximumPathsIBGP") {
		v.pathCount("peering.maximumPathsIBGP", "maximumPathsIBGP", p.MaximumPathsIBGP)
	}

	if !v.unknown("peering.colorRouteMap") {
		v.nameCheck("peering.colorRouteMap", "route-map name", p.ColorRouteMap, checkNXOSName(p.ColorRouteMap, maxNXOSNameLen))
	}
	if !v.unknown("peering.colorPrefixList") &&
		v.nameCheck("peering.colorPrefixList", "prefix-list name", p.ColorPrefixList, checkNXOSName(p.ColorPrefixList, maxNXOSNameLen)) &&
		v.coloredIPv6() && len(p.ColorPrefixList)+len("_v6") > maxNXOSNameLen {
		v.add("peering.colorPrefixList", CodeInvalidName, "prefix-list name %q is %d characters long; with \"_v6\" appended for the IPv6 loopbacks it must stay within %d", p.ColorPrefixList, len(p.ColorPrefixList), maxNXOSNameLen)
	}

	if s := p.PasswordSecret; s != nil {
		if !v.unknown("peering.passwordSecret.namespace") {
			v.nameCheck("peering.passwordSecret.namespace", "secret namespace", s.Namespace, checkDNSLabel(s.Namespace))
		}
		if !v.unknown("peering.passwordSecret.name") {
			v.nameCheck("peering.passwordSecret.name", "secret name", s.Name, checkDNSSubdomain(s.Name))
		}
		if !v.unknown("peering.passwordSecret.key") {
			v.nameCheck("peering.passwordSecret.key", "secret key", s.Key, checkSecretKey(s.Key))
		}
	}
}

func (v *validator) pathCount(path, what string, n int) {
	if n < 1 || n > maxPaths {
		v.add(path, CodeInvalidValue, "%s %d is outside 1 to %d", what, n, maxPaths)
	}
}

// coloredIPv6 reports whether a colored pair has an IPv6 loopback (the IPv6 prefix-list is used).
func (v *validator) coloredIPv6() bool {
	for _, pair := range v.d.Fabric.LeafPairs {
		if pair.RouteTargetColor.IsZero() {
			continue
		}
		for _, l := range pair.Leaves {
			if l.PeeringLoopback.IPv6.IsValid() {
				return true
			}
		}
	}
	return false
}

// nodeRoutes checks explicit node routes: networks, of a family the gateway routes, and covering
// every leaf loopback some node peers with.
func (v *validator) nodeRoutes() {
	p := &v.d.Peering
	if len(p.NodeRoutes) == 0 {
		return
	}
	if p.NodeReachability == ReachableBy {
		v.add("peering.nodeRoutes", CodeInvalidValue, "node routes are given but nodeReachability is ReachableBy, which installs no node routes; drop them or use StaticRoutes")
		return
	}
	// Coverage in a family needs every route of it: an unknown or invalid one might cover what the
	// others miss.
	var incomplete famBits
	var routes []netip.Prefix
	// only[f] is the index of the one route of family f, or -1 when there are none or several.
	only := map[addressing.Family]int{addressing.IPv4: -1, addressing.IPv6: -1}
	count := map[addressing.Family]int{}
	for i, r := range p.NodeRoutes {
		path := "peering.nodeRoutes[" + itoa(i) + "]"
		if v.unknown(path) {
			incomplete = bothFams // of no known family
			continue
		}
		ok := v.checkNetwork(path, r)
		if !r.IsValid() {
			incomplete = bothFams
			continue
		}
		fam := addressing.PrefixFamily(r)
		if !ok || v.gwUnknown.has(fam) {
			incomplete |= bitOf(fam)
			continue
		}
		if !v.gwFams.has(fam) {
			v.add(path, CodeFamilyMismatch, "node route %s is %s but the anycast gateway has no %s address to route it via", r, fam, fam)
			continue
		}
		routes = append(routes, r)
		count[fam]++
		only[fam] = i
	}
	for fam, n := range count {
		if n != 1 {
			only[fam] = -1
		}
	}
	set := addressing.NewRouteSet(routes...)
	reported := make(map[netip.Addr]bool)
	for i := range v.d.Fabric.LeafPairs {
		pair := &v.d.Fabric.LeafPairs[i]
		fams := v.pairNodeFams[i] & v.pairLoopbackFams[i] &^ incomplete
		if fams == 0 {
			continue
		}
		for j := range pair.Leaves {
			lb := &pair.Leaves[j].PeeringLoopback
			for _, fam := range addressing.Families {
				if !fams.has(fam) {
					continue
				}
				lp := addressing.PrefixPair{IPv4: lb.IPv4, IPv6: lb.IPv6}.Get(fam)
				if !usableLoopback(lp, fam) {
					continue // reported where it stands
				}
				a := lp.Addr()
				if set.Covers(a) || reported[a] {
					continue
				}
				reported[a] = true
				peer := fmt.Sprintf("%s, the %s peering loopback of leaf %q (%s) that the nodes of leaf pair %q peer with", a, fam, pair.Leaves[j].Name, loopbackPath(i, j, fam), pair.Name)
				if k := only[fam]; k >= 0 {
					v.add("peering.nodeRoutes["+itoa(k)+"]", CodeUnreachablePeer, "node route %s does not cover %s, and it is the only %s node route", p.NodeRoutes[k], peer, fam)
					continue
				}
				v.add("peering.nodeRoutes", CodeUnreachablePeer, "no node route covers %s; %s node routes: %s", peer, fam, routesText(routes, fam))
			}
		}
	}
}

// routesText lists the routes of one family, at most a few.
func routesText(routes []netip.Prefix, fam addressing.Family) string {
	const most = 4
	var parts []string
	n := 0
	for _, r := range routes {
		if addressing.PrefixFamily(r) != fam {
			continue
		}
		n++
		if len(parts) < most {
			parts = append(parts, r.String())
		}
	}
	switch {
	case n == 0:
		return "none"
	case n > most:
		parts = append(parts, "…")
	}
	return strings.Join(parts, ", ")
}
