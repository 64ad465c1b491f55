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
	v.checkASN("fabric.asn", f.ASN, "the fabric AS number")
	if v.nameCheck("fabric.vrf", "VRF name", f.VRF, checkNXOSName(f.VRF, maxVRFNameLen)) {
		if lv := strings.ToLower(f.VRF); lv == "default" || lv == "management" {
			v.add("fabric.vrf", CodeInvalidName, "VRF name %q is a system VRF of NX-OS; the nodes need a tenant VRF", f.VRF)
		}
	}
	v.gateway(&f.AnycastGateway)

	if len(f.LeafPairs) == 0 {
		v.add("fabric.leafPairs", CodeRequired, "the fabric has no leaf pairs; want at least one")
	}
	colors := make(map[RouteTarget]int, len(f.LeafPairs))
	leafNames := make(map[string]leafRef, 2*len(f.LeafPairs))
	routerIDs := make(map[netip.Addr]leafRef, 2*len(f.LeafPairs))
	for i := range f.LeafPairs {
		pair := &f.LeafPairs[i]
		path := pairPath(i)
		if v.nameCheck(path+".name", "leaf pair name", pair.Name, checkDNSLabel(pair.Name)) {
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
		if n := len(pair.Leaves); n < 1 || n > 2 {
			v.add(path+".leaves", CodeLeafPairSize, "leaf pair %q has %d leaves; a pair has one leaf or two (a vPC pair)", pair.Name, n)
		}
		for j := range pair.Leaves {
			v.leaf(i, j, leafNames, routerIDs)
		}
	}
}

// leafRef locates a leaf: pair index and leaf index.
type leafRef struct{ pair, leaf int }

func (v *validator) leafName(r leafRef) string {
	return v.d.Fabric.LeafPairs[r.pair].Leaves[r.leaf].Name
}

func (v *validator) gateway(gw *AnycastGateway) {
	switch {
	case gw.VLAN == 0:
		v.add("fabric.anycastGateway.vlan", CodeRequired, "the anycast gateway VLAN is missing (want 1 to %d)", MaxVLAN)
	case !gw.VLAN.Valid():
		v.add("fabric.anycastGateway.vlan", CodeInvalidVLAN, "VLAN %d is outside 1 to %d (NX-OS reserves 3968–4095)", gw.VLAN, MaxVLAN)
	}
	if !gw.IPv4.IsValid() && !gw.IPv6.IsValid() {
		v.add("fabric.anycastGateway", CodeRequired, "the anycast gateway has no address; want ipv4, ipv6 or both (address/length, e.g. 192.168.1.1/24)")
	}
	for _, fam := range addressing.Families {
		p := addressing.PrefixPair{IPv4: gw.IPv4, IPv6: gw.IPv6}.Get(fam)
		if v.checkInterfacePrefix(gatewayPath(fam), p, fam) {
			v.gw = v.gw.Set(fam, p)
			v.gwFams |= bitOf(fam)
		}
	}
}

func (v *validator) leaf(i, j int, names map[string]leafRef, routerIDs map[netip.Addr]leafRef) {
	pair := &v.d.Fabric.LeafPairs[i]
	leaf := &pair.Leaves[j]
	path := leafPath(i, j)
	ref := leafRef{i, j}

	if v.nameCheck(path+".name", "leaf name", leaf.Name, checkLeafName(leaf.Name)) {
		key := strings.ToLower(leaf.Name)
		if first, dup := names[key]; dup {
			v.add(path+".name", CodeDuplicateName, "leaf name %q is also the name of %s (%q); leaf names must be unique in the fabric, ignoring case", leaf.Name, leafPath(first.pair, first.leaf), v.leafName(first))
		} else {
			names[key] = ref
		}
	}

	rid := leaf.RouterID
	switch {
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
	if lb.ID < 0 || lb.ID > 1023 {
		v.add(path+".peeringLoopback.id", CodeInvalidLoopbackID, "loopback%d is outside loopback0 to loopback1023", lb.ID)
	}
	if !lb.IPv4.IsValid() && !lb.IPv6.IsValid() {
		v.add(path+".peeringLoopback", CodeRequired, "the peering loopback of leaf %q has no address; want ipv4 (/32), ipv6 (/128) or both", leaf.Name)
	}
	for _, fam := range addressing.Families {
		p := addressing.PrefixPair{IPv4: lb.IPv4, IPv6: lb.IPv6}.Get(fam)
		lpath := loopbackPath(i, j, fam)
		if !v.checkInterfacePrefix(lpath, p, fam) {
			continue
		}
		if p.Bits() != p.Addr().BitLen() {
			v.add(lpath, CodeLoopbackNotHost, "peering loopback %s is a /%d; a loopback address is a host prefix (/%d)", p, p.Bits(), p.Addr().BitLen())
			continue
		}
		if !v.gwFams.has(fam) {
			v.add(lpath, CodeFamilyMismatch, "peering loopback %s is %s but the anycast gateway has no %s address, so no node can peer with it", p, fam, fam)
			continue
		}
		v.pairLoopbackFams[i] |= bitOf(fam)
		v.loopbackFams |= bitOf(fam)
	}
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
