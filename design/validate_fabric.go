package design

import (
	"net/netip"
	"net/url"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
)

// fabric checks the NX-OS side: AS, VRF, anycast gateway, leaf pairs, leaves and their loopbacks.
func (v *validator) fabric() {
	f := &v.d.Fabric
	if !v.unknown("fabric.asn") {
		v.asnKnown[0] = v.checkASN("fabric.asn", f.ASN, "the fabric AS number")
	}
	if !v.unknown("fabric.vrf") && v.nameCheck("fabric.vrf", "VRF name", f.VRF, checkNXOSName(f.VRF, maxVRFNameLen)) {
		if lv := strings.ToLower(f.VRF); lv == "default" || lv == "management" {
			v.add("fabric.vrf", CodeInvalidName, "VRF name %q is a system VRF of NX-OS; the nodes need a tenant VRF", f.VRF)
		}
	}
	v.gateway(&f.AnycastGateway)

	if v.unknown("fabric.leafPairs") {
		// The pairs are unknown: a node may name any pair, and loopbacks may be of any family.
		v.pairNamesUnknown = true
		v.loopbackUnknown = bothFams
	} else if len(f.LeafPairs) == 0 {
		v.add("fabric.leafPairs", CodeRequired, "the fabric has no leaf pairs; want at least one")
	}
	colors := make(map[RouteTarget]int, len(f.LeafPairs))
	leafNames := make(map[string]leafRef, 2*len(f.LeafPairs))
	routerIDs := make(map[netip.Addr]leafRef, 2*len(f.LeafPairs))
	for i := range f.LeafPairs {
		v.pair(i, colors, leafNames, routerIDs)
	}
	v.retiredLeaves(leafNames)
}

// retiredLeaves checks the names of the retired leaves: each a valid leaf name, listed once, and
// not a leaf of the design, ignoring case as leaf names are compared. leafNames are the design's
// leaves by lower-case name.
func (v *validator) retiredLeaves(leafNames map[string]leafRef) {
	if v.unknown("fabric.retiredLeaves") {
		return
	}
	names := v.d.Fabric.RetiredLeaves
	seen := make(map[string]int, len(names))
	for i, name := range names {
		path := "fabric.retiredLeaves[" + itoa(i) + "]"
		if v.unknown(path) || !v.nameCheck(path, "retired leaf name", name, checkLeafName(name)) {
			continue
		}
		key := strings.ToLower(name)
		if first, dup := seen[key]; dup {
			v.add(path, CodeDuplicateName, "retired leaf %q is also listed at fabric.retiredLeaves[%d] (%q); list each retired leaf once", name, first, names[first])
			continue
		}
		seen[key] = i
		if ref, inUse := leafNames[key]; inUse {
			v.add(path, CodeRetiredInUse, "retired leaf %q is a leaf of the design (%s, %q); a leaf is either in a leaf pair or retired, and only a leaf that has left the design is retired",
				name, leafPath(ref.pair, ref.leaf), v.leafName(ref))
		}
	}
}

// pair checks leaf pair i and its leaves.
func (v *validator) pair(i int, colors map[RouteTarget]int, leafNames map[string]leafRef, routerIDs map[netip.Addr]leafRef) {
	f := &v.d.Fabric
	pair := &f.LeafPairs[i]
	path := pairPath(i)
	var unk fieldSet
	if v.u.pair(i) {
		unk = v.u.fields(path, pairFields)
	}
	switch {
	case unk.has(pairName):
		v.pairNamesUnknown = true
	case pair.Name == "":
		v.nameCheck(path+".name", "leaf pair name", pair.Name, checkDNSLabel(pair.Name))
		v.pairNamesUnknown = true
	default:
		v.nameCheck(path+".name", "leaf pair name", pair.Name, checkDNSLabel(pair.Name))
		// An invalid name is reported where it stands; the nodes naming it still find their pair.
		if first, dup := v.pairByNm[pair.Name]; dup {
			v.add(path+".name", CodeDuplicateName, "leaf pair name %q is also the name of %s; pair names must be unique", pair.Name, pairPath(first))
		} else {
			v.pairByNm[pair.Name] = i
		}
	}
	if c := pair.RouteTargetColor; !c.IsZero() {
		if first, dup := colors[c]; dup {
			v.add(path+".routeTargetColor", CodeDuplicateColor, "route-target color %s is also the color of leaf pair %q (%s.routeTargetColor); each pair needs its own color", c, f.LeafPairs[first].Name, pairPath(first))
		} else {
			colors[c] = i
		}
	}
	if unk.has(pairLeaves) {
		v.pairLoopbackUnknown[i] = bothFams
		v.loopbackUnknown = bothFams
	} else if n := len(pair.Leaves); n < 1 || n > 2 {
		v.add(path+".leaves", CodeLeafPairSize, "leaf pair %q has %d leaves; a pair has one leaf or two (a vPC pair)", pair.Name, n)
	}
	for j := range pair.Leaves {
		v.leaf(i, j, leafNames, routerIDs)
	}
}

