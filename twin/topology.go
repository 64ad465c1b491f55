package twin

import (
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"regexp"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
)

// GatewayMAC is the anycast-gateway MAC address both leaves of a pair answer with (the NX-OS
// default anycast-gateway MAC, 2020.0000.00aa).
const GatewayMAC = "20:20:00:00:00:aa"

// Interface names inside the namespaces.
const (
	gatewayBridge = "gw"   // a leaf's bridge holding the anycast gateway, one port per node
	fabricBridge  = "fab"  // the fabric namespace's bridge, one port per leaf
	fabricPort    = "fab0" // a leaf's link into the fabric
)

// Candidate fabric ranges, tried in order when Options leaves them zero.
var (
	fabricCandidatesV4 = []string{"100.127.255.0/24", "198.18.0.0/24", "172.31.255.0/24", "10.255.255.0/24"}
	fabricCandidatesV6 = []string{"fd7e:7769:6e00::/64", "fd7e:7769:6e01::/64", "fdff:ffff:ffff::/64"}
)

// Topology is the lab a design becomes: its namespaces, links and addresses. It is computed,
// checked and refused before anything is created.
type Topology struct {
	Prefix string
	Fabric FabricNS
	Leaves []LeafNS
	Nodes  []NodeNS
}

// FabricNS is the namespace joining the leaves: a bridge with one port per leaf.
type FabricNS struct {
	Netns  string
	IPv4   netip.Prefix // the fabric's IPv4 subnet
	IPv6   netip.Prefix // the fabric's IPv6 subnet
	Leaves []string     // the leaf names in port order; leaf i's port is "l<i>"
}

// LeafNS is one leaf's namespace.
type LeafNS struct {
	Name  string // the leaf's name in the design
	Pair  string
	Netns string
	// Loopback is the peering loopback, on lo.
	Loopback addressing.PrefixPair
	// Gateway is the anycast gateway (address with subnet length) on the gateway bridge.
	Gateway addressing.PrefixPair
	// Fabric is the leaf's address on the fabric, per family.
	Fabric addressing.AddrPair
	// Ports are the bridge ports towards the pair's nodes.
	Ports []Port
	// FabricDev is the leaf's port on the fabric namespace's bridge.
	FabricDev string
}

// Port is one veth between a leaf's gateway bridge and a node.
type Port struct {
	LeafDev string // in the leaf namespace, on the gateway bridge
	Node    string
	NodeDev string // the node's uplink
}

// NodeNS is one Calico node's namespace.
type NodeNS struct {
	Name  string
	Pair  string
	Netns string
	Addr  addressing.AddrPair
	// Uplinks are the node's links, one per leaf of its pair, each with the node's addresses.
	Uplinks []Uplink
	// Routes are the kernel routes to the leaf loopbacks (the design's node routes, per uplink).
	Routes []KernelRoute
	// Blocks are the node's IPAM blocks (one per pool it uses), as blackhole routes.
	Blocks []netip.Prefix
	// Pods are one pod address per block, on lo.
	Pods []netip.Addr
	// Services are the service addresses the node answers for (one per service range), on lo.
	Services []netip.Addr
}

// Uplink is one of a node's links to a leaf.
type Uplink struct {
	Leaf string
	Dev  string
}

// KernelRoute is a static route via the anycast gateway out of one or more uplinks.
type KernelRoute struct {
	Prefix netip.Prefix
	Via    netip.Addr
	Devs   []string // several: an ECMP route
}

// Pod returns the node's pod address of the family (the first), or the zero Addr.
func (n *NodeNS) Pod(f addressing.Family) netip.Addr {
	for _, a := range n.Pods {
		if addressing.FamilyOf(a) == f {
			return a
		}
	}
	return netip.Addr{}
}

// Namespaces lists every namespace of the topology: fabric, leaves, nodes.
func (t *Topology) Namespaces() []string {
	out := []string{t.Fabric.Netns}
	for _, l := range t.Leaves {
		out = append(out, l.Netns)
	}
	for _, n := range t.Nodes {
		out = append(out, n.Netns)
	}
	return out
}

// Leaf returns the leaf namespace of that name, or nil.
func (t *Topology) Leaf(name string) *LeafNS {
	for i := range t.Leaves {
		if t.Leaves[i].Name == name {
			return &t.Leaves[i]
		}
	}
	return nil
}

