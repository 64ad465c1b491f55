package design

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
)

// cluster checks the Calico side: name, AS, node interface, nodes, pools and service ranges.
func (v *validator) cluster() {
	c := &v.d.Cluster
	if !v.unknown("cluster.name") {
		v.nameCheck("cluster.name", "cluster name", c.Name, checkDNSLabel(c.Name))
	}
	if !v.unknown("cluster.asn") {
		v.asnKnown[1] = v.checkASN("cluster.asn", c.ASN, "the cluster AS number")
	}
	if v.asnKnown[0] && v.asnKnown[1] && c.ASN == v.d.Fabric.ASN {
		v.add("cluster.asn", CodeSameASN, "the cluster AS %s is also the fabric AS (fabric.asn); the nodes peer with the leaves over eBGP and need an AS of their own", c.ASN)
	}
	if !v.unknown("cluster.nodeInterface") {
		v.nameCheck("cluster.nodeInterface", "node interface name", c.NodeInterface, checkInterfaceName(c.NodeInterface))
	}

	if v.unknown("cluster.nodes") {
		v.nodeUnknown = bothFams
	}
	names := make(map[string]int, len(c.Nodes))
	for i := range c.Nodes {
		v.node(i, names)
	}

	if v.unknown("cluster.ipPools") {
		// reported where it stands
	} else if len(c.IPPools) == 0 {
		v.add("cluster.ipPools", CodeRequired, "the cluster has no IP pools; want at least one")
	}
	poolNames := make(map[string]int, len(c.IPPools))
	for i := range c.IPPools {
		v.pool(i, poolNames)
	}
	for _, s := range v.serviceLists() {
		for i, p := range s.prefixes {
			path := s.path + "[" + itoa(i) + "]"
			if !v.unknown(path) && v.checkNetwork(path, p) {
				v.usableFamily(path, p, "service range")
			}
		}
	}
}

// serviceList is one of the cluster's service range lists.
type serviceList struct {
	path     string
	prefixes []netip.Prefix
}

func (v *validator) serviceLists() []serviceList {
	c := &v.d.Cluster
	return []serviceList{
		{"cluster.serviceClusterIPs", c.ServiceClusterIPs},
		{"cluster.serviceExternalIPs", c.ServiceExternalIPs},
		{"cluster.serviceLoadBalancerIPs", c.ServiceLoadBalancerIPs},
	}
}

