package design

import "github.com/nxcalico/nxcalico/addressing"

// maxCalicoASN is the largest AS number Calico's CRDs accept.
const maxCalicoASN = 2147483647

// safety checks the route-safety settings: the filters' names, what the leaves send the nodes,
// the maximum-prefix limit and graceful restart timing.
func (v *validator) safety() {
	p := &v.d.Peering
	// Calico's CRDs declare asNumber as a signed 32-bit integer: BGPConfiguration and BGPPeer
	// cannot carry a 4-byte AS above 2147483647 (which includes the private range 4200000000+).
	for _, a := range []struct {
		path string
		asn  ASN
	}{{"fabric.asn", v.d.Fabric.ASN}, {"cluster.asn", v.d.Cluster.ASN}} {
		if a.asn > maxCalicoASN {
			v.add(a.path, CodeInvalidASN, "AS %s is above %d, the largest AS number Calico's BGPConfiguration and BGPPeer accept (asNumber is a signed 32-bit field)", a.asn, maxCalicoASN)
		}
	}
	if *p.RouteFilters && !v.unknown("peering.routeFilters") {
		for _, t := range []struct{ path, name string }{
			{"peering.templates.ipv4", p.Templates.IPv4},
			{"peering.templates.ipv6", p.Templates.IPv6},
		} {
			if !v.unknown(t.path) && checkNXOSName(t.name, maxNXOSNameLen) == "" && len(t.name)+len("-out") > maxNXOSNameLen {
				v.add(t.path, CodeInvalidName, "template name %q is %d characters long; the route filters named after it (%q) must stay within %d", t.name, len(t.name), t.name+"-out", maxNXOSNameLen)
			}
		}
		v.filteredPrefixes()
	}
	v.advertiseToNodes()

	switch {
	case v.unknown("peering.maximumPrefix"):
	case p.MaximumPrefix < 0 || p.MaximumPrefix > 4294967295:
		v.add("peering.maximumPrefix", CodeInvalidValue, "maximumPrefix %d is outside 1 to 4294967295 (0 computes it from the pools)", p.MaximumPrefix)
	case p.MaximumPrefix > 0 && !v.announcedUnknown():
		for _, f := range addressing.Families {
			if !v.gwFams.has(f) || !v.loopbackFams.has(f) {
				continue
			}
			if need := MinimumPrefixes(v.d, f); p.MaximumPrefix < need {
				v.add("peering.maximumPrefix", CodeMaxPrefixTooLow, "maximumPrefix %d is below the %d %s prefixes one node announces (the blocks for %d pods per node plus one per service range): the leaves would shut healthy sessions down", p.MaximumPrefix, need, f, v.d.Cluster.MaxPodsPerNode)
			}
		}
	}
	if w := p.MaximumPrefixWarning; (w < 1 || w > 100) && !v.unknown("peering.maximumPrefixWarning") {
		v.add("peering.maximumPrefixWarning", CodeInvalidValue, "maximumPrefixWarning %d is outside 1 to 100 (percent)", w)
	}
	if m := v.d.Cluster.MaxPodsPerNode; (m < 1 || m > 65535) && !v.unknown("cluster.maxPodsPerNode") {
		v.add("cluster.maxPodsPerNode", CodeInvalidValue, "maxPodsPerNode %d is outside 1 to 65535", m)
	}
	if gr := p.GracefulRestart; gr != nil {
		if (gr.RestartTime < 1 || gr.RestartTime > 3600) && !v.unknown("peering.gracefulRestart.restartTime") {
			v.add("peering.gracefulRestart.restartTime", CodeInvalidValue, "restartTime %d is outside 1 to 3600 seconds", gr.RestartTime)
		}
		if (gr.StalePathTime < 1 || gr.StalePathTime > 3600) && !v.unknown("peering.gracefulRestart.stalePathTime") {
			v.add("peering.gracefulRestart.stalePathTime", CodeInvalidValue, "stalePathTime %d is outside 1 to 3600 seconds", gr.StalePathTime)
		}
	}
}

// announcedUnknown reports whether something that decides how many prefixes a node announces
// (pools, block sizes, service ranges, pods per node) could not be decoded.
func (v *validator) announcedUnknown() bool {
	if v.u == nil {
		return false
	}
	for _, path := range []string{"cluster.ipPools", "cluster.serviceClusterIPs", "cluster.serviceExternalIPs", "cluster.serviceLoadBalancerIPs", "cluster.maxPodsPerNode"} {
		if v.u.within(path) {
			return true
		}
	}
	return false
}

