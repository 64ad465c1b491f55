package bird

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	apiv3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/nxcalico/nxcalico/addressing"
)

// peerSpec is one BGP session of the node, validated, before it is written.
type peerSpec struct {
	kind         string // "Global" or "Node"
	name         string // BIRD protocol name
	resource     string // BGPPeer name
	family       addressing.Family
	ip           netip.Addr
	port         uint16
	asn          uint32
	localASN     uint32 // 0: the node's AS
	sourceNodeIP bool
	calicoNode   bool // the peer is another Calico node (peerSelector)
	restartTime  string
	password     string
	nextHop      string // "", "Auto", "Self", "Keep"
	keepNextHop  bool
	allowLocalAS int32
	ttlSecurity  uint8
	reachableBy  netip.Addr
	filters      []string
}

func (p peerSpec) localAS(nodeAS uint32) uint32 {
	if p.localASN != 0 {
		return p.localASN
	}
	return nodeAS
}

// selectPeers returns the sessions every BGPPeer that selects the node asks for, both families,
// sorted by protocol name within kind (one protocol per name: the BGPPeer first by name wins, as
// calico-node keys peers by address).
func (g *gen) selectPeers() ([]peerSpec, error) {
	res := slices.Clone(g.r.Peers)
	slices.SortFunc(res, func(a, b apiv3.BGPPeer) int { return cmp.Compare(a.Name, b.Name) })
	var out []peerSpec
	seen := map[string]bool{}
	for i := range res {
		bp := &res[i]
		specs, err := g.peersOf(bp)
		if err != nil {
			return nil, err
		}
		for _, s := range specs {
			if seen[s.name] {
				continue
			}
			seen[s.name] = true
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b peerSpec) int {
		if a.kind != b.kind {
			return cmp.Compare(a.kind, b.kind) // Global before Node
		}
		return cmp.Compare(a.name, b.name)
	})
	return out, nil
}

// peersOf returns the sessions one BGPPeer asks of this node (none when it does not select it).
func (g *gen) peersOf(bp *apiv3.BGPPeer) ([]peerSpec, error) {
	s := bp.Spec
	where := fmt.Sprintf("bird: BGPPeer %q", bp.Name)
	if s.Node != "" && s.NodeSelector != "" {
		return nil, fmt.Errorf("%s: node %q and nodeSelector %q are both set", where, s.Node, s.NodeSelector)
	}
	if s.LocalWorkloadSelector != "" {
		return nil, fmt.Errorf("%s: localWorkloadSelector %q is not supported", where, s.LocalWorkloadSelector)
	}
	if s.PeerSelector != "" && s.PeerIP != "" {
		return nil, fmt.Errorf("%s: peerIP %q and peerSelector %q are both set", where, s.PeerIP, s.PeerSelector)
	}
	if s.PeerSelector == "" && s.PeerIP == "" {
		return nil, fmt.Errorf("%s: neither peerIP nor peerSelector is set", where)
	}
	selectsUs, err := g.selectsNode(bp, g.n)
	if err != nil {
		return nil, err
	}
	kind := "Node"
	if s.Node == "" && s.NodeSelector == "" {
		kind = "Global"
	}
	base, err := g.peerBase(bp, kind)
	if err != nil {
		return nil, err
	}
	if s.PeerIP != "" {
		if !selectsUs {
			return nil, nil
		}
		ip, port, err := parsePeerIP(s.PeerIP)
		if err != nil {
			return nil, fmt.Errorf("%s: peerIP %q: %v", where, s.PeerIP, err)
		}
		if s.ASNumber == 0 {
			return nil, fmt.Errorf("%s: peerIP %s needs asNumber", where, s.PeerIP)
		}
		p := base
		p.ip, p.port, p.asn, p.family = ip, port, uint32(s.ASNumber), addressing.FamilyOf(ip)
		p.name = kind + "_" + idFromIP(ip, port)
		if p.reachableBy.IsValid() && addressing.FamilyOf(p.reachableBy) != p.family {
			return nil, fmt.Errorf("%s: reachableBy %s is not of the family of peerIP %s", where, p.reachableBy, ip)
		}
		return []peerSpec{p}, nil
	}
	// peerSelector: sessions with the other Calico nodes it selects, and, unless reversePeering
	// is Manual, the reverse sessions on those nodes.
	sel, err := ParseSelector(s.PeerSelector)
	if err != nil {
		return nil, fmt.Errorf("%s: peerSelector: %v", where, err)
	}
	reverse := s.ReversePeering == nil || *s.ReversePeering != apiv3.ReversePeeringManual
	weArePeer := sel.Match(g.n.Labels)
	var remotes []Node
	for _, o := range g.r.Nodes {
		if o.Name == g.n.Name {
			continue
		}
		switch {
		case selectsUs && sel.Match(o.Labels):
			remotes = append(remotes, o)
		case reverse && weArePeer:
			ok, err := g.selectsNode(bp, o)
			if err != nil {
				return nil, err
			}
			if ok {
				remotes = append(remotes, o)
			}
		}
	}
	var out []peerSpec
	for _, o := range remotes {
		asn := o.ASN
		if asn == 0 {
			asn = g.globalASN()
		}
		for _, pair := range [][2]netip.Addr{{g.n.IPv4, o.IPv4}, {g.n.IPv6, o.IPv6}} {
			if !pair[0].IsValid() || !pair[1].IsValid() {
				continue
			}
			p := base
			p.ip, p.asn, p.family, p.calicoNode = pair[1], asn, addressing.FamilyOf(pair[1]), true
			if g.listenPort != 0 && g.listenPort != 179 {
				p.port = g.listenPort
			}
			p.name = kind + "_" + idFromIP(p.ip, p.port)
			p.reachableBy = netip.Addr{}
			out = append(out, p)
		}
	}
	return out, nil
}