// leafRef locates a leaf: pair index and leaf index.
type leafRef struct{ pair, leaf int }

func (v *validator) leafName(r leafRef) string {
	return v.d.Fabric.LeafPairs[r.pair].Leaves[r.leaf].Name
}

// gateway checks the anycast gateway. A family whose address is invalid or unknown, or both when
// the gateway has no address at all, is unknown to the rules that compare with the gateway.
func (v *validator) gateway(gw *AnycastGateway) {
	if !v.unknown("fabric.anycastGateway.vlan") {
		switch {
		case gw.VLAN == 0:
			v.add("fabric.anycastGateway.vlan", CodeRequired, "the anycast gateway VLAN is missing (want 1 to %d)", MaxVLAN)
		case !gw.VLAN.Valid():
			v.add("fabric.anycastGateway.vlan", CodeInvalidVLAN, "VLAN %d is outside 1 to %d (NX-OS reserves 3968–4095)", gw.VLAN, MaxVLAN)
		}
	}
	for _, fam := range addressing.Families {
		p := addressing.PrefixPair{IPv4: gw.IPv4, IPv6: gw.IPv6}.Get(fam)
		switch {
		case v.unknown(gatewayPath(fam)):
			v.gwUnknown |= bitOf(fam)
		case !p.IsValid():
		case v.checkInterfacePrefix(gatewayPath(fam), p, fam):
			v.gw = v.gw.Set(fam, p)
			v.gwFams |= bitOf(fam)
		default:
			v.gwUnknown |= bitOf(fam)
		}
	}
	if v.gwFams == 0 && v.gwUnknown == 0 {
		v.add("fabric.anycastGateway", CodeRequired, "the anycast gateway has no address; want ipv4, ipv6 or both (address/length, e.g. 192.168.1.1/24)")
		v.gwUnknown = bothFams
	}
}