// filteredPrefixes reports pools and service ranges of a family the leaves do not peer in: their
// inbound policy (and the lack of a session) would drop every route of them.
func (v *validator) filteredPrefixes() {
	// A family counts as peered when the gateway and some loopback have it, or may have it: an
	// invalid or unknown value is reported where it stands, and dropping its pools would be noise.
	gw, lb := v.gwFams|v.gwUnknown, v.loopbackFams|v.loopbackUnknown
	if gw == 0 || lb == 0 {
		return // no peering at all is reported where it is missing
	}
	peered := func(f addressing.Family) bool { return gw.has(f) && lb.has(f) }
	for i, pool := range v.d.Cluster.IPPools {
		if f := addressing.PrefixFamily(pool.CIDR); pool.CIDR.IsValid() && !peered(f) {
			v.add(poolPath(i)+".cidr", CodeFilteredPrefix, "pool %s is %s, but the leaves have no %s peering with the nodes: their inbound policy would drop its blocks", pool.CIDR, f, f)
		}
	}
	for _, list := range v.serviceLists() {
		for i, p := range list.prefixes {
			if f := addressing.PrefixFamily(p); p.IsValid() && !peered(f) {
				v.add(list.path+"["+itoa(i)+"]", CodeFilteredPrefix, "service range %s is %s, but the leaves have no %s peering with the nodes: their inbound policy would drop it", p, f, f)
			}
		}
	}
}

// advertiseToNodes checks the extra prefixes the leaves send the nodes: valid networks that
// overlap nothing the nodes own or peer with.
func (v *validator) advertiseToNodes() {
	list := v.d.Peering.AdvertiseToNodes
	if len(list) == 0 {
		return
	}
	var owned []addressing.NamedPrefix
	for i, pool := range v.d.Cluster.IPPools {
		owned = append(owned, addressing.NamedPrefix{Name: "pool " + poolPath(i) + ".cidr", Prefix: pool.CIDR})
	}
	for _, sl := range v.serviceLists() {
		for i, p := range sl.prefixes {
			owned = append(owned, addressing.NamedPrefix{Name: "service range " + sl.path + "[" + itoa(i) + "]", Prefix: p})
		}
	}
	for _, f := range addressing.Families {
		if g := v.gw.Get(f); g.IsValid() {
			owned = append(owned, addressing.NamedPrefix{Name: "anycast gateway subnet " + gatewayPath(f), Prefix: g.Masked()})
		}
	}
	for i, pair := range v.d.Fabric.LeafPairs {
		for j, leaf := range pair.Leaves {
			for _, f := range addressing.Families {
				if p := (addressing.PrefixPair{IPv4: leaf.PeeringLoopback.IPv4, IPv6: leaf.PeeringLoopback.IPv6}).Get(f); usableLoopback(p, f) {
					owned = append(owned, addressing.NamedPrefix{Name: "loopback " + loopbackPath(i, j, f), Prefix: p})
				}
			}
		}
	}
	items := make([]addressing.NamedPrefix, 0, len(owned)+len(list))
	items = append(items, owned...)
	listed := map[string]int{}
	for i, p := range list {
		path := "peering.advertiseToNodes[" + itoa(i) + "]"
		if v.unknown(path) || !v.checkNetwork(path, p) {
			continue
		}
		if p.Bits() == 0 {
			v.add(path, CodeUnsafeAdvertisement, "%s is the default route: set advertiseDefaultRoute instead", p)
			continue
		}
		f := addressing.PrefixFamily(p)
		// A family the gateway or the loopbacks may have (an unknown value) is not a mismatch.
		if !(v.gwFams | v.gwUnknown).has(f) || !(v.loopbackFams | v.loopbackUnknown).has(f) {
			v.add(path, CodeFamilyMismatch, "%s is %s, but the leaves have no %s peering with the nodes", p, f, f)
			continue
		}
		listed[path] = i
		items = append(items, addressing.NamedPrefix{Name: path, Prefix: p})
	}
	for _, o := range addressing.FindOverlaps(items) {
		a, b := o.A, o.B
		if _, ok := listed[b.Name]; !ok {
			a, b = b, a
		}
		if _, ok := listed[b.Name]; !ok {
			continue // two owned prefixes: not this check's business
		}
		if _, ok := listed[a.Name]; ok {
			continue // two listed prefixes may overlap
		}
		v.add(b.Name, CodeUnsafeAdvertisement, "%s overlaps %s %s: the nodes would route those addresses to the fabric", b.Prefix, a.Name, a.Prefix)
	}
}
