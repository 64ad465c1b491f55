package nxos

import (
	"strconv"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// bgp renders router bgp <asn>: router-id and l2vpn evpn advertise-pip and the peer templates in
// the default domain, and the tenant VRF with its networks, multipath and node neighbors.
func (r *leafRenderer) bgp() *dme.Object {
	l := r.l
	def := dme.New("bgpDom", "name", "default", "rtrId", l.RouterID.String()).Add(
		dme.New("bgpDomAf", "type", "l2vpn-evpn", "advPip", "enabled"),
	)
	for i := range l.Templates {
		def.Add(r.template(&l.Templates[i]))
	}
	return dme.New("bgpEntity").Add(
		dme.New("bgpInst", "asn", r.f.ASN.String(), "adminSt", "enabled").Add(def, r.bgpVRF()),
	)
}

// template renders template peer <name>: remote-as, password, update-source, ebgp-multihop and
// the address family with as-override, disable-peer-as-check, send-community (standard and
// extended), the route filters in and out and maximum-prefix.
func (r *leafRenderer) template(t *design.TemplateIntent) *dme.Object {
	pc := dme.New("bgpPeerCont", "name", t.Name, "asn", t.RemoteASN.String(), "srcIf", "lo"+strconv.Itoa(t.LoopbackID))
	if t.EBGPMultihop > 0 {
		pc.Set("ttl", strconv.Itoa(t.EBGPMultihop))
	}
	if t.Password && r.pw != "" {
		pc.Set("passwdType", "7").Set("password", r.pw)
	}
	af := dme.New("bgpPeerAf", "type", afType(t.Family))
	if t.ASOverride {
		af.Set("asOverride", "enabled")
	}
	if t.DisablePeerASCheck {
		af.Set("ctrl", "dis-peer-as-check")
	}
	if t.SendCommunity {
		af.Set("sendComStd", "enabled").Set("sendComExt", "enabled")
	}
	templateLimits(af, t)
	return pc.Add(af)
}

// bgpVRF renders vrf <vrf> under router bgp: graceful restart, per family the networks and
// maximum-paths, then one neighbor per node address inheriting its family's template, with that
// family activated.
func (r *leafRenderer) bgpVRF() *dme.Object {
	l := r.l
	dom := dme.New("bgpDom", "name", r.f.VRF).Add(r.gracefulRestart())
	for _, f := range addressing.Families {
		if !r.familyInUse(f) {
			continue
		}
		af := dme.New("bgpDomAf", "type", afType(f))
		if r.f.MaximumPaths > 0 {
			af.Set("maxEcmp", strconv.Itoa(r.f.MaximumPaths))
		}
		if r.f.MaximumPathsIBGP > 0 {
			af.Set("maxExtIntEcmp", strconv.Itoa(r.f.MaximumPathsIBGP))
		}
		for _, n := range l.Networks {
			if addressing.PrefixFamily(n.Prefix) != f {
				continue
			}
			p := dme.New("bgpAdvPrefix", "addr", n.Prefix.String())
			if n.RouteMap != "" {
				p.Set("rtMap", n.RouteMap)
			}
			af.Add(p)
		}
		dom.Add(af)
	}
	dom.Children = append(make([]*dme.Object, 0, len(dom.Children)+len(l.Neighbors)), dom.Children...)
	for _, n := range l.Neighbors {
		dom.Children = append(dom.Children, dme.New("bgpPeer", "addr", n.Addr.String(), "peerImp", n.Template).Add(
			dme.New("bgpPeerAf", "type", afType(n.Family)),
		))
	}
	return dom
}

// familyInUse reports whether the leaf's VRF needs BGP address family f: it has a template,
// networks or neighbors of that family.
func (r *leafRenderer) familyInUse(f addressing.Family) bool {
	if r.l.Template(f) != nil {
		return true
	}
	for _, n := range r.l.Networks {
		if addressing.PrefixFamily(n.Prefix) == f {
			return true
		}
	}
	return false
}
