package design

import (
	"net/netip"
)

// Design is the whole nxcalico design: the fabric side (leaf pairs of an NX-OS VXLAN EVPN fabric),
// the cluster side (Calico nodes, IP pools, services) and how the two peer. It is the input of
// Validate and Derive, and the Go form of the design file (see Load).
//
// Fields left at their zero value take the defaults documented on them; Defaults returns a copy
// with every default filled in.
type Design struct {
	Fabric  Fabric  `json:"fabric"`
	Cluster Cluster `json:"cluster"`
	Peering Peering `json:"peering"`
}

// Fabric is the NX-OS side of the design.
type Fabric struct {
	// ASN is the fabric's BGP AS (router bgp <asn>). Required.
	ASN ASN `json:"asn"`
	// VRF is the tenant VRF that holds the SVI, the peering loopbacks and the node neighbors. Required.
	VRF string `json:"vrf"`
	// AnycastGateway is the SVI that faces the nodes on every leaf. Required.
	AnycastGateway AnycastGateway `json:"anycastGateway"`
	// LeafPairs are the vPC pairs the nodes attach to. At least one.
	LeafPairs []LeafPair `json:"leafPairs"`
	// RetiredLeaves names the leaves that have left the design and still hold what it configured
	// for the node sessions: a client that applies the design (a Syncer's Retired) removes it
	// there. Each is a leaf name (as Leaf.Name), listed once and not a leaf of LeafPairs, ignoring
	// case. Optional; drop a name once its leaf is cleaned up or gone.
	RetiredLeaves []string `json:"retiredLeaves,omitempty"`
}

// AnycastGateway is the distributed anycast-gateway SVI facing the nodes: the same VLAN and gateway
// addresses on every leaf (fabric forwarding mode anycast-gateway).
type AnycastGateway struct {
	// VLAN is the SVI's VLAN (interface Vlan<vlan>), 1–3967. Required.
	VLAN VLAN `json:"vlan"`
	// IPv4 is the gateway address with the subnet length, e.g. 192.168.1.1/24. At least one family.
	IPv4 netip.Prefix `json:"ipv4,omitzero"`
	// IPv6 is the gateway address with the subnet length, e.g. 2001:192:168:1::1/64.
	IPv6 netip.Prefix `json:"ipv6,omitzero"`
}

// LeafPair is a vPC pair of leaves (or a single leaf) that a group of nodes ("rack") attaches to.
type LeafPair struct {
	// Name identifies the pair; nodes name it in leafPair, and Calico selects its nodes with the
	// label nxcalico.io/leaf-pair=<name>. Required, a DNS label.
	Name string `json:"name"`
	// RouteTargetColor colors the pair's peering loopbacks ("2101:2102"). Required, and distinct per
	// pair, when peering loopback addresses repeat across pairs; optional otherwise.
	RouteTargetColor RouteTarget `json:"routeTargetColor,omitzero"`
	// Leaves are the one or two leaves of the pair.
	Leaves []Leaf `json:"leaves"`
}

// Leaf is one NX-OS leaf switch.
type Leaf struct {
	// Name is the switch's name (e.g. Leaf2101). Required, unique in the fabric.
	Name string `json:"name"`
	// RouterID is the BGP router ID (router-id). Required, IPv4, unique in the fabric.
	RouterID netip.Addr `json:"routerID"`
	// PeeringLoopback is the loopback the leaf peers with the nodes from. Required.
	PeeringLoopback Loopback `json:"peeringLoopback"`
	// Management is the NX-API base URL of the switch (https://10.0.0.21). Optional; used by
	// clients that apply the design.
	Management string `json:"management,omitempty"`
}

// Loopback is a leaf's peering loopback in the tenant VRF.
type Loopback struct {
	// ID is the loopback number (interface loopback<id>), 0–1023. Required.
	ID int `json:"id"`
	// IPv4 is the loopback's IPv4 host prefix (/32). At least one family.
	IPv4 netip.Prefix `json:"ipv4,omitzero"`
	// IPv6 is the loopback's IPv6 host prefix (/128).
	IPv6 netip.Prefix `json:"ipv6,omitzero"`
	// Tag is the route tag on the IPv4 address (ip address … tag <tag>). Optional.
	Tag uint32 `json:"tag,omitempty"`
}

