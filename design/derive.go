package design

import (
	"cmp"
	"math/bits"
	"net/netip"
	"slices"

	"github.com/nxcalico/nxcalico/addressing"
)

// Derive validates the design and computes its Intent. It is pure: no I/O, and the same design
// always gives the same Intent. When the design has problems, Derive returns them (as Problems)
// and no Intent.
func Derive(d *Design) (*Intent, error) {
	w, err := d.validated()
	if err != nil {
		return nil, err
	}
	return derive(w), nil
}

// deriver holds what every leaf and node of one derivation shares.
type deriver struct {
	d       *Design // valid, defaults filled in
	gw      addressing.AddrPair
	filters bool
	// importPolicy and exportPolicy are the leaf policies per family, shared by every template
	// of that family (index 0 IPv4, 1 IPv6).
	importPolicy, exportPolicy [2]*Policy
	maxPrefix                  [2]int
}

func famIndex(f addressing.Family) int {
	if f == addressing.IPv6 {
		return 1
	}
	return 0
}

// derive computes the intent of a valid design with defaults filled in. It is linear in the number
// of leaves and nodes (plus one sort of the node names).
func derive(d *Design) *Intent {
	dv := &deriver{
		d:       d,
		gw:      addressing.AddrPair{IPv4: d.Fabric.AnycastGateway.IPv4.Addr(), IPv6: d.Fabric.AnycastGateway.IPv6.Addr()},
		filters: *d.Peering.RouteFilters,
	}
	for _, f := range addressing.Families {
		dv.maxPrefix[famIndex(f)] = maxPrefix(d, f)
		if dv.filters {
			name := dv.templateName(f)
			dv.importPolicy[famIndex(f)] = &Policy{RouteMap: name + "-in", PrefixList: name + "-in", Family: f, Entries: announceable(d, f)}
			dv.exportPolicy[famIndex(f)] = &Policy{RouteMap: name + "-out", PrefixList: name + "-out", Family: f, Entries: receivable(d, f)}
		}
	}

	// Nodes in name order; each pair's nodes are then in name order too.
	nodes := make([]*Node, len(d.Cluster.Nodes))
	for i := range d.Cluster.Nodes {
		nodes[i] = &d.Cluster.Nodes[i]
	}
	slices.SortFunc(nodes, func(a, b *Node) int { return cmp.Compare(a.Name, b.Name) })
	nodesByPair := make(map[string][]*Node, len(d.Fabric.LeafPairs))
	for _, n := range nodes {
		nodesByPair[n.LeafPair] = append(nodesByPair[n.LeafPair], n)
	}
	pairs := make([]*LeafPair, len(d.Fabric.LeafPairs))
	pairByName := make(map[string]*LeafPair, len(pairs))
	for i := range d.Fabric.LeafPairs {
		pairs[i] = &d.Fabric.LeafPairs[i]
		pairByName[pairs[i].Name] = pairs[i]
	}
	slices.SortFunc(pairs, func(a, b *LeafPair) int { return cmp.Compare(a.Name, b.Name) })

	in := &Intent{
		Fabric: FabricIntent{
			ASN:              d.Fabric.ASN,
			VRF:              d.Fabric.VRF,
			Gateway:          d.Fabric.AnycastGateway,
			MaximumPaths:     d.Peering.MaximumPaths,
			MaximumPathsIBGP: d.Peering.MaximumPathsIBGP,
			GracefulRestart:  d.Peering.GracefulRestart,
			Names:            ownedNames(&d.Peering),
			Retired:          retired(d.Fabric.RetiredLeaves),
		},
		Pairs:  make([]PairIntent, 0, len(pairs)),
		Leaves: make([]LeafIntent, 0, 2*len(pairs)),
		Nodes:  make([]NodeIntent, 0, len(nodes)),
	}
	for _, pair := range pairs {
		members := nodesByPair[pair.Name]
		pi := PairIntent{Name: pair.Name, Color: pair.RouteTargetColor, Nodes: make([]string, len(members))}
		for i, n := range members {
			pi.Nodes[i] = n.Name
		}
		for _, leaf := range pair.Leaves {
			pi.Leaves = append(pi.Leaves, leaf.Name)
			in.Leaves = append(in.Leaves, dv.leaf(pair, &leaf, members))
		}
		in.Pairs = append(in.Pairs, pi)
	}
	slices.SortFunc(in.Leaves, func(a, b LeafIntent) int { return cmp.Compare(a.Name, b.Name) })

	routeCache := map[routeKey][]Route{}
	for _, n := range nodes {
		in.Nodes = append(in.Nodes, dv.node(pairByName[n.LeafPair], n, routeCache))
	}

	shared := sharedLoopbacks(d.Fabric.LeafPairs)
	c := &d.Cluster
	in.Cluster = ClusterIntent{
		Name:                   c.Name,
		ASN:                    c.ASN,
		Pools:                  c.IPPools,
		ServiceClusterIPs:      c.ServiceClusterIPs,
		ServiceExternalIPs:     c.ServiceExternalIPs,
		ServiceLoadBalancerIPs: c.ServiceLoadBalancerIPs,
		ListenPort:             c.ListenPort,
		NodeInterface:          c.NodeInterface,
		Reachability:           d.Peering.NodeReachability,
		SharedLoopbacks:        shared,
		Peers:                  clusterPeers(d, shared),
		PasswordSecret:         d.Peering.PasswordSecret,
	}
	if gr := d.Peering.GracefulRestart; gr != nil {
		in.Cluster.MaxRestartTime = gr.RestartTime
	}
	if dv.filters {
		for _, f := range addressing.Families {
			if !dv.gw.Has(f) {
				continue
			}
			in.Cluster.Export = append(in.Cluster.Export, Policy{Family: f, Entries: dv.importPolicy[famIndex(f)].Entries})
			in.Cluster.Import = append(in.Cluster.Import, Policy{Family: f, Entries: dv.exportPolicy[famIndex(f)].Entries})
		}
	}
	return in
}

