package design

import (
	"net/netip"
	"slices"

	"github.com/nxcalico/nxcalico/addressing"
)

// Intent is what a valid design means for every device: what every leaf shares (Fabric), per leaf
// what differs between leaves, per node its peers and routes, and the cluster-wide settings. Derive
// computes it; the nxos and calico renderers turn it into device objects. All lists are sorted
// (leaves, nodes and pairs by name; neighbors and peers by family, then address), so rendering is
// deterministic.
type Intent struct {
	Fabric  FabricIntent
	Pairs   []PairIntent
	Leaves  []LeafIntent
	Nodes   []NodeIntent
	Cluster ClusterIntent
}

// FabricIntent is what every leaf of the fabric shares, held once: the fabric AS, the tenant VRF,
// the anycast gateway, the BGP settings of the VRF and the names the design owns on every leaf.
// It stays meaningful when the design has no leaf left (retiring the last leaves needs it).
type FabricIntent struct {
	ASN     ASN            // the fabric AS (router bgp)
	VRF     string         // the tenant VRF
	Gateway AnycastGateway // the anycast-gateway SVI
	// MaximumPaths and MaximumPathsIBGP are the eBGP and iBGP multipath of the VRF (0 = unset).
	MaximumPaths     int
	MaximumPathsIBGP int
	// GracefulRestart is set when the design configures graceful restart.
	GracefulRestart *GracefulRestart
	// Names are every name the design gives objects on the leaves, whether this intent uses them
	// or not (the IPv6 template of a design without IPv6, say). Objects so named belong to the
	// design: when a family or a filter goes away, prune removes what it left behind.
	Names OwnedNames
	// Retired are the leaves that have left the design (Fabric.RetiredLeaves), sorted: what the
	// design owned on them for the node sessions is to be removed (see nxos.RetireConfig).
	Retired []string
}

// PairIntent is one leaf pair and the nodes attached to it.
type PairIntent struct {
	Name   string
	Color  RouteTarget // zero when the pair is not colored
	Leaves []string    // leaf names, in design order
	Nodes  []string    // node names, sorted
}

// LeafIntent is what one leaf's configuration needs beyond what the fabric shares (Intent.Fabric).
type LeafIntent struct {
	Name       string
	Pair       string
	Management string // NX-API base URL from the design, may be empty
	RouterID   netip.Addr
	Loopback   Loopback // the peering loopback in the VRF
	// Templates are the peer templates, one per family in use (IPv4 first).
	Templates []TemplateIntent
	// Neighbors are the nodes of the leaf's pair, one per node and family, inheriting the
	// template of their family.
	Neighbors []Neighbor
	// Coloring is set when the pair's loopbacks are colored with a route target.
	Coloring *Coloring
	// Networks are the prefixes the leaf announces in the VRF (network statements).
	Networks []Network
}

// OwnedNames lists the names of leaf objects a design owns.
type OwnedNames struct {
	Templates   []string // peer templates
	RouteMaps   []string // coloring route-map and route-filter route-maps
	PrefixLists []string // coloring and route-filter prefix-lists (IPv4 and IPv6 share a namespace per family)
}

// Clone returns a deep copy of the names.
func (n OwnedNames) Clone() OwnedNames {
	return OwnedNames{Templates: slices.Clone(n.Templates), RouteMaps: slices.Clone(n.RouteMaps), PrefixLists: slices.Clone(n.PrefixLists)}
}

// IsZero reports whether no name is owned.
func (n OwnedNames) IsZero() bool {
	return len(n.Templates) == 0 && len(n.RouteMaps) == 0 && len(n.PrefixLists) == 0
}

// Template returns the leaf's peer template of the family, or nil.
func (l *LeafIntent) Template(f addressing.Family) *TemplateIntent {
	for i := range l.Templates {
		if l.Templates[i].Family == f {
			return &l.Templates[i]
		}
	}
	return nil
}

// TemplateIntent is a leaf peer template (template peer <name>) for one address family.
type TemplateIntent struct {
	Name               string
	Family             addressing.Family
	RemoteASN          ASN // the cluster AS
	LoopbackID         int // update-source loopback<id>
	EBGPMultihop       int
	ASOverride         bool
	DisablePeerASCheck bool
	SendCommunity      bool // send-community and send-community extended
	// Password is true when the design names a BGP password secret: the template then carries the
	// password, whose value is handed to the renderer separately and never held in an Intent.
	Password bool
	// Import is what the leaf accepts from the nodes (route-map in); nil when route filters are off.
	Import *Policy
	// Export is what the leaf sends to the nodes (route-map out); nil when route filters are off.
	Export *Policy
	// MaxPrefix is the most prefixes the leaf accepts from one node (maximum-prefix); 0 = no limit.
	MaxPrefix int
	// MaxPrefixWarning is the percentage of MaxPrefix at which the leaf warns.
	MaxPrefixWarning int
}

// Policy is a route filter of one address family: a route-map whose single permit entry matches a
// prefix-list; a route matching none of the entries is denied. A policy with no entries denies
// everything.
type Policy struct {
	RouteMap   string
	PrefixList string
	Family     addressing.Family
	Entries    []PolicyEntry
}

// PolicyEntry permits one prefix, or every prefix inside it up to a length.
type PolicyEntry struct {
	Prefix netip.Prefix
	// MaxLen is the longest prefix length matched inside Prefix ("le"); 0 matches Prefix exactly.
	MaxLen int
}