func (v *validator) node(i int, names map[string]int) {
	n := &v.d.Cluster.Nodes[i]
	var unk fieldSet
	if v.u.node(i) {
		unk = v.u.fields(nodePath(i), nodeFields)
	}
	if !unk.has(nodeName) {
		if r := checkDNSSubdomain(n.Name); r != "" {
			v.nameCheck(nodeField(i, "name"), "node name", n.Name, r)
		} else {
			if first, dup := names[n.Name]; dup {
				v.add(nodeField(i, "name"), CodeDuplicateName, "node name %q is also the name of %s; node names must be unique", n.Name, nodePath(first))
			} else {
				names[n.Name] = i
			}
		}
	}
	pairIdx := -1
	switch idx, ok := v.pairByNm[n.LeafPair]; {
	case unk.has(nodeLeafPair):
	case n.LeafPair == "":
		v.add(nodeField(i, "leafPair"), CodeRequired, "node %q names no leaf pair", n.Name)
	case ok:
		pairIdx = idx
	case v.pairNamesUnknown:
		// It may be the pair whose name is unknown.
	default:
		v.unknownPair(nodeField(i, "leafPair"), n)
	}
	var unknownFams famBits
	for _, fam := range addressing.Families {
		if unk.has(famField(fam, nodeIPv4, nodeIPv6)) {
			unknownFams |= bitOf(fam)
		}
	}
	if unknownFams == 0 && !n.IPv4.IsValid() && !n.IPv6.IsValid() {
		v.add(nodePath(i), CodeRequired, "node %q has no address; want ipv4, ipv6 or both", n.Name)
		unknownFams = bothFams
	}
	for _, fam := range addressing.Families {
		a := addressing.AddrPair{IPv4: n.IPv4, IPv6: n.IPv6}.Get(fam)
		if unknownFams.has(fam) || !a.IsValid() {
			continue
		}
		if !plainAddrOf(a, fam) {
			v.checkAddrFamily(nodeField(i, famKey(fam)), a, fam)
			unknownFams |= bitOf(fam)
			continue
		}
		v.nodeFams |= bitOf(fam)
		if v.gwUnknown.has(fam) {
			continue // the gateway is unknown: nothing to compare the address with
		}
		gw := v.gw.Get(fam)
		if !gw.IsValid() {
			v.add(nodeField(i, famKey(fam)), CodeFamilyMismatch, "node address %s is %s but the anycast gateway has no %s address (%s)", a, fam, fam, gatewayPath(fam))
			continue
		}
		subnet := gw.Masked()
		switch {
		case !subnet.Contains(a):
			v.add(nodeField(i, famKey(fam)), CodeNotInSubnet, "%s is outside the anycast gateway subnet %s (%s); node addresses must be on the gateway's subnet", a, subnet, gatewayPath(fam))
			continue
		case a == gw.Addr():
			v.add(nodeField(i, famKey(fam)), CodeGatewayAddress, "%s is the anycast gateway address itself (%s)", a, gatewayPath(fam))
			continue
		case a == subnet.Addr() && subnet.Bits() < a.BitLen()-1:
			if fam == addressing.IPv4 {
				v.add(nodeField(i, famKey(fam)), CodeGatewayAddress, "%s is the network address of the gateway subnet %s", a, subnet)
			} else {
				v.add(nodeField(i, famKey(fam)), CodeGatewayAddress, "%s is the Subnet-Router anycast address of the gateway subnet %s", a, subnet)
			}
			continue
		case fam == addressing.IPv4 && subnet.Bits() < 31 && a == addressing.LastAddr(subnet):
			v.add(nodeField(i, famKey(fam)), CodeGatewayAddress, "%s is the broadcast address of the gateway subnet %s", a, subnet)
			continue
		}
		if pairIdx < 0 {
			continue
		}
		v.pairNodeFams[pairIdx] |= bitOf(fam)
		pair := &v.d.Fabric.LeafPairs[pairIdx]
		if len(pair.Leaves) > 0 && !v.pairLoopbackFams[pairIdx].has(fam) && !v.pairLoopbackUnknown[pairIdx].has(fam) {
			v.add(nodeField(i, famKey(fam)), CodeFamilyMismatch, "node address %s is %s but no leaf of pair %q has an %s peering loopback, so the node would have no %s BGP session", a, fam, pair.Name, fam, fam)
		}
	}
	v.nodeUnknown |= unknownFams
}

// unknownPair reports a node attached to a pair the fabric does not have, with a suggestion.
func (v *validator) unknownPair(path string, n *Node) {
	names := make([]string, 0, len(v.pairByNm))
	for name := range v.pairByNm {
		names = append(names, name)
	}
	slices.Sort(names)
	hint := ""
	if s := suggest(n.LeafPair, names); s != "" {
		hint = " (did you mean " + strconv.Quote(s) + "?)"
	} else if len(names) > 0 && len(names) <= 8 {
		hint = " (pairs: " + strings.Join(names, ", ") + ")"
	}
	v.add(path, CodeUnknownLeafPair, "node %q names leaf pair %q, which is not in fabric.leafPairs%s", n.Name, n.LeafPair, hint)
}