func (dv *deriver) templateName(f addressing.Family) string {
	if f == addressing.IPv6 {
		return dv.d.Peering.Templates.IPv6
	}
	return dv.d.Peering.Templates.IPv4
}

func (dv *deriver) leaf(pair *LeafPair, leaf *Leaf, nodes []*Node) LeafIntent {
	d, p := dv.d, &dv.d.Peering
	lb := leaf.PeeringLoopback
	lbPair := addressing.PrefixPair{IPv4: lb.IPv4, IPv6: lb.IPv6}
	li := LeafIntent{
		Name:       leaf.Name,
		Pair:       pair.Name,
		Management: leaf.Management,
		RouterID:   leaf.RouterID,
		Loopback:   lb,
		Neighbors:  make([]Neighbor, 0, 2*len(nodes)),
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
		if !dv.gw.Has(f) || !lbPair.Has(f) {
			continue
		}
		name := dv.templateName(f)
		li.Templates = append(li.Templates, TemplateIntent{
			Name:               name,
			Family:             f,
			RemoteASN:          d.Cluster.ASN,
			LoopbackID:         lb.ID,
			EBGPMultihop:       p.EBGPMultihop,
			ASOverride:         *p.ASOverride,
			DisablePeerASCheck: *p.DisablePeerASCheck,
			SendCommunity:      true,
			Password:           p.PasswordSecret != nil,
			Import:             dv.importPolicy[famIndex(f)],
			Export:             dv.exportPolicy[famIndex(f)],
			MaxPrefix:          dv.maxPrefix[famIndex(f)],
			MaxPrefixWarning:   p.MaximumPrefixWarning,
		})
		if *p.AdvertiseDefaultRoute {
			li.Networks = append(li.Networks, Network{Prefix: defaultRoute(f)})
		}
		nw := Network{Prefix: lbPair.Get(f)}
		if li.Coloring != nil {
			nw.RouteMap = li.Coloring.RouteMap
		}
		li.Networks = append(li.Networks, nw)
		start := len(li.Neighbors)
		for _, n := range nodes {
			if a := nodeAddr(n, f); a.IsValid() {
				li.Neighbors = append(li.Neighbors, Neighbor{Addr: a, Family: f, Template: name, Node: n.Name})
			}
		}
		fam := li.Neighbors[start:]
		slices.SortFunc(fam, func(a, b Neighbor) int { return a.Addr.Compare(b.Addr) })
	}
	return li
}