// Permits reports whether the policy lets a route through: whether p lies inside an entry's
// prefix with a length between the entry's length and its MaxLen (exactly equal when MaxLen is 0).
// It is the semantics of an NX-OS prefix-list with "le" and of Calico's BGPFilter rules with a
// prefix length range, so both ends can be checked against the design.
func (p *Policy) Permits(route netip.Prefix) bool {
	for _, e := range p.Entries {
		if e.Matches(route) {
			return true
		}
	}
	return false
}

// Matches reports whether the entry matches the route.
func (e PolicyEntry) Matches(route netip.Prefix) bool {
	if !route.IsValid() || route.Addr().Is4() != e.Prefix.Addr().Is4() {
		return false
	}
	if e.MaxLen == 0 {
		return route.Masked() == e.Prefix.Masked()
	}
	return route.Bits() >= e.Prefix.Bits() && route.Bits() <= e.MaxLen && e.Prefix.Contains(route.Addr())
}

// Neighbor is one node address a leaf peers with.
type Neighbor struct {
	Addr     netip.Addr
	Family   addressing.Family
	Template string // the template it inherits
	Node     string // the node's name
}

// Coloring is the route-target coloring of a leaf's loopback: the VRF imports the pair's color from
// EVPN and exports the loopback with it, so pairs that reuse loopback addresses never see each
// other's.
type Coloring struct {
	RouteTarget  RouteTarget
	RouteMap     string // route-map that sets the color (export map and network route-map)
	PrefixListV4 string // prefix-list matching the leaf's own IPv4 loopback; empty without IPv4
	PrefixListV6 string // prefix-list matching the leaf's own IPv6 loopback; empty without IPv6
	Loopback     addressing.PrefixPair
}

// Network is a prefix a leaf announces in the VRF, optionally through a route-map.
type Network struct {
	Prefix   netip.Prefix
	RouteMap string
}

// NodeIntent is what one node needs: its peers on the leaves and its routes to them.
type NodeIntent struct {
	Name      string
	Pair      string
	Interface string // the node's interface towards the leaves
	Addr      addressing.AddrPair
	// Peers are the leaf loopbacks the node peers with (its pair's leaves), per family.
	Peers []NodePeer
	// Routes are the node's routes to those loopbacks via the anycast gateway, summarised; empty
	// when node reachability is ReachableBy (Calico then routes to the peer itself).
	Routes []Route
}

// NodePeer is one BGP session of a node: a leaf loopback address.
type NodePeer struct {
	Leaf   string
	Addr   netip.Addr
	Family addressing.Family
	ASN    ASN // the fabric AS
}

// Route is a static route on a node.
type Route struct {
	Prefix netip.Prefix
	Via    netip.Addr // the anycast gateway of the prefix's family
	Dev    string
}

// ClusterIntent is the cluster-wide part: what Calico's BGPConfiguration, BGPPeers and IPPools say.
type ClusterIntent struct {
	Name                   string
	ASN                    ASN      // the nodes' AS
	Pools                  []IPPool // defaults filled in
	ServiceClusterIPs      []netip.Prefix
	ServiceExternalIPs     []netip.Prefix
	ServiceLoadBalancerIPs []netip.Prefix
	ListenPort             uint16
	NodeInterface          string
	Reachability           Reachability
	// SharedLoopbacks is true when every pair reuses the same loopback addresses (route-target
	// coloring): Calico then needs one global BGPPeer per loopback address, independent of the
	// number of pairs and nodes. Otherwise peers are per pair, selected by node label.
	SharedLoopbacks bool
	// Peers are the BGP peers Calico needs, sorted by pair, family and address.
	Peers          []ClusterPeer
	PasswordSecret *SecretRef
	// Export is what the nodes may announce and Import what they accept, per family (IPv4 first):
	// the mirror of the leaves' Import and Export policies, for Calico's BGPFilter. Both are empty
	// when route filters are off.
	Export []Policy
	Import []Policy
	// MaxRestartTime is the graceful restart time the leaves use, for Calico's maxRestartTime;
	// 0 when graceful restart is not configured.
	MaxRestartTime int
}

// ClusterPeer is one BGPPeer Calico needs.
type ClusterPeer struct {
	Addr   netip.Addr
	Family addressing.Family
	ASN    ASN
	// Pair is the leaf pair whose nodes peer with Addr; empty for a global peer (shared loopbacks).
	Pair string
	// Leaves are the leaves that own Addr (several, one per pair, when loopbacks are shared).
	Leaves []string
}

// SessionCount is the number of eBGP sessions the intent expects: one per node, leaf and family.
func (in *Intent) SessionCount() int {
	n := 0
	for i := range in.Nodes {
		n += len(in.Nodes[i].Peers)
	}
	return n
}

// Leaf returns the leaf of that name, or nil.
func (in *Intent) Leaf(name string) *LeafIntent {
	for i := range in.Leaves {
		if in.Leaves[i].Name == name {
			return &in.Leaves[i]
		}
	}
	return nil
}

// Node returns the node of that name, or nil.
func (in *Intent) Node(name string) *NodeIntent {
	for i := range in.Nodes {
		if in.Nodes[i].Name == name {
			return &in.Nodes[i]
		}
	}
	return nil
}