// Node returns the node namespace of that name, or nil.
func (t *Topology) Node(name string) *NodeNS {
	for i := range t.Nodes {
		if t.Nodes[i].Name == name {
			return &t.Nodes[i]
		}
	}
	return nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// nsName builds a namespace name: prefix, role and the sanitised name.
func nsName(prefix, role, name string) string {
	return prefix + role + "-" + unsafeName.ReplaceAllString(name, "_")
}

// PlanTopology computes the lab of in without creating anything, and refuses, with every reason
// at once, a design the twin cannot build: more namespaces than maxNS, no gateway, a node whose
// pair has no leaf, a pool too small to give every node a block, or a fabric range that collides
// with an address of the design.
func PlanTopology(in *design.Intent, prefix string, maxNS int, fab4, fab6 netip.Prefix) (*Topology, error) {
	return planTopology(in, prefix, maxNS, fab4, fab6, newAllocation())
}

// allocation keeps the numbers the topology derives names and addresses from — a leaf's fabric
// address and port, a node's ports, a node's uplink to a leaf, a node's block of a pool — stable
// by name, so that a lab reshaped to another design keeps every link, address and block of what
// both designs have.
type allocation struct {
	leaf, node map[string]int
	uplink     map[[2]string]int // node, leaf
	uplinks    map[string]int    // uplinks given per node
	block      map[[2]string]int // pool, node
	blocks     map[string]int    // blocks given per pool
}

func newAllocation() *allocation {
	return &allocation{leaf: map[string]int{}, node: map[string]int{}, uplink: map[[2]string]int{},
		uplinks: map[string]int{}, block: map[[2]string]int{}, blocks: map[string]int{}}
}

// number returns the number of key in m, giving the next one when key has none.
func number[K comparable](m map[K]int, key K) int {
	if n, ok := m[key]; ok {
		return n
	}
	n := len(m)
	m[key] = n
	return n
}

// uplinkOf returns the number of the node's uplink to the leaf (0, 1, … per node). A leaf that
// takes the place of one that leaves the design (inDesign is false for it) takes over its cable:
// the node's link keeps its number, as a member of the node's port-channel keeps its port when
// the switch at the other end is swapped.
func (a *allocation) uplinkOf(node, leaf string, inDesign func(leaf string) bool) int {
	if n, ok := a.uplink[[2]string{node, leaf}]; ok {
		return n
	}
	reuse := -1
	var from [2]string
	for k, n := range a.uplink {
		if k[0] == node && !inDesign(k[1]) && (reuse < 0 || n < reuse) {
			reuse, from = n, k
		}
	}
	if reuse >= 0 {
		delete(a.uplink, from)
		a.uplink[[2]string{node, leaf}] = reuse
		return reuse
	}
	n := a.uplinks[node]
	a.uplinks[node]++
	a.uplink[[2]string{node, leaf}] = n
	return n
}

// blockOf returns the number of the node's block in the pool.
func (a *allocation) blockOf(pool, node string) int {
	if n, ok := a.block[[2]string{pool, node}]; ok {
		return n
	}
	n := a.blocks[pool]
	a.blocks[pool]++
	a.block[[2]string{pool, node}] = n
	return n
}

func planTopology(in *design.Intent, prefix string, maxNS int, fab4, fab6 netip.Prefix, alloc *allocation) (*Topology, error) {
	if in == nil {
		return nil, errors.New("twin: nil Intent")
	}
	if maxNS <= 0 {
		maxNS = DefaultMaxNamespaces
	}
	var errs []error
	if n := 1 + len(in.Leaves) + len(in.Nodes); n > maxNS {
		errs = append(errs, fmt.Errorf("twin: the design needs %d network namespaces (%d leaves, %d nodes, 1 fabric), more than the limit of %d (Options.MaxNamespaces)",
			n, len(in.Leaves), len(in.Nodes), maxNS))
	}
	if len(in.Leaves) == 0 {
		errs = append(errs, errors.New("twin: the design has no leaves"))
	}
	gw := addressing.PrefixPair{IPv4: in.Fabric.Gateway.IPv4, IPv6: in.Fabric.Gateway.IPv6}
	if gw.IsZero() {
		errs = append(errs, errors.New("twin: the design has no anycast gateway address"))
	}
	t := &Topology{Prefix: prefix, Fabric: FabricNS{Netns: prefix + "fabric"}}

	used := designPrefixes(in)
	var err error
	if t.Fabric.IPv4, err = pickFabric(fab4, fabricCandidatesV4, used, len(in.Leaves), "FabricIPv4"); err != nil {
		errs = append(errs, err)
	}
	if t.Fabric.IPv6, err = pickFabric(fab6, fabricCandidatesV6, used, len(in.Leaves), "FabricIPv6"); err != nil {
		errs = append(errs, err)
	}

	pairOf := map[string]*design.PairIntent{}
	for i := range in.Pairs {
		pairOf[in.Pairs[i].Name] = &in.Pairs[i]
	}
	for _, l := range in.Leaves {
		i := number(alloc.leaf, l.Name)
		ln := LeafNS{
			Name: l.Name, Pair: l.Pair, Netns: nsName(prefix, "leaf", l.Name),
			Loopback:  addressing.PrefixPair{IPv4: l.Loopback.IPv4, IPv6: l.Loopback.IPv6},
			Gateway:   gw,
			FabricDev: fmt.Sprintf("l%d", i),
		}
		if t.Fabric.IPv4.IsValid() {
			ln.Fabric.IPv4 = nthAddr(t.Fabric.IPv4, i+1)
		}
		if t.Fabric.IPv6.IsValid() {
			ln.Fabric.IPv6 = nthAddr(t.Fabric.IPv6, i+1)
		}
		t.Fabric.Leaves = append(t.Fabric.Leaves, l.Name)
		t.Leaves = append(t.Leaves, ln)
	}

	blocks, err := allocateBlocks(in, alloc)
	if err != nil {
		errs = append(errs, err)
	}
	var services []netip.Addr
	for _, list := range [][]netip.Prefix{in.Cluster.ServiceClusterIPs, in.Cluster.ServiceExternalIPs, in.Cluster.ServiceLoadBalancerIPs} {
		for _, p := range list {
			services = append(services, serviceAddr(p))
		}
	}
	for ni, n := range in.Nodes {
		nodeNo := number(alloc.node, n.Name)
		nn := NodeNS{Name: n.Name, Pair: n.Pair, Netns: nsName(prefix, "node", n.Name), Addr: n.Addr, Services: services}
		pair := pairOf[n.Pair]
		if pair == nil || len(pair.Leaves) == 0 {
			errs = append(errs, fmt.Errorf("twin: node %s: its leaf pair %q has no leaves", n.Name, n.Pair))
			continue
		}
		for _, leafName := range pair.Leaves {
			ln := t.Leaf(leafName)
			if ln == nil {
				errs = append(errs, fmt.Errorf("twin: node %s: leaf %q of pair %q is not in the design", n.Name, leafName, n.Pair))
				continue
			}
			up := Uplink{Leaf: leafName, Dev: fmt.Sprintf("up%d", alloc.uplinkOf(n.Name, leafName, func(l string) bool { return in.Leaf(l) != nil }))}
			nn.Uplinks = append(nn.Uplinks, up)
			ln.Ports = append(ln.Ports, Port{LeafDev: fmt.Sprintf("n%d", nodeNo), Node: n.Name, NodeDev: up.Dev})
		}
		nn.Routes = nodeRoutes(&n, &nn, t, gw)
		if blocks != nil {
			nn.Blocks = blocks[ni]
			for _, b := range nn.Blocks {
				nn.Pods = append(nn.Pods, podAddr(b))
			}
		}
		t.Nodes = append(t.Nodes, nn)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// nodeRoutes makes the design's node routes real per uplink: a route covering one leaf's
// loopback only leaves through that leaf's uplink; a summary covering several leaves' loopbacks
// becomes one host route per leaf through its uplink; a route covering none leaves through every
// uplink (ECMP). A design without node routes (Calico reaches the peers itself) gets host routes
// to the pair's loopbacks, which is what calico-node installs for reachableBy.
func nodeRoutes(n *design.NodeIntent, nn *NodeNS, t *Topology, gw addressing.PrefixPair) []KernelRoute {
	var out []KernelRoute
	devOf := map[string]string{}
	for _, u := range nn.Uplinks {
		devOf[u.Leaf] = u.Dev
	}
	hostRoutes := func(f addressing.Family, within netip.Prefix) {
		for _, u := range nn.Uplinks {
			lb := t.Leaf(u.Leaf).Loopback.Get(f)
			if lb.IsValid() && (!within.IsValid() || within.Contains(lb.Addr())) {
				out = append(out, KernelRoute{Prefix: lb, Via: gw.Get(f).Addr(), Devs: []string{u.Dev}})
			}
		}
	}
	if len(n.Routes) == 0 {
		for _, f := range n.Addr.Families() {
			if gw.Has(f) {
				hostRoutes(f, netip.Prefix{})
			}
		}
		return out
	}
	for _, r := range n.Routes {
		f := addressing.PrefixFamily(r.Prefix)
		var covered []string
		for _, u := range nn.Uplinks {
			if lb := t.Leaf(u.Leaf).Loopback.Get(f); lb.IsValid() && r.Prefix.Contains(lb.Addr()) {
				covered = append(covered, u.Dev)
			}
		}
		switch len(covered) {
		case 0:
			var devs []string
			for _, u := range nn.Uplinks {
				devs = append(devs, u.Dev)
			}
			out = append(out, KernelRoute{Prefix: r.Prefix, Via: r.Via, Devs: devs})
		case 1:
			out = append(out, KernelRoute{Prefix: r.Prefix, Via: r.Via, Devs: covered})
		default:
			hostRoutes(f, r.Prefix)
		}
	}
	return out
}

// allocateBlocks gives every node of in.Nodes one block of every pool that selects it, numbered
// by alloc (in node order on a first allocation).
func allocateBlocks(in *design.Intent, alloc *allocation) ([][]netip.Prefix, error) {
	out := make([][]netip.Prefix, len(in.Nodes))
	var errs []error
	for _, pool := range in.Cluster.Pools {
		bits := pool.BlockSize
		if bits == 0 {
			bits = pool.CIDR.Addr().BitLen()
		}
		if bits < pool.CIDR.Bits() {
			errs = append(errs, fmt.Errorf("twin: pool %s: block size /%d is shorter than the pool %s", pool.Name, bits, pool.CIDR))
			continue
		}
		hostBits := bits - pool.CIDR.Bits()
		for i, n := range in.Nodes {
			if !poolSelects(pool.NodeSelector, n.Pair) {
				continue
			}
			next := alloc.blockOf(pool.Name, n.Name)
			if hostBits < 62 && next >= 1<<hostBits {
				errs = append(errs, fmt.Errorf("twin: pool %s (%s, blocks of /%d) has %d blocks, too few for one per node", pool.Name, pool.CIDR, bits, 1<<hostBits))
				break
			}
			blk := netip.PrefixFrom(offsetAddr(pool.CIDR.Masked().Addr(), big.NewInt(int64(next)), pool.CIDR.Addr().BitLen()-bits), bits)
			out[i] = append(out[i], blk)
		}
	}
	return out, errors.Join(errs...)
}

// poolSelectorRE is the one selector form a design's pool uses besides all(): a label equality.
var poolSelectorRE = regexp.MustCompile(`^\s*([A-Za-z0-9./_-]+)\s*==\s*['"]([^'"]*)['"]\s*$`)

// poolSelects reports whether a pool's node selector selects a node of the pair. The twin knows
// only the pair label of a node: a selector on any other label selects every node.
func poolSelects(sel, pair string) bool {
	sel = strings.TrimSpace(sel)
	if sel == "" || sel == "all()" {
		return true
	}
	m := poolSelectorRE.FindStringSubmatch(sel)
	if m == nil || m[1] != "nxcalico.io/leaf-pair" {
		return true
	}
	return m[2] == pair
}

// podAddr is the pod address of a block: its first host address (the block itself for /32, /128).
func podAddr(b netip.Prefix) netip.Addr {
	a := b.Masked().Addr()
	if b.Bits() == a.BitLen() {
		return a
	}
	return a.Next()
}

// serviceAddr is the address the nodes answer for in a service range: the tenth address
// (10.96.0.10 in 10.96.0.0/12), or the first for ranges of fewer than 16 addresses.
func serviceAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	if a.BitLen()-p.Bits() < 4 {
		return a
	}
	return offsetAddr(a, big.NewInt(10), 0)
}

// nthAddr is the n-th address of p.
func nthAddr(p netip.Prefix, n int) netip.Addr {
	return offsetAddr(p.Masked().Addr(), big.NewInt(int64(n)), 0)
}

// offsetAddr returns a + off<<shift.
func offsetAddr(a netip.Addr, off *big.Int, shift int) netip.Addr {
	v := new(big.Int).SetBytes(a.AsSlice())
	v.Add(v, new(big.Int).Lsh(off, uint(shift)))
	b := v.FillBytes(make([]byte, a.BitLen()/8))
	out, _ := netip.AddrFromSlice(b)
	return out
}

// designPrefixes lists every address range of the design, named for error messages.
func designPrefixes(in *design.Intent) []addressing.NamedPrefix {
	var out []addressing.NamedPrefix
	add := func(name string, p netip.Prefix) {
		if p.IsValid() {
			out = append(out, addressing.NamedPrefix{Name: name, Prefix: p.Masked()})
		}
	}
	add("anycast gateway subnet", in.Fabric.Gateway.IPv4)
	add("anycast gateway subnet", in.Fabric.Gateway.IPv6)
	for _, l := range in.Leaves {
		add("leaf "+l.Name+" loopback", l.Loopback.IPv4)
		add("leaf "+l.Name+" loopback", l.Loopback.IPv6)
		if l.RouterID.IsValid() {
			add("leaf "+l.Name+" router id", netip.PrefixFrom(l.RouterID, l.RouterID.BitLen()))
		}
	}
	for _, n := range in.Nodes {
		for _, a := range []netip.Addr{n.Addr.IPv4, n.Addr.IPv6} {
			if a.IsValid() {
				add("node "+n.Name+" address", netip.PrefixFrom(a, a.BitLen()))
			}
		}
	}
	for _, p := range in.Cluster.Pools {
		add("pool "+p.Name, p.CIDR)
	}
	for _, list := range [][]netip.Prefix{in.Cluster.ServiceClusterIPs, in.Cluster.ServiceExternalIPs, in.Cluster.ServiceLoadBalancerIPs} {
		for _, p := range list {
			add("service range", p)
		}
	}
	return out
}

// pickFabric returns the given range after checking it, or the first candidate that collides
// with nothing in used and holds n leaves.
func pickFabric(given netip.Prefix, candidates []string, used []addressing.NamedPrefix, n int, field string) (netip.Prefix, error) {
	collides := func(p netip.Prefix) []string {
		var hit []string
		for _, u := range used {
			if u.Prefix.Addr().Is4() == p.Addr().Is4() && u.Prefix.Overlaps(p) {
				hit = append(hit, u.String())
			}
		}
		return hit
	}
	fits := func(p netip.Prefix) bool {
		hostBits := p.Addr().BitLen() - p.Bits()
		return hostBits >= 20 || 1<<hostBits > n+1
	}
	if given.IsValid() {
		given = given.Masked()
		if hit := collides(given); len(hit) > 0 {
			return netip.Prefix{}, fmt.Errorf("twin: Options.%s %s collides with the design: %s", field, given, strings.Join(hit, ", "))
		}
		if !fits(given) {
			return netip.Prefix{}, fmt.Errorf("twin: Options.%s %s is too small for %d leaves", field, given, n)
		}
		return given, nil
	}
	var tried []string
	for _, c := range candidates {
		p := netip.MustParsePrefix(c)
		if len(collides(p)) == 0 && fits(p) {
			return p, nil
		}
		tried = append(tried, c)
	}
	return netip.Prefix{}, fmt.Errorf("twin: every fabric range the twin tries (%s) collides with the design or is too small for %d leaves: set Options.%s",
		strings.Join(tried, ", "), n, field)
}

// netipPrefix formats an address with a prefix length.
func netipPrefix(a netip.Addr, bits int) string { return netip.PrefixFrom(a, bits).String() }

// prefixString is p's text, or "" when p is zero.
func prefixString(p netip.Prefix) string {
	if !p.IsValid() {
		return ""
	}
	return p.String()
}