func (v *validator) pool(i int, names map[string]int) {
	pool := &v.d.Cluster.IPPools[i]
	user := &v.user.Cluster.IPPools[i]
	path := poolPath(i)
	var unk fieldSet
	if v.u != nil {
		unk = v.u.fields(path, poolFields)
	}
	if !unk.has(poolName) && v.nameCheck(path+".name", "IP pool name", pool.Name, checkDNSSubdomain(pool.Name)) {
		if first, dup := names[pool.Name]; dup {
			v.add(path+".name", CodeDuplicateName, "IP pool name %q is also the name of %s; pool names must be unique", pool.Name, poolPath(first))
		} else {
			names[pool.Name] = i
		}
	}
	if unk.has(poolCIDR) || !v.checkNetwork(path+".cidr", pool.CIDR) {
		v.enums(path, pool, 0, unk)
		return
	}
	fam := addressing.PrefixFamily(pool.CIDR)
	v.usableFamily(path+".cidr", pool.CIDR, "IP pool")

	lo, hi := 20, 32
	if fam == addressing.IPv6 {
		lo, hi = 116, 128
	}
	defaulted := ""
	if user.BlockSize == 0 {
		defaulted = " (the default)"
	}
	switch bs := pool.BlockSize; {
	case unk.has(poolBlockSize):
	case bs < lo || bs > hi:
		v.add(path+".blockSize", CodeBlockSize, "block size %d%s is outside %d to %d, Calico's range for %s pools", bs, defaulted, lo, hi, fam)
	case bs < pool.CIDR.Bits():
		v.add(path+".blockSize", CodeBlockSize, "block size /%d%s is larger than the pool %s; want a block size of at least %d", bs, defaulted, pool.CIDR, pool.CIDR.Bits())
	}
	v.enums(path, pool, fam, unk)
}

// enums checks a pool's encapsulation and mode; fam is the pool's family, or 0 when unknown, and
// unk the pool's unknown fields.
func (v *validator) enums(path string, pool *IPPool, fam addressing.Family, unk fieldSet) {
	if !unk.has(poolEncapsulation) {
		switch pool.Encapsulation {
		case EncapNone, EncapVXLAN:
		case EncapIPIP:
			if fam == addressing.IPv6 {
				v.add(path+".encapsulation", CodeFamilyMismatch, "IPIP encapsulation on the IPv6 pool %s: IPIP carries IPv4 only; use VXLAN or None", pool.CIDR)
			}
		default:
			v.add(path+".encapsulation", CodeInvalidValue, "encapsulation %q is not one of IPIP, VXLAN, None", pool.Encapsulation)
		}
	}
	if unk.has(poolEncapsulationMode) {
		return
	}
	switch pool.EncapsulationMode {
	case "":
	case ModeAlways, ModeCrossSubnet:
		if pool.Encapsulation == EncapNone && !unk.has(poolEncapsulation) {
			v.add(path+".encapsulationMode", CodeInvalidValue, "encapsulation mode %s applies only with IPIP or VXLAN encapsulation, and the pool has none", pool.EncapsulationMode)
		}
	default:
		v.add(path+".encapsulationMode", CodeInvalidValue, "encapsulation mode %q is not one of Always, CrossSubnet", pool.EncapsulationMode)
	}
}

// usableFamily reports a pool or service range of a family no node has (or, without nodes, the
// anycast gateway lacks): no BGP session could carry it.
func (v *validator) usableFamily(path string, p netip.Prefix, what string) {
	fam := addressing.PrefixFamily(p)
	if len(v.d.Cluster.Nodes) > 0 || v.nodeUnknown != 0 {
		if !v.nodeFams.has(fam) && !v.nodeUnknown.has(fam) {
			v.add(path, CodeFamilyMismatch, "%s %s is %s but no node has an %s address", what, p, fam, fam)
		}
		return
	}
	if !v.gwFams.has(fam) && !v.gwUnknown.has(fam) {
		v.add(path, CodeFamilyMismatch, "%s %s is %s but the anycast gateway has no %s address", what, p, fam, fam)
	}
}