// Cluster is the Kubernetes/Calico side of the design.
type Cluster struct {
	// Name identifies the cluster; Calico objects nxcalico creates carry the label
	// nxcalico.io/managed-by=<name>. Required, a DNS label.
	Name string `json:"name"`
	// ASN is the AS all Calico nodes share (BGPConfiguration asNumber). Required, not the fabric's.
	ASN ASN `json:"asn"`
	// NodeInterface is the node's interface towards the leaves (the bond). Default "bond0".
	NodeInterface string `json:"nodeInterface,omitempty"`
	// Nodes are the Calico nodes that peer with the fabric.
	Nodes []Node `json:"nodes"`
	// IPPools are the Calico IP pools for pods. At least one.
	IPPools []IPPool `json:"ipPools"`
	// ServiceClusterIPs are the Service cluster IP ranges Calico advertises. Optional.
	ServiceClusterIPs []netip.Prefix `json:"serviceClusterIPs,omitempty"`
	// ServiceExternalIPs are the Service external IP ranges Calico advertises. Optional.
	ServiceExternalIPs []netip.Prefix `json:"serviceExternalIPs,omitempty"`
	// ServiceLoadBalancerIPs are the LoadBalancer IP ranges Calico advertises. Optional.
	ServiceLoadBalancerIPs []netip.Prefix `json:"serviceLoadBalancerIPs,omitempty"`
	// ListenPort is Calico's BGP listen port; 0 leaves Calico's default (179).
	ListenPort uint16 `json:"listenPort,omitempty"`
	// MaxPodsPerNode is the most pods one node runs (kubelet maxPods), from which the leaves'
	// maximum-prefix default is computed. Default 110.
	MaxPodsPerNode int `json:"maxPodsPerNode,omitempty"`
}

// Node is one Calico node attached to a leaf pair.
type Node struct {
	// Name is the Kubernetes node name. Required, unique.
	Name string `json:"name"`
	// LeafPair names the pair the node's bond attaches to. Required.
	LeafPair string `json:"leafPair"`
	// IPv4 is the node's address on the anycast-gateway subnet. At least one family.
	IPv4 netip.Addr `json:"ipv4,omitzero"`
	// IPv6 is the node's IPv6 address on the anycast-gateway subnet.
	IPv6 netip.Addr `json:"ipv6,omitzero"`
}

// IPPool is a Calico IP pool.
type IPPool struct {
	// Name is the IPPool object's name. Required, unique.
	Name string `json:"name"`
	// CIDR is the pool's network. Required.
	CIDR netip.Prefix `json:"cidr"`
	// BlockSize is the IPAM block prefix length: default 26 for IPv4 (20–32), 122 for IPv6 (116–128).
	BlockSize int `json:"blockSize,omitempty"`
	// Encapsulation is IPIP, VXLAN or None. Default None. IPIP is IPv4 only.
	Encapsulation Encapsulation `json:"encapsulation,omitempty"`
	// EncapsulationMode is Always or CrossSubnet when encapsulating. Default Always.
	EncapsulationMode EncapsulationMode `json:"encapsulationMode,omitempty"`
	// NATOutgoing masquerades pod traffic leaving the pool. Default false.
	NATOutgoing bool `json:"natOutgoing,omitempty"`
	// NodeSelector selects the nodes that allocate from the pool. Default "all()".
	NodeSelector string `json:"nodeSelector,omitempty"`
}

