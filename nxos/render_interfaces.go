package nxos

import (
	"strconv"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// interfaces renders interface loopback<id> and interface Vlan<vlan>, both up and members of the
// VRF (l3LbRtdIf, sviIf, nwRtVrfMbr).
func (r *leafRenderer) interfaces() *dme.Object {
	return dme.New("interfaceEntity").Add(
		dme.New("l3LbRtdIf", "id", r.loopbackID(), "adminSt", "up").Add(
			dme.New("nwRtVrfMbr", "tDn", r.vrfDN),
		),
		dme.New("sviIf", "id", r.sviID(), "adminSt", "up").Add(
			dme.New("nwRtVrfMbr", "tDn", r.vrfDN),
		),
	)
}

// ipv4 renders the IPv4 addresses of the loopback (with its tag) and of the SVI in the VRF.
func (r *leafRenderer) ipv4() *dme.Object {
	lb, gw := r.l.Loopback.IPv4, r.f.Gateway.IPv4
	if !lb.IsValid() && !gw.IsValid() {
		return nil
	}
	dom := dme.New("ipv4Dom", "name", r.f.VRF)
	if lb.IsValid() {
		addr := dme.New("ipv4Addr", "addr", lb.String(), "type", "primary")
		if r.l.Loopback.Tag != 0 {
			addr.Set("tag", strconv.FormatUint(uint64(r.l.Loopback.Tag), 10))
		}
		dom.Add(dme.New("ipv4If", "id", r.loopbackID()).Add(addr))
	}
	if gw.IsValid() {
		dom.Add(dme.New("ipv4If", "id", r.sviID()).Add(dme.New("ipv4Addr", "addr", gw.String(), "type", "primary")))
	}
	return dme.New("ipv4Entity").Add(dme.New("ipv4Inst").Add(dom))
}

// ipv6 renders the IPv6 addresses of the loopback and of the SVI in the VRF.
func (r *leafRenderer) ipv6() *dme.Object {
	lb, gw := r.l.Loopback.IPv6, r.f.Gateway.IPv6
	if !lb.IsValid() && !gw.IsValid() {
		return nil
	}
	dom := dme.New("ipv6Dom", "name", r.f.VRF)
	if lb.IsValid() {
		dom.Add(dme.New("ipv6If", "id", r.loopbackID()).Add(dme.New("ipv6Addr", "addr", lb.String(), "type", "primary")))
	}
	if gw.IsValid() {
		dom.Add(dme.New("ipv6If", "id", r.sviID()).Add(dme.New("ipv6Addr", "addr", gw.String(), "type", "primary")))
	}
	return dme.New("ipv6Entity").Add(dme.New("ipv6Inst").Add(dom))
}

// icmpv4 renders "no ip redirects" on the SVI: icmpv4If.ctrl is a flag list whose default in the
// device model is "redirect,port-unreachable", so "no ip redirects" is the list without the
// redirect flag, "port-unreachable" (the empty list would also turn off ICMP port-unreachable).
func (r *leafRenderer) icmpv4() *dme.Object {
	if !r.f.Gateway.IPv4.IsValid() {
		return nil
	}
	return dme.New("icmpv4Entity").Add(dme.New("icmpv4Inst").Add(
		dme.New("icmpv4Dom", "name", r.f.VRF).Add(dme.New("icmpv4If", "id", r.sviID(), "ctrl", "port-unreachable")),
	))
}

// icmpv6 renders "no ipv6 redirects" on the SVI (icmpv6If sits directly under icmpv6Inst):
// icmpv6If.ctrl defaults to "redirect" in the device model, so the empty list is exactly that.
func (r *leafRenderer) icmpv6() *dme.Object {
	if !r.f.Gateway.IPv6.IsValid() {
		return nil
	}
	return dme.New("icmpv6Entity").Add(dme.New("icmpv6Inst").Add(
		dme.New("icmpv6If", "id", r.sviID(), "ctrl", ""),
	))
}

// anycastGateway renders "fabric forwarding mode anycast-gateway" on the SVI.
func (r *leafRenderer) anycastGateway() *dme.Object {
	return dme.New("hmmEntity").Add(dme.New("hmmFwdInst").Add(
		dme.New("hmmFwdIf", "id", r.sviID(), "mode", "anycastGW"),
	))
}

// nve renders interface nve1 with host-reachability protocol bgp and advertise virtual-rmac.
func (r *leafRenderer) nve() *dme.Object {
	return dme.New("nvoEps").Add(dme.New("nvoEp", "epId", "1", "hostReach", "bgp", "advertiseVmac", "true"))
}
