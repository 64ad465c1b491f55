// Package bird is the Calico-node half of nxcalico's routing twin: it writes the BIRD 1.6
// configuration calico-node's confd templates would write for a node (Generate), evaluates the
// Calico label selectors BGPPeers use (MatchSelector), and runs the node's bird and bird6 daemons
// inside an existing network namespace (Start, Configure, Protocols, Routes, Stop).
//
// # What Generate writes
//
// For each family one self-contained file (calico-node's bird_aggr.cfg and bird_ipam.cfg, and
// their IPv6 twins, are written inline instead of included):
//
//   - the node's IPAM blocks as blackhole routes of a static protocol, with calico_aggr
//     exporting each block and nothing beneath it; the BGPConfiguration's service ranges
//     (serviceClusterIPs, serviceExternalIPs, serviceLoadBalancerIPs) as blackhole static
//     routes too; a host route to each peer with reachableBy via that gateway;
//   - calico_export_to_bgp_peers(internal): rejects pools with disableBGPExport, tunnel routes
//     towards iBGP peers, then accepts the blocks, the service ranges and anything inside an
//     enabled pool; the peer's export filter rejects everything else;
//   - calico_kernel_programming: service ranges are not programmed, VXLAN pools' routes are
//     left to Felix, everything else is programmed;
//   - router id (the node's IPv4 address unless Node.RouterID), listen bgp port (BGPConfiguration
//     listenPort), the kernel protocol (learn, persist, scan time 2, import all, the kernel
//     filter, graceful restart, merge paths), device and direct (all interfaces but cali* and
//     kube-ipvs*);
//   - one function per BGPFilter direction and family ('bgp_NAME_importFilterV4'() …), each rule
//     an if over its cidr/matchOperator/prefixLength, source and interface conditions;
//   - template bgp bgp_template (local as, multihop, gateway recursive, add paths, graceful
//     restart, connect and error timers) and one protocol per session: Global_<ip> for BGPPeers
//     without node or nodeSelector, Node_<ip> for the others (the address with "." or ":" as
//     "_", plus _port_N), with neighbor/as, local as, source address (sourceAddress UseNodeIP,
//     the default), graceful restart time (maxRestartTime), password, next hop keep/self, allow
//     local as, ttl security, and the import filter (the peer's BGPFilter functions, then
//     accept) and export filter (the peer's BGPFilter functions, then
//     calico_export_to_bgp_peers, then reject).
//
// Calico applies no default import policy of its own: a node accepts every route its peers send
// unless a BGPFilter on that peer rejects it. A peer whose address is the node's own is skipped;
// the node-to-node mesh must be off (nodeToNodeMeshEnabled: false). peerSelector sessions with
// other Calico nodes (Resources.Nodes) are generated, including the automatic reverse peering.
//
// Upstream BIRD 1.6 differs from calico-node's BIRD fork in one attribute: the fork sets the
// IPIP tunnel of pool routes (krt_tunnel) in the kernel filter; here that assignment is a comment.
//
// # Passwords
//
// A peer's password is resolved by the caller (Resources.Passwords) and written in clear into the
// file, as calico-node does. Config.String holds it; Config.Redacted does not. Daemons writes
// configuration files 0600 inside a 0700 directory it removes on Stop.
//
// # Daemons
//
// Start runs `bird -d -c FILE -s SOCKET -P PIDFILE` and the same for bird6 inside a network
// namespace (through `ip netns exec`), each in the foreground as a child process, their log on
// stderr captured in a file of the runtime directory. Protocols, Routes and Configure speak
// BIRD's control-socket protocol (what birdc speaks) and parse `show protocols all` and
// `show route all`. A BGP session is up when its protocol's "BGP state" is Established
// (Protocol.Established).
package bird