// Peering is how the leaves and the nodes peer.
type Peering struct {
	// Templates names the leaf peer templates per family. Default {ipv4: CALICO, ipv6: K8-v6}.
	Templates Templates `json:"templates,omitzero"`
	// EBGPMultihop is the template's ebgp-multihop TTL, 2–255. Default 10.
	EBGPMultihop int `json:"ebgpMultihop,omitempty"`
	// ASOverride enables as-override on the leaves (required when all nodes share one AS). Default true.
	ASOverride *bool `json:"asOverride,omitempty"`
	// DisablePeerASCheck enables disable-peer-as-check on the leaves. Default true.
	DisablePeerASCheck *bool `json:"disablePeerASCheck,omitempty"`
	// NodeReachability is how nodes reach the leaf loopbacks: StaticRoutes (routes via the
	// anycast gateway on every node) or ReachableBy (Calico BGPPeer reachableBy). Default StaticRoutes.
	NodeReachability Reachability `json:"nodeReachability,omitempty"`
	// NodeRoutes are explicit node routes to the leaf loopbacks; when empty nxcalico derives the
	// minimal set. When given, they must cover every loopback a node peers with.
	NodeRoutes []netip.Prefix `json:"nodeRoutes,omitempty"`
	// AdvertiseDefaultRoute makes the leaves announce the default route in the VRF. Default true.
	AdvertiseDefaultRoute *bool `json:"advertiseDefaultRoute,omitempty"`
	// MaximumPaths is the VRF's eBGP multipath count (maximum-paths). Default 64.
	MaximumPaths int `json:"maximumPaths,omitempty"`
	// MaximumPathsIBGP is the VRF's iBGP multipath count (maximum-paths ibgp). Default 2.
	MaximumPathsIBGP int `json:"maximumPathsIBGP,omitempty"`
	// ColorRouteMap names the route-map that sets a pair's color on its loopback. Default "loopback".
	ColorRouteMap string `json:"colorRouteMap,omitempty"`
	// ColorPrefixList names the prefix-list that matches the leaf's own loopback. Default
	// "dup_ip_avoidance" (IPv6: the same name with "_v6" appended).
	ColorPrefixList string `json:"colorPrefixList,omitempty"`
	// PasswordSecret names the Kubernetes Secret that holds the BGP password for both ends. Optional.
	PasswordSecret *SecretRef `json:"passwordSecret,omitempty"`
	// RouteFilters makes both ends filter what the nodes announce and receive: the leaves accept
	// from the nodes only the pod pools (up to their block size) and the service ranges (up to host
	// routes), and send them only the default route and AdvertiseToNodes; Calico's BGPFilter mirrors
	// that. Default true.
	RouteFilters *bool `json:"routeFilters,omitempty"`
	// AdvertisePodBlocks makes the leaves also send the nodes every node's pod blocks (each pool up
	// to its block size), the white paper's data path: pod traffic between nodes follows the blocks'
	// routes through the leaves, and as-override (with disable-peer-as-check) lets every node accept
	// routes that came from its own AS. The leaf loopbacks are still never sent, and what the
	// leaves accept is unchanged. It needs RouteFilters and no IPIP pool (calico-node tunnels a
	// route to its next hop, and here the next hop is a leaf). Default false.
	AdvertisePodBlocks *bool `json:"advertisePodBlocks,omitempty"`
	// AdvertiseToNodes are prefixes, besides the default route, that the leaves send to the nodes.
	// They must not overlap a pool, a service range, the gateway subnet or a loopback. Optional.
	AdvertiseToNodes []netip.Prefix `json:"advertiseToNodes,omitempty"`
	// MaximumPrefix is the most prefixes a leaf accepts from one node per family
	// (maximum-prefix); 0 computes it per family as the blocks one node can own (MaxPodsPerNode
	// pods, plus one block) plus one route per service range, plus 256 for service host routes.
	MaximumPrefix int `json:"maximumPrefix,omitempty"`
	// MaximumPrefixWarning is the percentage of MaximumPrefix at which the leaf logs a warning,
	// 1–100. Default 75.
	MaximumPrefixWarning int `json:"maximumPrefixWarning,omitempty"`
	// GracefulRestart, when set, configures BGP graceful restart on the leaves and the same restart
	// time as Calico's maxRestartTime, so both ends agree. Optional.
	GracefulRestart *GracefulRestart `json:"gracefulRestart,omitempty"`
}

// GracefulRestart is BGP graceful restart timing, applied to both ends.
type GracefulRestart struct {
	// RestartTime is how long a peer waits for a restarting speaker, in seconds, 1–3600. Default 120.
	RestartTime int `json:"restartTime,omitempty"`
	// StalePathTime is how long stale routes are kept after a restart, in seconds, 1–3600. Default 300.
	StalePathTime int `json:"stalePathTime,omitempty"`
}

// Templates names the leaf peer templates (template peer <name>) per address family.
type Templates struct {
	IPv4 string `json:"ipv4,omitempty"`
	IPv6 string `json:"ipv6,omitempty"`
}

// SecretRef names a key of a Kubernetes Secret.
type SecretRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Key       string `json:"key"`
}

// String returns namespace/name#key.
func (r SecretRef) String() string { return r.Namespace + "/" + r.Name + "#" + r.Key }