// retired returns the retired leaf names sorted, nil when there are none.
func retired(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	return slices.Sorted(slices.Values(names))
}

// ownedNames lists every leaf object name the peering settings give, in use or not.
func ownedNames(p *Peering) OwnedNames {
	n := OwnedNames{
		Templates:   []string{p.Templates.IPv4, p.Templates.IPv6},
		RouteMaps:   []string{p.ColorRouteMap},
		PrefixLists: []string{p.ColorPrefixList, p.ColorPrefixList + "_v6"},
	}
	for _, t := range n.Templates {
		n.RouteMaps = append(n.RouteMaps, t+"-in", t+"-out")
		n.PrefixLists = append(n.PrefixLists, t+"-in", t+"-out")
	}
	for _, list := range []*[]string{&n.Templates, &n.RouteMaps, &n.PrefixLists} {
		slices.Sort(*list)
		*list = slices.Compact(*list)
	}
	return n
}

// routeKey identifies a node's routes: they depend only on its pair and its families.
type routeKey struct {
	pair       string
	ipv4, ipv6 bool
}

func (dv *deriver) node(pair *LeafPair, n *Node, routeCache map[routeKey][]Route) NodeIntent {
	d := dv.d
	ni := NodeIntent{
		Name:      n.Name,
		Pair:      pair.Name,
		Interface: d.Cluster.NodeInterface,
		Addr:      addressing.AddrPair{IPv4: n.IPv4, IPv6: n.IPv6},
	}
	for _, f := range addressing.Families {
		if !ni.Addr.Has(f) || !dv.gw.Has(f) {
			continue
		}
		start := len(ni.Peers)
		for _, leaf := range pair.Leaves {
			lb := addressing.PrefixPair{IPv4: leaf.PeeringLoopback.IPv4, IPv6: leaf.PeeringLoopback.IPv6}
			if lb.Has(f) {
				ni.Peers = append(ni.Peers, NodePeer{Leaf: leaf.Name, Addr: lb.Get(f).Addr(), Family: f, ASN: d.Fabric.ASN})
			}
		}
		slices.SortFunc(ni.Peers[start:], func(a, b NodePeer) int {
			return cmp.Or(a.Addr.Compare(b.Addr), cmp.Compare(a.Leaf, b.Leaf))
		})
	}
	if d.Peering.NodeReachability != StaticRoutes {
		return ni
	}
	key := routeKey{pair: pair.Name, ipv4: ni.Addr.Has(addressing.IPv4), ipv6: ni.Addr.Has(addressing.IPv6)}
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
		ni.Routes = append(ni.Routes, Route{Prefix: pfx, Via: dv.gw.Get(addressing.PrefixFamily(pfx)), Dev: d.Cluster.NodeInterface})
	}
	routeCache[key] = ni.Routes
	return ni
}

// announceable lists what the nodes may announce in family f: each pod pool up to its block size
// and each service range up to host routes.
func announceable(d *Design, f addressing.Family) []PolicyEntry {
	var entries []PolicyEntry
	upTo := func(p netip.Prefix, maxLen int) {
		e := PolicyEntry{Prefix: p}
		if maxLen > p.Bits() {
			e.MaxLen = maxLen
		}
		entries = append(entries, e)
	}
	for _, pool := range d.Cluster.IPPools {
		if addressing.PrefixFamily(pool.CIDR) == f {
			upTo(pool.CIDR, pool.BlockSize)
		}
	}
	for _, list := range [][]netip.Prefix{d.Cluster.ServiceClusterIPs, d.Cluster.ServiceExternalIPs, d.Cluster.ServiceLoadBalancerIPs} {
		for _, p := range list {
			if addressing.PrefixFamily(p) == f {
				upTo(p, p.Addr().BitLen())
			}
		}
	}
	return entries
}

