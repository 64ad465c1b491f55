// Package nxos turns the derived intent of a design into what NX-OS leaves need, and talks to
// them over NX-API REST.
//
// # Rendering
//
// Render (and RenderLeaf for one leaf) is pure and deterministic. For every leaf it returns a
// LeafConfig with two DME trees rooted at topSystem, each POSTable in one request to
// /api/mo/sys.json:
//
//   - Features enables feature bgp, feature interface-vlan, feature nv overlay, nv overlay evpn
//     and feature fabric forwarding. It goes first and alone, since NX-OS refuses objects of a
//     feature that is not enabled yet.
//   - Config holds the leaf's whole part of the design: vrf context (in coloring mode the
//     route-target import <color> evpn and export map per address family), the prefix-lists that
//     match the leaf's own loopback and the route-map that sets the color (set extcommunity rt),
//     interface loopback<id> and interface Vlan<vlan> (VRF member, addresses, loopback tag, no
//     ip/ipv6 redirects, fabric forwarding mode anycast-gateway, no shutdown), interface nve1
//     (host-reachability protocol bgp, advertise virtual-rmac) and router bgp: router-id, l2vpn
//     evpn advertise-pip, one peer template per family (remote-as, password, update-source,
//     ebgp-multihop; as-override, disable-peer-as-check, send-community standard and extended),
//     and in the VRF the networks (default route, colored loopback), maximum-paths and one
//     neighbor per node address inheriting its family's template.
//
// LeafConfig.JSON and FeaturesJSON give the indented bodies; LeafConfig.CLI gives the same
// configuration as running-config text in the order NX-OS prints it. The CLI is produced from
// the DME trees, so what an engineer reviews is what is posted. For design.CaseStudy() it agrees
// line for line with the snippets of Cisco's white paper wherever they agree with the corrected
// design (the tests hold those snippets).
//
// The BGP password (RenderOptions.Password) appears only in Cisco type-7 form ("password 7
// <text>", passwdType 7), with a salt taken from the password so the output is deterministic.
// Type 7 is a reversible obfuscation that keeps the clear text out of files and screens, not
// encryption: treat rendered files that carry it as secrets.
//
// # Not rendered
//
// The white paper's "BGP Config at Leaf" block also shows fabric-internal lines that belong to
// the fabric's own configuration, not to nxcalico: redistribute direct route-map
// fabric-rmap-redist-subnet, aggregate-address, advertise l2vpn evpn in the VRF, the iBGP EVPN
// neighbors 10.2.1.5/10.2.1.6, the networks in the default VRF and the route-map filters
// calico-ip-filter/calico-ipv6-filter, which it never defines. The VRF's VNI, route
// distinguisher and automatic route targets, VLAN 3001 and its vn-segment, and nve1's source
// interface and member VNIs are the fabric's too. Config posts the VRF (l3Inst) by name only, so
// it merges into the fabric's VRF and never changes those.
//
// # DME classes not yet verified on hardware
//
// Every class, property, enum value, range and parent/child pair the renderer emits is checked
// against the schema table of package dme by the tests. These emitted classes are not yet
// verified on hardware (REFERENCE.md marks them [U]; check them with the NX-API sandbox's CLI to
// DME conversion before relying on them):
//
//   - rtmapSetRttComm and rtextcomItem: set extcommunity rt <color> in the coloring route-map.
//     The rn "srtt", the item list and the properties community/scope are known from the NX-OS
//     YANG model; the JSON class names are not.
//   - rtmapMatchRtDstV6 and rtmapRsRtDstV6Att: match ipv6 address prefix-list in the coloring
//     route-map's IPv6 entry (seq 20). The names come from Cisco's nxtoolkit and the NX-OS YANG
//     model (mrtdstv6, rsrtDstV6Att), not from the provider definitions the schema table is
//     built from.
//
// Inferred, not device-checked: ctrl "" on icmpv4If/icmpv6If for "no ip/ipv6 redirects" (it
// clears the unreachables flags too), rtctrlAfCtrl of the unicast family for "export map",
// maxEcmp for "maximum-paths" and maxExtIntEcmp for "maximum-paths ibgp", and passwdType 7 with
// a type-7 string for "password 7".
//
// # Sessions
//
// The NX-API client in this package posts these trees, plans and prunes; see Client.
package nxos