func (v *validator) leaf(i, j int, names map[string]leafRef, routerIDs map[netip.Addr]leafRef) {
	pair := &v.d.Fabric.LeafPairs[i]
	leaf := &pair.Leaves[j]
	path := leafPath(i, j)
	ref := leafRef{i, j}
	var unk fieldSet
	if v.u.pair(i) {
		unk = v.u.fields(path, leafFields)
	}

	if !unk.has(leafNameField) && v.nameCheck(path+".name", "leaf name", leaf.Name, checkLeafName(leaf.Name)) {
		key := strings.ToLower(leaf.Name)
		if first, dup := names[key]; dup {
			v.add(path+".name", CodeDuplicateName, "leaf name %q is also the name of %s (%q); leaf names must be unique in the fabric, ignoring case", leaf.Name, leafPath(first.pair, first.leaf), v.leafName(first))
		} else {
			names[key] = ref
		}
	}

	rid := leaf.RouterID
	switch {
	case unk.has(leafRouterID):
	case !rid.IsValid():
		v.add(path+".routerID", CodeRequired, "the BGP router ID of leaf %q is missing", leaf.Name)
	case !rid.Is4() || rid.Zone() != "":
		v.add(path+".routerID", CodeInvalidValue, "router ID %s is not an IPv4 address; NX-OS router IDs are IPv4", rid)
	case rid.IsUnspecified() || rid.IsMulticast() || rid == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		v.add(path+".routerID", CodeInvalidValue, "router ID %s is not a unicast address", rid)
	default:
		if first, dup := routerIDs[rid]; dup {
			v.add(path+".routerID", CodeDuplicateRouterID, "router ID %s is also the router ID of leaf %q (%s.routerID); router IDs must be unique", rid, v.leafName(first), leafPath(first.pair, first.leaf))
		} else {
			routerIDs[rid] = ref
		}
	}

	if leaf.Management != "" {
		v.management(path+".management", leaf.Management)
	}

	lb := &leaf.PeeringLoopback
	if !unk.has(leafLoopbackID) && (lb.ID < 0 || lb.ID > 1023) {
		v.add(path+".peeringLoopback.id", CodeInvalidLoopbackID, "loopback%d is outside loopback0 to loopback1023", lb.ID)
	}
	var unknownFams famBits
	for _, fam := range addressing.Families {
		if unk.has(famField(fam, leafLoopbackIPv4, leafLoopbackIPv6)) {
			unknownFams |= bitOf(fam)
		}
	}
	if unknownFams == 0 && !lb.IPv4.IsValid() && !lb.IPv6.IsValid() {
		v.add(path+".peeringLoopback", CodeRequired, "the peering loopback of leaf %q has no address; want ipv4 (/32), ipv6 (/128) or both", leaf.Name)
		unknownFams = bothFams
	}
	for _, fam := range addressing.Families {
		p := addressing.PrefixPair{IPv4: lb.IPv4, IPv6: lb.IPv6}.Get(fam)
		if unknownFams.has(fam) || !p.IsValid() {
			continue
		}
		if !v.checkLoopback(loopbackPath(i, j, fam), p, fam) {
			unknownFams |= bitOf(fam)
			continue
		}
		v.pairLoopbackFams[i] |= bitOf(fam)
		v.loopbackFams |= bitOf(fam)
		switch {
		case v.gwUnknown.has(fam):
		case !v.gwFams.has(fam):
			v.add(loopbackPath(i, j, fam), CodeFamilyMismatch, "peering loopback %s is %s but the anycast gateway has no %s address, so no node can peer with it", p, fam, fam)
		}
	}
	v.pairLoopbackUnknown[i] |= unknownFams
	v.loopbackUnknown |= unknownFams
}

// checkLoopback checks a peering loopback prefix of family f: a host prefix (/32, /128) of that
// family. It reports and returns false when it is unusable.
func (v *validator) checkLoopback(path string, p netip.Prefix, f addressing.Family) bool {
	if addressing.PrefixFamily(p) != f || p.Addr().Is4In6() {
		v.add(path, CodeInvalidPrefix, "%s is not an %s prefix; this field holds %s only", p, f, f)
		return false
	}
	if p.Bits() != p.Addr().BitLen() {
		v.add(path, CodeLoopbackNotHost, "peering loopback %s is a /%d; a loopback address is a host prefix (/%d)", p, p.Bits(), p.Addr().BitLen())
		return false
	}
	// A host prefix is a valid interface prefix whatever its address (RFC 3021, RFC 6164).
	return true
}

// usableLoopback reports whether p is a usable peering loopback of family f, as checkLoopback
// judges it, without reporting.
func usableLoopback(p netip.Prefix, f addressing.Family) bool {
	return p.IsValid() && addressing.PrefixFamily(p) == f && !p.Addr().Is4In6() && p.Bits() == p.Addr().BitLen()
}

// management checks the NX-API base URL of a leaf: an absolute http or https URL with a host.
func (v *validator) management(path, s string) {
	u, err := url.Parse(s)
	if err != nil {
		v.add(path, CodeInvalidValue, "management URL does not parse (%v); want an absolute http(s) URL such as https://10.0.0.21", redactURLError(err))
		return
	}
	shown := u.Redacted()
	switch {
	case u.User != nil:
		v.add(path, CodeInvalidValue, "management URL %s carries credentials; give them to the client, not the design", shown)
	case u.Scheme != "http" && u.Scheme != "https":
		v.add(path, CodeInvalidValue, "management URL %q is not an absolute http(s) URL (such as https://10.0.0.21)", shown)
	case u.Host == "":
		v.add(path, CodeInvalidValue, "management URL %q has no host", shown)
	}
}

// redactURLError drops the URL (which may hold a password) from a url.Parse error.
func redactURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
