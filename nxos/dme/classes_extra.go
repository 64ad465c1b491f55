package dme

// extraClasses are classes nxcalico needs that the provider definitions do not
// describe: the operational BGP session state (bgpPeerEntry, bgpPeerAfEntry)
// and the route-map objects of "set extcommunity rt" and "match ipv6 address
// prefix-list". All are classes of the device model with these properties and
// parents.
var extraClasses = []*Class{
	// bgpPeerEntry is the read-only session state of one configured neighbor,
	// "…/peer-[<addr>]/ent-[<addr>]". operSt holds the device model's values and
	// the spellings "opensent"/"openconfirm" device output has shown; the table
	// accepts others (Open) since it only reads them.
	{Name: "bgpPeerEntry", RN: "ent-[%s]", Naming: []string{"addr"}, Parents: []string{"bgpPeer"}, Operational: true, Confidence: Verified, Attrs: attrs(
		Attr{Name: "addr", Kind: String},
		Attr{Name: "operSt", Kind: Enum, Enum: []string{"unspecified", "illegal", "shut", "idle", "connect", "active", "opensent", "openconfirm", "established", "closing", "error", "unknown", "open-sent", "open-confirm"}, Open: true, Default: "unspecified"},
		Attr{Name: "prevOperSt", Kind: Enum, Enum: []string{"unspecified", "illegal", "shut", "idle", "connect", "active", "opensent", "openconfirm", "established", "closing", "error", "unknown", "open-sent", "open-confirm"}, Open: true, Default: "unspecified"},
		Attr{Name: "lastFlapTs", Kind: String},
		Attr{Name: "passwdSet", Kind: Enum, Enum: []string{"enabled", "disabled"}, Default: "disabled"},
		Attr{Name: "connIf", Kind: String},
		Attr{Name: "localIp", Kind: String},
		Attr{Name: "localPort", Kind: Int, Min: 0, Max: 65535, HasRange: true, Default: "0"},
		Attr{Name: "remotePort", Kind: Int, Min: 0, Max: 65535, HasRange: true, Default: "0"},
		Attr{Name: "connEst", Kind: Int, Min: 0, Max: 65535, HasRange: true, Default: "0"},
		Attr{Name: "connDrop", Kind: Int, Min: 0, Max: 65535, HasRange: true, Default: "0"},
		Attr{Name: "connAttempts", Kind: Int, Min: 0, Max: 4294967295, HasRange: true, Default: "0"},
		Attr{Name: "holdIntvl", Kind: Int, Min: 3, Max: 3600, HasRange: true, Default: "180"},
		Attr{Name: "kaIntvl", Kind: Int, Min: 0, Max: 3600, HasRange: true, Default: "60"},
		Attr{Name: "flags", Kind: String},
		Attr{Name: "advCap", Kind: String},
		Attr{Name: "rtrId", Kind: String},
		Attr{Name: "type", Kind: Enum, Enum: []string{"ibgp", "ebgp"}, Default: "ibgp"},
	)},
	// bgpPeerAfEntry is the read-only per-address-family state under a bgpPeerEntry,
	// rn "af-<type>" (device output "…/ent-[172.16.2.51]/af-l2vpn-evpn").
	{Name: "bgpPeerAfEntry", RN: "af-%s", Naming: []string{"type"}, Parents: []string{"bgpPeerEntry"}, Operational: true, Confidence: Verified, Attrs: attrs(
		Attr{Name: "type", Kind: Enum, Enum: []string{"ipv4-ucast", "ipv4-mvpn", "vpnv4-ucast", "ipv6-ucast", "vpnv6-ucast", "l2vpn-evpn", "lnkstate", "ipv4-mcast", "ipv6-mcast", "ipv4-lucast", "ipv6-lucast", "ipv6-mvpn", "l2vpn-vpls", "ipv4-mdt", "vpnv6-mcast"}, Open: true, Default: "ipv4-ucast"},
		Attr{Name: "acceptedPaths", Kind: Int, Min: 0, Max: 4294967295, HasRange: true},
		Attr{Name: "pfxSent", Kind: Int, Min: 0, Max: 9223372036854775807, HasRange: true},
		Attr{Name: "pfxSaved", Kind: Int, Min: 0, Max: 9223372036854775807, HasRange: true},
		Attr{Name: "pfxFlushed", Kind: Int, Min: 0, Max: 9223372036854775807, HasRange: true},
		Attr{Name: "tblVer", Kind: Int, Min: 0, Max: 4294967295, HasRange: true},
		Attr{Name: "peerTblVer", Kind: Int, Min: 0, Max: 4294967295, HasRange: true},
	)},
	// rtmapSetRttComm is "set extcommunity rt …" in a route-map entry: the device
	// model's rtmap_SetRttComm-group under srtt-items of a route-map entry
	// (rn "srtt"), holding its communities under item-items.
	{Name: "rtmapSetRttComm", RN: "srtt", Parents: []string{"rtmapEntry"}, Single: true, Confidence: Verified, Attrs: attrs(
		Attr{Name: "additive", Kind: Enum, Enum: []string{"enabled", "disabled"}, Default: "disabled"},
		Attr{Name: "setCriteria", Kind: Enum, Enum: []string{"none", "append", "replace", "igp", "pre-bestpath"}, Default: "none"},
	)},
	// rtextcomItem is one extended community of rtmapSetRttComm, e.g.
	// community "route-target:as2-nn2:2101:2102", scope "transitive". The device
	// model names it by scope and community (in that order); the RN format
	// "item-[<scope>]-[<community>]" is not verified on a device, so post it by
	// its naming properties, never by RN.
	{Name: "rtextcomItem", RN: "item-[%s]-[%s]", Naming: []string{"scope", "community"}, Parents: []string{"rtmapSetRttComm"}, Confidence: Unverified, Attrs: attrs(
		Attr{Name: "community", Kind: String},
		Attr{Name: "scope", Kind: Enum, Enum: []string{"transitive", "non-transitive"}, Default: "transitive"},
		Attr{Name: "descr", Kind: String},
	)},
	// rtmapMatchRtDstV6 is "match ipv6 address prefix-list …" in a route-map entry,
	// the IPv6 twin of rtmapMatchRtDst: the device model's
	// rtmap_MatchRtDstV6-group under mrtdstv6-items (rn "mrtdstv6").
	{Name: "rtmapMatchRtDstV6", RN: "mrtdstv6", Parents: []string{"rtmapEntry"}, Single: true, Confidence: Verified, Attrs: attrs()},
	// rtmapRsRtDstV6Att points an IPv6 match at its prefix-list by tDn
	// ("sys/rpm/pfxlistv6-[name]"), the IPv6 twin of rtmapRsRtDstAtt: the device
	// model's relation rtmap_RsRtDstV6Att_source-group, a list keyed by tDn under
	// rsrtDstV6Att-items (rn "rsrtDstV6Att-[<tDn>]").
	{Name: "rtmapRsRtDstV6Att", RN: "rsrtDstV6Att-[%s]", Naming: []string{"tDn"}, Parents: []string{"rtmapMatchRtDstV6"}, Confidence: Verified, Attrs: attrs(
		Attr{Name: "tDn", Kind: String},
	)},
}
