package design

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/nxcalico/nxcalico/addressing"
)

// owner is where an address of the design is written: the gateway, a leaf's loopback or a node.
type owner struct {
	kind ownerKind
	fam  addressing.Family
	i, j int32
}

// addrIndex maps addresses to their owners, with compact keys per family: 20,000 dual-stack nodes
// make it the largest map of Validate.
type addrIndex struct {
	v4 map[uint32]owner
	v6 map[[16]byte]owner
}

func newAddrIndex(n int) *addrIndex {
	return &addrIndex{v4: make(map[uint32]owner, n), v6: make(map[[16]byte]owner, n)}
}

func (x *addrIndex) get(a netip.Addr) (owner, bool) {
	if a.Is4() {
		b := a.As4()
		o, ok := x.v4[binary.BigEndian.Uint32(b[:])]
		return o, ok
	}
	o, ok := x.v6[a.As16()]
	return o, ok
}

func (x *addrIndex) put(a netip.Addr, o owner) {
	if a.Is4() {
		b := a.As4()
		x.v4[binary.BigEndian.Uint32(b[:])] = o
		return
	}
	x.v6[a.As16()] = o
}

type ownerKind uint8

const (
	ownGateway ownerKind = iota
	ownLoopback
	ownNode
)

func (v *validator) ownerPath(o owner) string {
	switch o.kind {
	case ownLoopback:
		return loopbackPath(int(o.i), int(o.j), o.fam)
	case ownNode:
		return nodePath(int(o.i)) + "." + famKey(o.fam)
	}
	return gatewayPath(o.fam)
}

func (v *validator) ownerText(o owner) string {
	switch o.kind {
	case ownLoopback:
		return fmt.Sprintf("the peering loopback of leaf %q (%s)", v.d.Fabric.LeafPairs[o.i].Leaves[o.j].Name, v.ownerPath(o))
	case ownNode:
		return fmt.Sprintf("the address of node %q (%s)", v.d.Cluster.Nodes[o.i].Name, v.ownerPath(o))
	}
	return fmt.Sprintf("the anycast gateway address (%s)", v.ownerPath(o))
}

// addresses checks that the gateway, loopback and node addresses are unique (loopbacks may repeat
// across pairs that each have their own color), and that pools, service ranges, gateway subnets and
// loopbacks do not overlap.
func (v *validator) addresses() {
	f := &v.d.Fabric
	c := &v.d.Cluster
	owners := newAddrIndex(len(c.Nodes) + 2*len(f.LeafPairs) + 1)
	var ranges []addressing.NamedPrefix

	for _, fam := range addressing.Families {
		if p := v.gw.Get(fam); p.IsValid() {
			owners.put(p.Addr(), owner{kind: ownGateway, fam: fam})
			ranges = append(ranges, addressing.NamedPrefix{Name: gatewayPath(fam), Prefix: p.Masked()})
		}
	}

	for i := range f.LeafPairs {
		pair := &f.LeafPairs[i]
		for j := range pair.Leaves {
			lb := &pair.Leaves[j].PeeringLoopback
			for _, fam := range addressing.Families {
				p := addressing.PrefixPair{IPv4: lb.IPv4, IPv6: lb.IPv6}.Get(fam)
				if !usableLoopback(p, fam) {
					continue // reported where it stands
				}
				a := p.Addr()
				first, seen := owners.get(a)
				if !seen {
					owners.put(a, owner{kind: ownLoopback, i: int32(i), j: int32(j), fam: fam})
					ranges = append(ranges, addressing.NamedPrefix{Name: loopbackPath(i, j, fam), Prefix: addressing.HostRoute(a)})
					continue
				}
				if first.kind != ownLoopback || int(first.i) == i {
					v.add(loopbackPath(i, j, fam), CodeDuplicateAddress, "%s is also %s", a, v.ownerText(first))
					continue
				}
				other := &f.LeafPairs[first.i]
				mine, theirs := pair.RouteTargetColor, other.RouteTargetColor
				if v.colorUnknown(i) || v.colorUnknown(int(first.i)) {
					continue // the colors decide, and one is unknown
				}
				if mine.IsZero() || theirs.IsZero() || mine == theirs {
					v.add(loopbackPath(i, j, fam), CodeSharedLoopbackNeedColor,
						"%s is also %s in leaf pair %q; pairs may reuse a loopback address only when each has its own routeTargetColor (%q has %s, %q has %s)",
						a, v.ownerText(first), other.Name, pair.Name, colorText(mine), other.Name, colorText(theirs))
				}
			}
		}
	}

	for i := range c.Nodes {
		n := &c.Nodes[i]
		for _, fam := range addressing.Families {
			a := addressing.AddrPair{IPv4: n.IPv4, IPv6: n.IPv6}.Get(fam)
			if !a.IsValid() || addressing.FamilyOf(a) != fam || a.Is4In6() || a.Zone() != "" {
				continue
			}
			first, seen := owners.get(a)
			switch {
			case !seen:
				owners.put(a, owner{kind: ownNode, i: int32(i), fam: fam})
			case first.kind == ownGateway:
				// reported as gateway-address
			default:
				v.add(nodePath(i)+"."+famKey(fam), CodeDuplicateAddress, "%s is also %s", a, v.ownerText(first))
			}
		}
	}

	for i, pool := range c.IPPools {
		if pool.CIDR.IsValid() && pool.CIDR == pool.CIDR.Masked() {
			ranges = append(ranges, addressing.NamedPrefix{Name: poolPath(i) + ".cidr", Prefix: pool.CIDR})
		}
	}
	for _, s := range v.serviceLists() {
		for i, p := range s.prefixes {
			if p.IsValid() && p == p.Masked() {
				ranges = append(ranges, addressing.NamedPrefix{Name: s.path + "[" + itoa(i) + "]", Prefix: p})
			}
		}
	}
	for _, o := range addressing.FindOverlaps(ranges) {
		v.add(o.B.Name, CodeOverlap, "%s overlaps %s (%s); IP pools, service ranges, the anycast gateway subnets and peering loopbacks must not overlap", o.B.Prefix, o.A.Prefix, o.A.Name)
	}
}

// colorUnknown reports whether the route-target color of pair i could not be decoded.
func (v *validator) colorUnknown(i int) bool {
	return v.u.pair(i) && v.u.fields(pairPath(i), pairFields).has(pairColor)
}

func colorText(rt RouteTarget) string {
	if rt.IsZero() {
		return "none"
	}
	return rt.String()
}