// globalASN is the BGPConfiguration's AS number, or Calico's default.
func (g *gen) globalASN() uint32 {
	if g.r.Config != nil && g.r.Config.Spec.ASNumber != nil {
		return uint32(*g.r.Config.Spec.ASNumber)
	}
	return DefaultASN
}

// selectsNode reports whether the BGPPeer's node/nodeSelector picks node n (a peer with neither
// selects every node).
func (g *gen) selectsNode(bp *apiv3.BGPPeer, n Node) (bool, error) {
	switch {
	case bp.Spec.Node != "":
		return bp.Spec.Node == n.Name, nil
	case bp.Spec.NodeSelector != "":
		ok, err := MatchSelector(bp.Spec.NodeSelector, n.Labels)
		if err != nil {
			return false, fmt.Errorf("bird: BGPPeer %q: nodeSelector: %v", bp.Name, err)
		}
		return ok, nil
	}
	return true, nil
}

// peerBase fills what a BGPPeer sets for all of its sessions.
func (g *gen) peerBase(bp *apiv3.BGPPeer, kind string) (peerSpec, error) {
	s := bp.Spec
	where := fmt.Sprintf("bird: BGPPeer %q", bp.Name)
	p := peerSpec{kind: kind, resource: bp.Name, keepNextHop: s.KeepOriginalNextHop}
	switch s.SourceAddress {
	case "", apiv3.SourceAddressUseNodeIP:
		p.sourceNodeIP = true
	case apiv3.SourceAddressNone:
	default:
		return p, fmt.Errorf("%s: sourceAddress %q is not UseNodeIP or None", where, s.SourceAddress)
	}
	if s.LocalASNumber != nil {
		p.localASN = uint32(*s.LocalASNumber)
	}
	if s.MaxRestartTime != nil {
		d := s.MaxRestartTime.Duration
		if d < 0 {
			return p, fmt.Errorf("%s: maxRestartTime %s is negative", where, d)
		}
		p.restartTime = strconv.FormatFloat(d.Seconds(), 'f', 0, 64)
	}
	if s.NextHopMode != nil {
		switch m := string(*s.NextHopMode); m {
		case "Auto", "Self", "Keep":
			p.nextHop = m
		default:
			return p, fmt.Errorf("%s: nextHopMode %q is not Auto, Self or Keep", where, m)
		}
	}
	if s.NumAllowedLocalASNumbers != nil {
		p.allowLocalAS = *s.NumAllowedLocalASNumbers
	}
	if s.TTLSecurity != nil {
		p.ttlSecurity = *s.TTLSecurity
	}
	if s.ReachableBy != "" {
		a, err := netip.ParseAddr(s.ReachableBy)
		if err != nil {
			return p, fmt.Errorf("%s: reachableBy %q: %v", where, s.ReachableBy, err)
		}
		p.reachableBy = a
	}
	for _, f := range s.Filters {
		if _, ok := g.filters[f]; !ok {
			return p, fmt.Errorf("%s: filters: no BGPFilter named %q", where, f)
		}
		if len(f)+len("bgp__importFilterV4") > 64 {
			return p, fmt.Errorf("%s: BGPFilter name %q is longer than BIRD's 64-character symbols allow (calico-node would truncate and hash it; not supported)", where, f)
		}
		p.filters = append(p.filters, f)
	}
	if s.Password != nil && s.Password.SecretKeyRef != nil {
		ref := s.Password.SecretKeyRef
		key := PasswordKey(g.r.Namespace, ref.Name, ref.Key)
		pw, ok := g.r.Passwords[key]
		if !ok {
			return p, fmt.Errorf("%s: password secret %q has no entry in Resources.Passwords", where, key)
		}
		if !safeString(pw) {
			return p, fmt.Errorf("%s: password from secret %q is empty or holds a quote, backslash or non-printable character, which BIRD's configuration cannot carry", where, key)
		}
		p.password = pw
	}
	return p, nil
}

// parsePeerIP parses a BGPPeer peerIP: "IP", "IPv4:port" or "[IPv6]:port".
func parsePeerIP(s string) (netip.Addr, uint16, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Zone() != "" {
			return netip.Addr{}, 0, fmt.Errorf("zoned address")
		}
		return a.Unmap(), 0, nil
	}
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return netip.Addr{}, 0, fmt.Errorf("not an address, IPv4:port or [IPv6]:port")
	}
	if ap.Port() == 0 || ap.Addr().Zone() != "" {
		return netip.Addr{}, 0, fmt.Errorf("port 0 or zoned address")
	}
	return ap.Addr().Unmap(), ap.Port(), nil
}

// safeString reports whether s can be written between double quotes in a BIRD configuration
// as it is: not empty, printable ASCII, no quote and no backslash.
func safeString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
