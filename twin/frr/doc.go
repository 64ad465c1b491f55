// Package frr is the leaf side of nxcalico's routing twin: it translates one leaf's NX-OS DME tree
// (the tree nxos.Render builds and nxostest.Server.Dump returns) into FRR configuration with
// NX-OS semantics (Translate), and runs the FRR daemons of one leaf — zebra and bgpd in a network
// namespace — applying a new configuration without restarting them and reading their state as
// JSON (Start, Daemons).
//
// # The tenant VRF and the fabric
//
// The twin gives every leaf its own network namespace, and the namespace's main table is the
// leaf's tenant VRF: the VRF's BGP domain becomes "router bgp <AS>" itself, and the VRF's name is
// kept in the configuration's first comment (Config.VRF). Racks are joined by iBGP sessions in
// the leaf's AS (Options.FabricLocal, Options.FabricPeers), which stand in for the EVPN fabric:
//
//   - Outbound (route-map TWIN-FABRIC-OUT-V4/-V6 on peer-group TWIN-FABRIC, with next-hop-self):
//     the entries of the VRF's export map, each permitted route carrying the VRF's export route
//     targets, or, where the entry sets "extcommunity rt", only those (plus the VRF's when the set
//     is additive), as NX-OS exports to EVPN. Without an export map every route goes out with the
//     VRF's route targets.
//
//   - Inbound (route-map TWIN-FABRIC-IN-V4/-V6): a route is accepted only when one of its route
//     targets is in the VRF's "route-target import … evpn" list
//     (bgp extcommunity-list TWIN-FABRIC-IMPORT-V4/-V6). What the fabric sent is kept
//     (soft-reconfiguration inbound), so a changed import list applies to it at once, as EVPN
//     re-imports from the routes a leaf holds.
//
//   - The VRF's own route target: the rendered tree merges into the fabric's VRF, whose
//     "route-target both auto evpn" is not in the tree. The twin models it as <AS>:<VNI> — the
//     VNI from the l3Inst's encap "vxlan-<VNI>", else 1, and AS 23456 for a four-byte AS, as
//     NX-OS does — on export and import of every leaf.
//
//   - Failure detection: the fabric sessions run with keepalive 1 s and hold 3 s, standing in for
//     the underlay's BFD and link state that withdraw a failed leaf from an EVPN fabric within
//     seconds.
//
// So with shared loopbacks colored by route targets, a leaf exports its loopback with its rack's
// color only: its vPC partner imports the color, another rack (importing its own color) drops it
// and never learns the other copy of the same address, while pod blocks and the default route,
// exported with the VRF's own route target, cross racks. Each fabric session carries IPv4 and
// IPv6 unicast over FabricLocal's family; FRR sets an IPv6 next hop from the fabric interface's
// global IPv6 address, so a dual-stack lab gives that interface an address of each family.
//
// # Mapping table
//
//	DME (class attribute)                      FRR line
//	bgpInst asn                                router bgp <AS> (asdot converted to asplain)
//	bgpInst adminSt disabled                   bgp shutdown
//	bgpDom rtrId (VRF, else default domain)    bgp router-id <id>
//	(NX-OS behaviour)                          no bgp ebgp-requires-policy; no bgp network
//	                                           import-check; no bgp default ipv4-unicast
//	bgpGr restartIntvl / staleIntvl            bgp graceful-restart; … restart-time N;
//	                                           … stalepath-time N (NX-OS defaults 120 / 300)
//	bgpDomAf maxEcmp / maxExtIntEcmp           maximum-paths N / maximum-paths ibgp N (default 1,
//	                                           as NX-OS; FRR's own default is the build maximum)
//	bgpAdvPrefix addr rtMap                    network <prefix> [route-map <name>]
//	bgpInterLeakP proto direct|static rtMap    redistribute connected|static [route-map <name>]
//	bgpPeerCont name (template peer)           neighbor <T> peer-group
//	bgpPeer peerImp (inherit peer)             neighbor <addr> peer-group <T>
//	bgpPeerCont|bgpPeer asn                    neighbor <who> remote-as <AS>
//	bgpPeerCont|bgpPeer desc, bgpPeer name     neighbor <who> description <text>
//	bgpPeerCont|bgpPeer srcIf                  neighbor <who> update-source <the interface's
//	                                           address of the template's family, from
//	                                           ipv4If/ipv6If of the VRF>
//	bgpPeerCont|bgpPeer ttl                    neighbor <who> ebgp-multihop N
//	bgpPeerCont|bgpPeer password passwdType 7  neighbor <who> password <clear> (type 7 decoded)
//	bgpPeerCont|bgpPeer password ""            no password line ("no password", as NX-OS takes
//	                                           the empty value); Apply then removes it from bgpd
//	bgpPeerCont|bgpPeer kaIntvl holdIntvl      neighbor <who> timers KA HOLD (when not 60/180)
//	bgpPeerCont|bgpPeer adminSt disabled       neighbor <who> shutdown
//	bgpPeerCont|bgpPeer ctrl dis-conn-check    neighbor <who> disable-connected-check
//	bgpLocalAsn localAsn asnPropagate          neighbor <addr> local-as N [no-prepend [replace-as]]
//	bgpPeerAf type (template)                  address-family …: neighbor <T> activate
//	bgpPeerAf type (neighbor)                  neighbor <addr> activate; a template family the
//	                                           neighbor lacks: no neighbor <addr> activate
//	bgpPeerAf asOverride enabled               neighbor <who> as-override
//	bgpPeerAf ctrl without dis-peer-as-check   neighbor <who> sender-as-path-loop-detection
//	bgpPeerAf ctrl nh-self / rr-client         neighbor <who> next-hop-self / route-reflector-client
//	bgpPeerAf ctrl allow-self-as               neighbor <who> allowas-in [allowedSelfAsCnt]
//	bgpPeerAf defOrg / ctrl default-originate  neighbor <who> default-originate [route-map defOrgRtMap]
//	bgpPeerAf sendComStd / sendComExt          (NX-OS default off) no neighbor <who> send-community
//	                                           standard|extended; always … large
//	bgpPeerAf softReconfigBackup inbound       neighbor <who> soft-reconfiguration inbound
//	bgpPeerAf wght                             neighbor <who> weight N
//	bgpRtCtrlP direction rtMap                 neighbor <who> route-map <name> in|out
//	bgpMaxPfxP maxPfx thresh action            neighbor <who> maximum-prefix N [thresh]
//	                                           [warning-only (log) | restart M (restart)];
//	                                           shut is the plain form: the session goes down
//	rtpfxRuleV4|V6 / rtpfxEntry order action   ip|ipv6 prefix-list <name> seq N permit|deny <pfx>
//	  criteria exact                           (the prefix alone)
//	  criteria inexact fromPfxLen toPfxLen     ge <from> le <to> (0 = not set; ge equal to the
//	                                           prefix length is dropped, FRR refuses it)
//	rtmapRule / rtmapEntry order action        route-map <name> permit|deny N
//	rtmapMatchRtDst/rtmapRsRtDstAtt tDn        match ip address prefix-list <name>
//	rtmapMatchRtDstV6/rtmapRsRtDstV6Att tDn    match ipv6 address prefix-list <name>
//	rtmapSetRttComm/rtextcomItem community     set extcommunity rt <asn:nn> …
//	l3Inst rtctrlRttP import / rtctrlRttEntry  fabric import list (see above)
//	l3Inst rtctrlRttP export rtctrlMapP rtMap  fabric export map (see above)
//	ipv4If/ipv6If of the VRF, loopbacks        not configured (the lab puts them on lo as the tree says);
//	                                           Config.Loopbacks lists them
//	(the leaf routes packets)                  ip forwarding; ipv6 forwarding
//	(a changed route-map applies at once)      bgp route-map delay-timer 0 (FRR would wait 5 s)
//
// Differences in defaults that the table takes care of: NX-OS does not advertise a route to an
// eBGP peer whose AS is already in the route's AS path unless the address family has
// disable-peer-as-check; FRR advertises it unless the neighbor has
// sender-as-path-loop-detection — so disable-peer-as-check maps to FRR's default and its absence
// to that knob (allowas-in is the receiving side's knob, the Calico node's, and is not what the
// flag means). A route-map entry matching a prefix-list that is absent or empty lets every
// route through on NX-OS and none on FRR: the twin defines such a list as "permit any". A
// neighbor of a template renders only attributes whose value differs from the DME default, so
// the simulator's filled-in defaults inherit from the peer-group as on NX-OS.
//
// What cannot be mapped is listed by Config.Unmapped, one plain sentence per item: the SVI and
// the anycast gateway (the lab builds them), interface nve1 and VXLAN, address-family l2vpn evpn
// and advertise-pip, ICMP redirects, route tags, features, route-targets that are not EVPN,
// import maps, second VRFs, route-map clauses other than the ones above, a second prefix-list in
// one match clause, BFD and other control flags, and any attribute with a non-default value the
// table does not name. Type-3 and type-6 passwords (encrypted with a device key) and other
// constructs FRR cannot express correctly are errors naming the object and the value.
//
// # Daemons
//
// Start creates DaemonOptions.Dir (0700, owned by user frr; its parents must be searchable by
// frr), writes a frr.conf holding only the hostname (0600) and an empty vtysh.conf, and starts
// "ip netns exec <ns> /usr/lib/frr/zebra" and then bgpd in the foreground with -f <dir>/frr.conf,
// -i <dir>/<daemon>.pid, --vty_socket <dir>, -z <dir>/zserv.api, -P 0 (no vty TCP port) and
// --log file:<dir>/<daemon>.log, and waits for their sockets. Apply writes the configuration to
// <dir>/frr.conf (0600) and runs FRR's frr-reload.py (package frr-pythontools) with
// --confdir/--rundir/--vty_socket <dir> under umask 077: it sends only the difference to the
// running daemons, so unchanged sessions stay up. Neighbors and Routes read
// "show bgp neighbors json" and "show bgp <af> unicast [<prefix>] json" through vtysh. Stop sends
// SIGTERM (SIGKILL after 3 s) and removes the directory and FRR's per-process crash-log
// directories under /var/tmp/frr. Available names what is missing: root, the binaries, python3,
// the frr user.
package frr
