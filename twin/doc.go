// Package twin is nxcalico's routing twin: it runs a design on real BGP daemons in Linux network
// namespaces and proves that it routes, before it touches a fabric.
//
// Start builds, from a design.Intent, one namespace per leaf running FRR (zebra and bgpd, package
// twin/frr) and one per Calico node running BIRD 1.6 (bird and bird6, package twin/bird), wired
// so that the design's addresses are real:
//
//   - each leaf has its own layer-2 segment (a bridge in its namespace, one veth per node of its
//     rack) holding the anycast gateway address and MAC (GatewayMAC); both leaves of a pair hold
//     the same, and each node has one uplink per leaf with its node address on both;
//   - each leaf's loopback addresses are on lo (/32, /128) as its configuration says: they follow
//     the DME tree's loopback interfaces, so a removed address ends the sessions sourced from it,
//     as on a switch; the leaf forwards;
//   - a leaf's ports to its nodes forward once its configuration holds the gateway SVI: until
//     then they have no carrier and the nodes send nothing there;
//   - the node routes the design renders (node.Script) are installed per uplink: a route
//     to a leaf's loopback leaves through that leaf's uplink;
//   - each node owns one IPAM block of every pool that selects it (a blackhole route) with one
//     pod address on lo, and answers for one address of every service range;
//   - the leaves are joined by a fabric (one more namespace with a bridge) carrying iBGP in the
//     fabric AS, with the design's route-target extended communities, from a range checked
//     against every address of the design.
//
// A design the twin cannot build (more namespaces than Options.MaxNamespaces, a colliding fabric
// range, a pool too small) is refused by PlanTopology before anything is created. Close removes
// every namespace, link, daemon and temporary file, also after a failed Start; nothing on the
// host's own interfaces, routes or processes changes. Preflight names what the machine lacks
// (Linux, root with CAP_NET_ADMIN and CAP_SYS_ADMIN, the programs of frr, bird and iputils-ping)
// with the one install line, InstallHint.
//
// # Driven by nxcalico's own flow
//
// Each leaf is an NX-API REST endpoint (an nxos/nxostest simulator over TLS, Lab.Switches gives
// the clients): after every accepted POST or DELETE its DME tree is translated by frr.Translate
// and applied to the running bgpd without a restart, and the bgpPeerEntry state the endpoint
// serves comes from FRR's sessions. The nodes watch the cluster (Options.Calico for
// BGPConfiguration, BGPPeers, BGPFilters and IPPools; Options.Kube for Node labels and address
// annotations and the BGP password Secret), write each node's BIRD configuration with
// bird.Generate and reload it, and fill every CalicoNodeStatus from BIRD's protocols. So
// nxcalico.Syncer's Plan, Apply and Verify run unchanged against the twin, and Verify's table
// reads both ends from the real daemons.
//
// # What the twin proves
//
// Lab.Check runs these checks and returns a Report (its String is a table with the time of every
// check), numbered as the report numbers them:
//
//  1. sessions: every session of the design is Established on both ends, both families.
//  2. routes: each leaf holds every node's blocks (its rack's, and the other racks' through the
//     fabric); each node holds only what the leaves' outbound policy allows, all reachable.
//  3. packets: pod to pod on the same rack and on another rack, and pod to a service address,
//     both families (ping from iputils).
//  4. route safety: a node made to misbehave (its BIRD replaced by one exporting everything)
//     announces the default route, a leaf loopback, a prefix outside every pool and a route longer
//     than its block: none reaches a leaf. maximum-prefix: one route more than the limit tears
//     the session down.
//  5. coloring: with colored loopbacks, every node reaches its own pair's loopbacks and neither
//     nodes nor leaves take another pair's copy.
//  6. failover: one leaf of a pair fails as a switch does (its daemons stop, its links lose
//     carrier; a node's uplinks stand in for its port-channel, so the kernel skips next hops on a
//     link without carrier) while the rack's pods ping; the time until traffic flows again is
//     reported, then the leaf comes back with its configuration.
//  7. route filters: with peering.routeFilters false, what the leaves send the nodes (their own
//     loopbacks among it) and the routes that turn unreachable are listed plainly.
//  8. pod routes: with peering.advertisePodBlocks, every node holds every other node's blocks,
//     reachable through its leaves, with the AS path as-override makes; skipped otherwise.
//
// # Changes
//
// A lab follows its design as it changes: Lab.Grow adds the hardware a new design needs (leaves
// with their FRR and NX-API front, nodes, cables, node addresses and routes; a leaf that replaces
// one of its pair takes over that leaf's cables), the design is applied, and Lab.Shrink removes
// what the new design no longer has. Lab.Change runs one change that way while it measures it —
// continuous pod-to-pod pings between every rack pair, a watch of every routing table, FRR's
// session counters — and Suite lists the changes a cluster on a fabric goes through (nodes and
// racks coming and going, a node moving or changing address, route-safety limits, the BGP
// password introduced, rotated and removed, the peering shape switching, a leaf swapped). Names,
// addresses and IPAM blocks of what two designs share stay the same.
package twin
