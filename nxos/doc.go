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
//     the route filters, interface loopback<id> and interface Vlan<vlan> (VRF member, addresses,
//     loopback tag, no ip/ipv6 redirects, fabric forwarding mode anycast-gateway, no shutdown),
//     interface nve1 (host-reachability protocol bgp, advertise virtual-rmac) and router bgp:
//     router-id, l2vpn evpn advertise-pip, one peer template per family (remote-as, password,
//     update-source, ebgp-multihop; as-override, disable-peer-as-check, send-community standard
//     and extended, route-map in/out, maximum-prefix), and in the VRF graceful restart, the
//     networks (default route, colored loopback), maximum-paths and one neighbor per node address
//     inheriting its family's template.
//
// Prefix-lists (IPv4, then IPv6) and route-maps are each rendered in name order.
//
// # Route safety
//
// With route filters on (the design's default) every peer template carries two policies
// derived from the design (design.TemplateIntent Import and Export):
//
//   - route-map <template>-in in: what a node may announce. Its prefix-list permits each pod pool
//     with "le <block size>" and each service range with "le 32" (IPv6 "le 128"); NX-OS matches
//     "le N" from the prefix's own length to N, which is design.Policy.Permits. Everything else
//     — a default route, a leaf loopback, another tenant's prefix — is dropped by the route-map's
//     implicit deny.
//   - route-map <template>-out out: what the nodes receive, the default route when it is
//     advertised and the design's peering.advertiseToNodes, each exactly.
//
// A filter is "ip prefix-list <name> seq 5, 10, … permit <prefix> [le N]" (ipv6 prefix-list for
// IPv6) plus "route-map <name> permit 10" matching it, and nothing after it. In the DME an entry
// with "le N" is rtpfxEntry criteria inexact, toPfxLen N and fromPfxLen 0 (no "ge"); an exact
// entry is criteria exact. A policy with no entries (no default route and nothing listed, say)
// is rendered as "route-map <name> deny 10" and no prefix-list: NX-OS lets every route through a
// permit entry whose prefix-list is empty or missing.
//
// "maximum-prefix <max> <warning %>" (bgpMaxPfxP, action shut) sits in the template's address
// family: a node that announces more is disconnected. Graceful restart, when the design sets it,
// is rendered as "graceful-restart restart-time N" and "graceful-restart stalepath-time N"
// (bgpGr) in the tenant VRF's BGP domain (router bgp … vrf <vrf>), where the node sessions are,
// not in the default domain: that one holds the fabric's own EVPN sessions, whose timers are the
// fabric's, and its values do not apply to the VRF's sessions.
//
// # Coloring and the export map
//
// In coloring mode the coloring route-map is the VRF's "export map" as well as the loopback's
// network route-map. NX-OS exports to EVPN only the routes an export map permits, so a route-map
// holding only the paper's "permit 10" (and the IPv6 "permit 20") would keep the nodes' pod and
// service routes out of EVPN. The renderer therefore ends it with "route-map <name> permit 100",
// with no match and no set: every other route passes unchanged and is exported with the VRF's
// own route targets, while the loopback keeps its color.
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
// interface and member VNIs are the fabric's too. In place of the paper's undefined
// calico-ip-filter/calico-ipv6-filter the renderer defines its own filters (see Route safety). Config posts the VRF (l3Inst) by name only, so
// it merges into the fabric's VRF and never changes those.
//
// # DME classes not yet verified on hardware
//
// Every class, property, enum value, range and parent/child pair the renderer emits is checked
// by the tests against the schema table of package dme and against the facts of Cisco's NX-OS
// 9.3(2) device model (dme.DeviceModel, dme.CheckModel). The model states every emitted class,
// including rtmapSetRttComm and rtextcomItem (set extcommunity rt <color> in the coloring
// route-map) and rtmapMatchRtDstV6 and rtmapRsRtDstV6Att (match ipv6 address prefix-list).
// Not yet verified on hardware (check with the NX-API sandbox's CLI to DME conversion):
//
//   - rtextcomItem: the model names it by scope and community; the format of its RN is not in
//     the model, so the renderer posts it by those properties.
//
// Inferred, not device-checked: ctrl "" on icmpv4If/icmpv6If for "no ip/ipv6 redirects" (the
// device model's defaults are "redirect,port-unreachable" and "redirect", so on IPv4 it clears
// the port-unreachable flag too), rtctrlAfCtrl of the unicast family for "export map",
// maxEcmp for "maximum-paths" and maxExtIntEcmp for "maximum-paths ibgp", passwdType 7 with
// a type-7 string for "password 7", bgpRtCtrlP and bgpMaxPfxP under a template's address family
// (the provider models them under a neighbor's; the class is the same bgpPeerAf), fromPfxLen 0 as
// "no ge" (Cisco's NX-API REST guide shows the mirror case, toPfxLen 0 with a "ge"), and the
// order of route-map and maximum-prefix lines in the template's address family.
//
// # Ownership over a design's life
//
// Planning deletes only what the design owns (see Diff): its templates, route-maps and
// prefix-lists by name, its neighbors, its loopback and SVI, and what a changed design left
// behind of them — the IPv4/IPv6 interface objects of its loopback and SVI in the VRF (the IPv6
// addresses after IPv6 left the design), the network statements in the VRF that announce an
// address its loopback holds or name one of its route-maps (the old loopback address after
// renumbering), and the VRF's "route-target import <color> evpn" of a color one of its
// route-maps sets on the switch (the old color after a pair changed color, or after coloring was
// turned off). RetireConfig removes all of that from a leaf that left the design, finding the
// loopback from the update-source of the design's templates on the switch and the SVI from the
// fabric's gateway VLAN, each only when it is a member of the design's VRF and nothing the design
// does not own peers from it. Features are never disabled (see RetireConfig for why).
//
// # Removing the password
//
// A switch never reads a BGP password back, so a plan cannot see one that a design no longer
// names. ClearSecrets writes the empty password to the design's existing templates; NX-OS takes
// the empty value as "no password" (the DME types the password as a plain string, and passwdType
// returns to its default). The plan text shows it as `password: [redacted] -> ""`.
//
// # Session resets
//
// Plan.Resets lists the configured neighbors that applying the plan resets on NX-OS; Plan.String
// shows them in one "resets N sessions: …" line. The rules, from how NX-OS applies BGP
// configuration:
//
//   - A password set, changed or removed on a template or neighbor resets every established
//     session that uses it: the password is the TCP MD5 signature key (RFC 2385) of the
//     session's connection, which cannot change under a running connection.
//   - A change of remote-as, update-source or local-as (bgpLocalAsn) of a template resets every
//     neighbor inheriting it, unless the neighbor sets that property itself; the same change on a
//     neighbor, or a neighbor inheriting another template, resets that neighbor. The session's
//     identity (its peer AS, its own AS, its source address) is fixed when it opens.
//   - A template removed while neighbors still inherit it resets them.
//   - No reset: route-map and prefix-list contents, the route-maps a template applies,
//     as-override, disable-peer-as-check and send-community (they apply to routes sent or
//     received from then on; routes exchanged before need a soft clear, "clear bgp … soft", which
//     keeps the session), maximum-prefix (a limit the node already exceeds shuts the session
//     only when routes arrive beyond it, which the plan cannot know), ebgp-multihop (NX-OS uses the
//     new TTL when the session next opens; the running session keeps its own), and the VRF's
//     route targets, export map and networks.
//   - A neighbor the plan deletes is removed, not reset; one it creates is new. Neither is listed.
//
// Resets lists configured sessions: whether one is established is the switch's operational state
// (Client.Neighbors), which a plan does not read.
//
// # Client
//
// The NX-API client in this package posts these trees, plans and prunes (see Client and Fleet)
// and reads the state of the leaf's BGP neighbors (Client.Neighbors, Client.WaitEstablished).
// Plans speak the vocabulary shared with package calico: each Change carries a change.Action,
// Plan.Counts and Result.Counts count creates, updates and deletes, and
// FleetOptions.Concurrency bounds the switches worked on at once (0 means DefaultConcurrency).
package nxos
