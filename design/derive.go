package design

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/nxcalico/nxcalico/addressing"
)

// Derive validates the design and computes its Intent. It is pure: no I/O, and the same design
// always gives the same Intent. When the design has problems, Derive returns them (as Problems)
// and no Intent.
func Derive(d *Design) (*Intent, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return derive(d.WithDefaults()), nil
}

// derive computes the intent of a valid design with defaults filled in. It is linear in the number
// of leaves and nodes (plus the sorts).
func derive(d *Design) *Intent {
	p := &d.Peering
	gw := addressing.AddrPair{IPv4: d.Fabric.AnycastGateway.IPv4.Addr(), IPv6: d.Fabric.AnycastGateway.IPv6.Addr()}
	templateName := map[addressing.Family]string{addressing.IPv4: p.Templates.IPv4, addressing.IPv6: p.Templates.IPv6}

	nodesByPair := make(map[string][]*Node, len(d.Fabric.LeafPairs))
	for i := range d.Cluster.Nodes {
		n := &d.Cluster.Nodes[i]
		nodesByPair[n.LeafPair] = append(nodesByPair[n.LeafPair], n)
	}
	for _, ns := range nodesByPair {
		slices.SortFunc(ns, func(a, b *Node) int { return cmp.Compare(a.Name, b.Name) })
	}

	in := &Intent{
		Pairs:  make([]PairIntent, 0, len(d.Fabric.LeafPairs)),
		Leaves: make([]LeafIntent, 0, 2*len(d.Fabric.LeafPairs)),
		Nodes:  make([]NodeIntent, 0, len(d.Cluster.Nodes)),
	}
	shared := sharedLoopbacks(d.Fabric.LeafPairs)
	for _, pair := range d.Fabric.LeafPairs {
		nodes := nodesByPair[pair.Name]
		pi := PairIntent{Name: pair.Name, Color: pair.RouteTargetColor, Nodes: make([]string, len(nodes))}
		for i, n := range nodes {
			pi.Nodes[i] = n.Name
		}
		for _, leaf := range pair.Leaves {
			pi.Leaves = append(pi.Leaves, leaf.Name)
			in.Leaves = append(in.Leaves, deriveLeaf(d, pair, leaf, nodes, gw, templateName))
		}
		in.Pairs = append(in.Pairs, pi)

		routeCache := map[[2]bool][]Route{}
		for _, n := range nodes {
			in.Nodes = append(in.Nodes, deriveNode(d, pair, n, gw, routeCache))
		}
	}
	slices.SortFunc(in.Pairs, func(a, b PairIntent) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(in.Leaves, func(a, b LeafIntent) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(in.Nodes, func(a, b NodeIntent) int { return cmp.Compare(a.Name, b.Name) })

	c := &d.Cluster
	in.Cluster = ClusterIntent{
		Name:                   c.Name,
		ASN:                    c.ASN,
		FabricASN:              d.Fabric.ASN,
		Pools:                  c.IPPools,
		ServiceClusterIPs:      c.ServiceClusterIPs,
		ServiceExternalIPs:     c.ServiceExternalIPs,
		ServiceLoadBalancerIPs: c.ServiceLoadBalancerIPs,
		ListenPort:             c.ListenPort,
		NodeInterface:          c.NodeInterface,
		Reachability:           p.NodeReachability,
		Gateway:                gw,
		SharedLoopbacks:        shared,
		Peers:                  clusterPeers(d, shared),
		PasswordSecret:         p.PasswordSecret,
	}
	return in
}

func deriveLeaf(d *Design, pair LeafPair, leaf Leaf, nodes []*Node, gw addressing.AddrPair, templateName map[addressing.Family]string) LeafIntent {
	p := &d.Peering
	lb := leaf.PeeringLoopback
	lbPair := addressing.PrefixPair{IPv4: lb.IPv4, IPv6: lb.IPv6}
	li := LeafIntent{
		Name:             leaf.Name,
		Pair:             pair.Name,
		Management:       leaf.Management,
		ASN:              d.Fabric.ASN,
		RouterID:         leaf.RouterID,
		VRF:              d.Fabric.VRF,
		Loopback:         lb,
		Gateway:          d.Fabric.AnycastGateway,
		MaximumPaths:     p.MaximumPaths,
		MaximumPathsIBGP: p.MaximumPathsIBGP,
	}
	if !pair.RouteTargetColor.IsZero() {
		col := &Coloring{RouteTarget: pair.RouteTargetColor, RouteMap: p.ColorRouteMap, Loopback: lbPair}
		if lb.IPv4.IsValid() {
			col.PrefixListV4 = p.ColorPrefixList
		}
		if lb.IPv6.IsValid() {
			col.PrefixListV6 = p.ColorPrefixList + "_v6"
		}
		li.Coloring = col
	}
	for _, f := range addressing.Families {
		if !gw.Has(f) || !lbPair.Has(f) {
			continue
		}
		li.Templates = append(li.Templates, TemplateIntent{
			Name:               templateName[f],
			Family:             f,
			RemoteASN:          d.Cluster.ASN,
			LoopbackID:         lb.ID,
			EBGPMultihop:       p.EBGPMultihop,
			ASOverride:         *p.ASOverride,
			DisablePeerASCheck: *p.DisablePeerASCheck,
			SendCommunity:      true,
			Password:           p.PasswordSecret != nil,
		})
		if *p.AdvertiseDefaultRoute {
			li.Networks = append(li.Networks, Network{Prefix: defaultRoute(f)})
		}
		nw := Network{Prefix: lbPair.Get(f)}
		if li.Coloring != nil {
			nw.RouteMap = li.Coloring.RouteMap
		}
		li.Networks = append(li.Networks, nw)
		for _, n := range nodes {
			a := nodeAddr(n, f)
			if a.IsValid() {
				li.Neighbors = append(li.Neighbors, Neighbor{Addr: a, Family: f, Template: templateName[f], Node: n.Name})
			}
		}
	}
	slices.SortFunc(li.Neighbors, func(a, b Neighbor) int {
		return cmp.Or(cmp.Compare(a.Family, b.Family), a.Addr.Compare(b.Addr))
	})
	return li
}

func deriveNode(d *Design, pair LeafPair, n *Node, gw addressing.AddrPair, routeCache map[[2]bool][]Route) NodeIntent {
	ni := NodeIntent{
		Name:      n.Name,
		Pair:      pair.Name,
		Interface: d.Cluster.NodeInterface,
		Addr:      addressing.AddrPair{IPv4: n.IPv4, IPv6: n.IPv6},
	}
	for _, f := range addressing.Families {
		if !ni.Addr.Has(f) || !gw.Has(f) {
			continue
		}
		for _, leaf := range pair.Leaves {
			lb := addressing.PrefixPair{IPv4: leaf.PeeringLoopback.IPv4, IPv6: leaf.PeeringLoopback.IPv6}
			if lb.Has(f) {
				ni.Peers = append(ni.Peers, NodePeer{Leaf: leaf.Name, Addr: lb.Get(f).Addr(), Family: f, ASN: d.Fabric.ASN})
			}
		}
	}
	slices.SortFunc(ni.Peers, func(a, b NodePeer) int {
		return cmp.Or(cmp.Compare(a.Family, b.Family), a.Addr.Compare(b.Addr), cmp.Compare(a.Leaf, b.Leaf))
	})
	if d.Peering.NodeReachability != StaticRoutes {
		return ni
	}
	key := [2]bool{ni.Addr.Has(addressing.IPv4), ni.Addr.Has(addressing.IPv6)}
	if routes, ok := routeCache[key]; ok {
		ni.Routes = routes
		return ni
	}
	var prefixes []netip.Prefix
	if len(d.Peering.NodeRoutes) > 0 {
		for _, r := range d.Peering.NodeRoutes {
			if ni.Addr.Has(addressing.PrefixFamily(r)) {
				prefixes = append(prefixes, r)
			}
		}
	} else {
		for _, peer := range ni.Peers {
			prefixes = append(prefixes, addressing.HostRoute(peer.Addr))
		}
	}
	for _, pfx := range addressing.Summarize(prefixes) {
		ni.Routes = append(ni.Routes, Route{Prefix: pfx, Via: gw.Get(addressing.PrefixFamily(pfx)), Dev: d.Cluster.NodeInterface})
	}
	routeCache[key] = ni.Routes
	return ni
}

// sharedLoopbacks reports whether every pair is colored and all pairs use one and the same set of
// loopback addresses: then one global Calico peer per address serves every node.
func sharedLoopbacks(pairs []LeafPair) bool {
	if len(pairs) == 0 {
		return false
	}
	var first []netip.Prefix
	for i, pair := range pairs {
		if pair.RouteTargetColor.IsZero() {
			return false
		}
		var set []netip.Prefix
		for _, l := range pair.Leaves {
			for _, p := range []netip.Prefix{l.PeeringLoopback.IPv4, l.PeeringLoopback.IPv6} {
				if p.IsValid() {
					set = append(set, p)
				}
			}
		}
		slices.SortFunc(set, netip.Prefix.Compare)
		if i == 0 {
			first = set
		} else if !slices.Equal(first, set) {
			return false
		}
	}
	return true
}

// clusterPeers lists the BGP peers Calico needs: global ones per loopback address when loopbacks
// are shared, per pair otherwise.
func clusterPeers(d *Design, shared bool) []ClusterPeer {
	gwHas := func(f addressing.Family) bool {
		if f == addressing.IPv4 {
			return d.Fabric.AnycastGateway.IPv4.IsValid()
		}
		return d.Fabric.AnycastGateway.IPv6.IsValid()
	}
	var peers []ClusterPeer
	index := map[netip.Addr]int{}
	for _, pair := range d.Fabric.LeafPairs {
		for _, leaf := range pair.Leaves {
			for _, pfx := range []netip.Prefix{leaf.PeeringLoopback.IPv4, leaf.PeeringLoopback.IPv6} {
				f := addressing.PrefixFamily(pfx)
				if !pfx.IsValid() || !gwHas(f) {
					continue
				}
				if shared {
					if i, ok := index[pfx.Addr()]; ok {
						peers[i].Leaves = append(peers[i].Leaves, leaf.Name)
						continue
					}
					index[pfx.Addr()] = len(peers)
					peers = append(peers, ClusterPeer{Addr: pfx.Addr(), Family: f, ASN: d.Fabric.ASN, Leaves: []string{leaf.Name}})
					continue
				}
				peers = append(peers, ClusterPeer{Addr: pfx.Addr(), Family: f, ASN: d.Fabric.ASN, Pair: pair.Name, Leaves: []string{leaf.Name}})
			}
		}
	}
	slices.SortFunc(peers, func(a, b ClusterPeer) int {
		return cmp.Or(cmp.Compare(a.Pair, b.Pair), cmp.Compare(a.Family, b.Family), a.Addr.Compare(b.Addr))
	})
	return peers
}

func nodeAddr(n *Node, f addressing.Family) netip.Addr {
	if f == addressing.IPv6 {
		return n.IPv6
	}
	return n.IPv4
}

func defaultRoute(f addressing.Family) netip.Prefix {
	if f == addressing.IPv6 {
		return netip.PrefixFrom(netip.IPv6Unspecified(), 0)
	}
	return netip.PrefixFrom(netip.IPv4Unspecified(), 0)
}