// receivable lists what the leaves send the nodes in family f: the default route when advertised,
// and the design's extra prefixes, each exactly.
func receivable(d *Design, f addressing.Family) []PolicyEntry {
	var entries []PolicyEntry
	if *d.Peering.AdvertiseDefaultRoute {
		entries = append(entries, PolicyEntry{Prefix: defaultRoute(f)})
	}
	if *d.Peering.AdvertisePodBlocks {
		for _, pool := range d.Cluster.IPPools {
			if addressing.PrefixFamily(pool.CIDR) == f {
				e := PolicyEntry{Prefix: pool.CIDR}
				if pool.BlockSize > pool.CIDR.Bits() {
					e.MaxLen = pool.BlockSize
				}
				entries = append(entries, e)
			}
		}
	}
	for _, p := range d.Peering.AdvertiseToNodes {
		if addressing.PrefixFamily(p) == f {
			entries = append(entries, PolicyEntry{Prefix: p})
		}
	}
	return entries
}

// MinimumPrefixes is the number of prefixes one node may legitimately announce in family f: the
// blocks it can own (enough for the cluster's MaxPodsPerNode pods, plus one, within each pool of
// the family, never more than the pool has) and one route per service range. A maximum-prefix
// below it would tear down healthy sessions. The design must have its defaults filled in.
func MinimumPrefixes(d *Design, f addressing.Family) int {
	total := 0
	for _, pool := range d.Cluster.IPPools {
		if addressing.PrefixFamily(pool.CIDR) != f || pool.BlockSize < pool.CIDR.Bits() {
			continue
		}
		total += blocksPerNode(pool, d.Cluster.MaxPodsPerNode)
	}
	for _, list := range [][]netip.Prefix{d.Cluster.ServiceClusterIPs, d.Cluster.ServiceExternalIPs, d.Cluster.ServiceLoadBalancerIPs} {
		for _, p := range list {
			if addressing.PrefixFamily(p) == f {
				total++
			}
		}
	}
	return total
}

// blocksPerNode is how many blocks of the pool one node needs for maxPods pods, plus one, capped
// at the number of blocks in the pool.
func blocksPerNode(pool IPPool, maxPods int) int {
	hostBits := pool.CIDR.Addr().BitLen() - pool.BlockSize // addresses per block = 2^hostBits
	perBlock := uint64(1) << min(hostBits, 62)
	need := (uint64(maxPods)+perBlock-1)/perBlock + 1
	if poolBits := pool.BlockSize - pool.CIDR.Bits(); poolBits < 62 {
		need = min(need, uint64(1)<<poolBits)
	}
	return int(min(need, uint64(1)<<(bits.UintSize-2)))
}

// maxPrefix is the maximum-prefix a leaf applies to one node in family f.
func maxPrefix(d *Design, f addressing.Family) int {
	if d.Peering.MaximumPrefix > 0 {
		return d.Peering.MaximumPrefix
	}
	return MinimumPrefixes(d, f) + DefaultMaximumPrefixHeadroom
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
	gw := addressing.PrefixPair{IPv4: d.Fabric.AnycastGateway.IPv4, IPv6: d.Fabric.AnycastGateway.IPv6}
	var peers []ClusterPeer
	index := map[netip.Addr]int{}
	for _, pair := range d.Fabric.LeafPairs {
		for _, leaf := range pair.Leaves {
			for _, pfx := range []netip.Prefix{leaf.PeeringLoopback.IPv4, leaf.PeeringLoopback.IPv6} {
				f := addressing.PrefixFamily(pfx)
				if !pfx.IsValid() || !gw.Has(f) {
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
