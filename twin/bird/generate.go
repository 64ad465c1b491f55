package bird

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	apiv3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/nxcalico/nxcalico/addressing"
)

// DefaultASN is the AS number calico-node uses when neither the node nor the default
// BGPConfiguration sets one.
const DefaultASN uint32 = 64512

// DefaultNamespace is the namespace whose Secrets a BGPPeer's password secretKeyRef names when
// Resources.Namespace is empty: the namespace the Tigera operator runs calico-node in.
const DefaultNamespace = "calico-system"

// Node is what calico-node knows about the node it runs on.
type Node struct {
	// Name is the Kubernetes node name.
	Name string
	// IPv4 and IPv6 are the node's BGP addresses, from its projectcalico.org/IPv4Address and
	// projectcalico.org/IPv6Address annotations (prefix form there; the address part here).
	// A node without an address of a family has that family's BGP disabled.
	IPv4, IPv6 netip.Addr
	// IPv4Subnet and IPv6Subnet are the annotations' prefix form (the node's subnet). Optional:
	// calico-node writes its pool routes' kernel programming only when it knows the subnet.
	IPv4Subnet, IPv6Subnet netip.Prefix
	// RouterID overrides the router id (calico-node's CALICO_ROUTER_ID); the IPv4 address
	// when unset. bird6 needs it on a node without IPv4.
	RouterID netip.Addr
	// ASN is the node's AS number (its own spec.bgp.asNumber, else the BGPConfiguration's).
	// Zero means the BGPConfiguration's asNumber, else DefaultASN.
	ASN uint32
	// Labels are the node's labels, matched by BGPPeer nodeSelector and peerSelector.
	Labels map[string]string
	// Blocks are the node's IPAM blocks (both families); each is announced as a blackhole route.
	Blocks []netip.Prefix
}

// Resources are the cluster's Calico resources that shape a node's BIRD configuration, typed from
// github.com/projectcalico/api v3.
type Resources struct {
	// Config is the BGPConfiguration named "default"; nil means Calico's defaults.
	Config *apiv3.BGPConfiguration
	// Peers are all BGPPeers of the cluster; Generate picks those that select the node.
	Peers []apiv3.BGPPeer
	// Filters are all BGPFilters of the cluster.
	Filters []apiv3.BGPFilter
	// Pools are all IPPools of the cluster.
	Pools []apiv3.IPPool
	// Passwords holds the clear BGP passwords the caller resolved, keyed
	// "namespace/secret/key" (see PasswordKey).
	Passwords map[string]string
	// Namespace is calico-node's namespace, where password secrets live; DefaultNamespace when
	// empty.
	Namespace string
	// Nodes are the cluster's other Calico nodes, needed only by BGPPeers with a peerSelector.
	Nodes []Node
}

// PasswordKey returns the Resources.Passwords key of a secret key in a namespace.
func PasswordKey(namespace, secret, key string) string {
	return namespace + "/" + secret + "/" + key
}

// Config is one BIRD 1.6 configuration file: bird.cfg (IPv4) or bird6.cfg (IPv6).
//
// When a peer has a password, the text holds it in clear (as calico-node's own file does): write
// it only to a 0600 file in a 0700 directory that is removed after use (Daemons does), and never
// log String(); log Redacted() instead.
type Config struct {
	family   addressing.Family
	text     string
	redacted string
	peers    []Peer
	secret   bool
}

// Peer is one BGP protocol a Config defines.
type Peer struct {
	// Name is the BIRD protocol name (Global_…, Node_…).
	Name string
	// Neighbor is the peer address and Port its TCP port (0 for BGP's 179).
	Neighbor netip.Addr
	Port     uint16
	// ASN is the peer's AS number and LocalASN the node's AS on this session.
	ASN, LocalASN uint32
	// Resource is the BGPPeer the protocol comes from.
	Resource string
	// Password reports whether the session is protected by a password (never the password).
	Password bool
}

// String returns the configuration file text.
func (c *Config) String() string { return c.text }

// Redacted returns the text with every password replaced by "<redacted>", safe to log.
func (c *Config) Redacted() string { return c.redacted }

// Family returns the configuration's address family (bird: IPv4, bird6: IPv6).
func (c *Config) Family() addressing.Family { return c.family }

// Peers returns the BGP protocols the configuration defines, in file order.
func (c *Config) Peers() []Peer { return slices.Clone(c.peers) }

// HasPassword reports whether the text holds a password.
func (c *Config) HasPassword() bool { return c.secret }

// Generate returns the BIRD 1.6 configurations calico-node's confd templates would write for node
// n — bird.cfg for bird (IPv4) and bird6.cfg for bird6 (IPv6) — with the content of Calico's
// included files (bird_aggr.cfg, bird_ipam.cfg and their IPv6 twins) written inline, so that each
// family is one self-contained file. Generate is pure: the same input gives the same bytes.
//
// One deviation is forced by upstream BIRD: calico-node's BIRD fork sets the IPIP tunnel of pool
// routes (krt_tunnel) in its kernel filter; upstream BIRD 1.6 has no such attribute, so the
// assignment is written as a comment.
func Generate(n Node, r Resources) (v4, v6 *Config, err error) {
	g, err := newGen(n, r)
	if err != nil {
		return nil, nil, err
	}
	if v4, err = g.config(addressing.IPv4); err != nil {
		return nil, nil, err
	}
	if v6, err = g.config(addressing.IPv6); err != nil {
		return nil, nil, err
	}
	return v4, v6, nil
}

// gen holds the validated input of one Generate call.
type gen struct {
	n          Node
	r          Resources
	asn        uint32
	routerID   netip.Addr
	listenPort uint16
	filters    map[string]*apiv3.BGPFilter
	peers      []peerSpec // both families, validated
}

func newGen(n Node, r Resources) (*gen, error) {
	if n.Name == "" {
		return nil, fmt.Errorf("bird: node has no name")
	}
	if n.IPv4.IsValid() && !n.IPv4.Is4() {
		return nil, fmt.Errorf("bird: node %s: IPv4 %s is not an IPv4 address", n.Name, n.IPv4)
	}
	if n.IPv6.IsValid() && (!n.IPv6.Is6() || n.IPv6.Is4In6()) {
		return nil, fmt.Errorf("bird: node %s: IPv6 %s is not an IPv6 address", n.Name, n.IPv6)
	}
	for _, s := range []struct {
		name string
		p    netip.Prefix
		a    netip.Addr
	}{{"IPv4Subnet", n.IPv4Subnet, n.IPv4}, {"IPv6Subnet", n.IPv6Subnet, n.IPv6}} {
		if s.p.IsValid() && (!s.a.IsValid() || !s.p.Contains(s.a)) {
			return nil, fmt.Errorf("bird: node %s: %s %s does not contain the node address %v", n.Name, s.name, s.p, s.a)
		}
	}
	g := &gen{n: n, r: r, asn: n.ASN, routerID: n.RouterID, filters: map[string]*apiv3.BGPFilter{}}
	if g.r.Namespace == "" {
		g.r.Namespace = DefaultNamespace
	}
	if r.Config != nil {
		if g.asn == 0 && r.Config.Spec.ASNumber != nil {
			g.asn = uint32(*r.Config.Spec.ASNumber)
		}
		if r.Config.Spec.ListenPort != 0 {
			g.listenPort = r.Config.Spec.ListenPort
		}
	}
	if g.asn == 0 {
		g.asn = DefaultASN
	}
	if r.Config == nil || r.Config.Spec.NodeToNodeMeshEnabled == nil || *r.Config.Spec.NodeToNodeMeshEnabled {
		return nil, fmt.Errorf("bird: BGPConfiguration %q: nodeToNodeMeshEnabled must be false (Calico's default is true): the node-to-node mesh is not generated", "default")
	}
	if !g.routerID.IsValid() {
		g.routerID = n.IPv4
	}
	if g.routerID.IsValid() && !g.routerID.Is4() {
		return nil, fmt.Errorf("bird: node %s: router id %s is not a 4-octet (IPv4) address", n.Name, g.routerID)
	}
	for _, b := range n.Blocks {
		if !b.IsValid() || b != b.Masked() {
			return nil, fmt.Errorf("bird: node %s: block %s is not a network prefix", n.Name, b)
		}
	}
	for _, p := range r.Pools {
		if _, err := netip.ParsePrefix(p.Spec.CIDR); err != nil {
			return nil, fmt.Errorf("bird: IPPool %q: cidr %q: %v", p.Name, p.Spec.CIDR, err)
		}
	}
	for i := range r.Filters {
		f := &r.Filters[i]
		if err := checkFilter(f); err != nil {
			return nil, err
		}
		g.filters[f.Name] = f
	}
	peers, err := g.selectPeers()
	if err != nil {
		return nil, err
	}
	g.peers = peers
	return g, nil
}

// config renders one family.
func (g *gen) config(f addressing.Family) (*Config, error) {
	w := &writer{}
	sw := &writer{} // the same text, passwords redacted
	c := &Config{family: f}
	nodeIP := g.n.IPv4
	if f == addressing.IPv6 {
		nodeIP = g.n.IPv6
	}
	if nodeIP.IsValid() && !g.routerID.IsValid() {
		return nil, fmt.Errorf("bird: node %s has IPv6 but no IPv4 address and no RouterID: BIRD needs a 4-octet router id", g.n.Name)
	}
	var peers []peerSpec
	for _, p := range g.peers {
		if p.family == f {
			peers = append(peers, p)
		}
	}
	both := func(format string, args ...any) {
		w.printf(format, args...)
		sw.printf(format, args...)
	}
	g.writeHead(both, f, nodeIP, peers)
	g.writeFilters(both, f)
	if !nodeIP.IsValid() {
		both("# %s disabled on this node.\n", f)
		return g.finish(c, w, sw, nil), nil
	}
	both("\n# Template for all BGP clients\ntemplate bgp bgp_template {\n")
	both("  debug { states };\n  description \"Connection to BGP peer\";\n  local as %d;\n", g.asn)
	both("  multihop;\n  gateway recursive; # This should be the default, but just in case.\n")
	both("  add paths on;\n  graceful restart;  # See comment in kernel section about graceful restart.\n")
	both("  connect delay time 2;\n  connect retry time 5;\n  error wait time 5,30;\n}\n")
	both("\n# ------------- Node-to-node mesh -------------\n# Node-to-node mesh disabled\n")
	var out []Peer
	for _, kind := range []string{"Global", "Node"} {
		title := map[string]string{"Global": "Global peers", "Node": "Node-specific peers"}[kind]
		both("\n# ------------- %s -------------\n", title)
		n := 0
		for _, p := range peers {
			if p.kind != kind {
				continue
			}
			n++
			both("\n# For peer %s (BGPPeer %s)\n", p.name, p.resource)
			if p.ip == nodeIP {
				both("# Skipping ourselves (%s)\n", nodeIP)
				continue
			}
			if err := g.writePeer(w, sw, p, nodeIP); err != nil {
				return nil, err
			}
			out = append(out, Peer{Name: p.name, Neighbor: p.ip, Port: p.port, ASN: p.asn, LocalASN: p.localAS(g.asn),
				Resource: p.resource, Password: p.password != ""})
			if p.password != "" {
				c.secret = true
			}
		}
		if n == 0 {
			both("# No %s configured.\n", strings.ToLower(title))
		}
	}
	return g.finish(c, w, sw, out), nil
}

func (g *gen) finish(c *Config, w, sw *writer, peers []Peer) *Config {
	c.text = w.String()
	c.redacted = sw.String()
	c.peers = peers
	return c
}

// writeHead writes everything before the BGP template: the aggregation and IPAM sections, the
// router id, and the kernel, device and direct protocols.
func (g *gen) writeHead(p func(string, ...any), f addressing.Family, nodeIP netip.Addr, peers []peerSpec) {
	p("# BIRD %s configuration for node %s, as calico-node's confd templates write it.\n", map[addressing.Family]string{4: "(bird.cfg)", 6: "(bird6.cfg)"}[f], g.n.Name)
	p("# Generated by nxcalico twin/bird; the included files of calico-node are inline.\n\n")
	p("function apply_communities ()\n{\n}\n")

	// bird_aggr.cfg
	blocks := g.blocks(f)
	statics := g.serviceCIDRs(f)
	var reach []peerSpec
	for _, ps := range peers {
		if ps.reachableBy.IsValid() {
			reach = append(reach, ps)
		}
	}
	p("\n# ------------- Blocks and static routes (bird_aggr) -------------\n")
	if len(blocks) > 0 || len(statics) > 0 || len(reach) > 0 {
		p("protocol static {\n")
		if len(blocks) > 0 {
			p("   # IP blocks for this host.\n")
			for _, b := range blocks {
				if b.Bits() != b.Addr().BitLen() {
					p("   route %s blackhole;\n", b)
				}
			}
		}
		if len(statics) > 0 {
			p("   # Static routes.\n")
			for _, s := range statics {
				p("   route %s blackhole;\n", s)
			}
		}
		for _, kind := range []string{"Global", "Node"} {
			first := true
			for _, ps := range reach {
				if ps.kind != kind {
					continue
				}
				if first {
					p("   # Static routes needed for %s BGP peers\n", map[string]string{"Global": "global", "Node": "node specific"}[kind])
					first = false
				}
				p("   route %s via %s;\n", netip.PrefixFrom(ps.ip, ps.ip.BitLen()), ps.reachableBy)
			}
		}
		p("}\n")
	} else {
		p("# No IP blocks or static routes for this host.\n")
	}
	p("\n# Aggregation of routes on this host; export the block, nothing beneath it.\nfunction calico_aggr ()\n{\n")
	for _, b := range blocks {
		p("      # Block %s is implicitly confirmed.\n", b)
		p("      if ( net = %s ) then { accept; }\n", b)
		p("      if ( net ~ %s ) then { reject; }\n", b)
	}
	p("}\n")

	// bird_ipam.cfg
	pools := g.pools(f)
	p("\n# ------------- IP pools (bird_ipam) -------------\nfunction reject_disabled_pools ()\n{\n")
	for _, pl := range pools {
		if pl.Spec.DisableBGPExport {
			p("  if ( net ~ %s ) then { reject; }\n", canonCIDR(pl.Spec.CIDR))
		}
	}
	p("}\n\n")
	p("function reject_tunnel_routes () {\n  # Don't export tunnel routes to other nodes, Felix programs them.\n")
	p("  if (defined(ifname)) then {\n     if ((ifname ~ \"*.cali\") || (ifname ~ \"*.calico\")) then {\n        reject;\n     }\n  }\n}\n\n")
	p("function calico_export_to_bgp_peers(bool internal_peer) {\n")
	p("  # filter code terminates when it calls `accept;` or `reject;`\n")
	p("  reject_disabled_pools();\n  if (internal_peer) then {\n    reject_tunnel_routes();\n  }\n")
	p("  apply_communities();\n  calico_aggr();\n")
	if len(statics) > 0 {
		p("\n  # Export static routes.\n")
		for _, s := range statics {
			p("  if ( net ~ %s ) then { accept; }\n", s)
		}
	}
	p("\n")
	for _, pl := range pools {
		cidr := canonCIDR(pl.Spec.CIDR)
		if pl.Spec.DisableBGPExport {
			p("  # Skip %s as BGP export is disabled for it\n", cidr)
			continue
		}
		p("  if ( net ~ %s ) then {\n    accept;\n  }\n", cidr)
	}
	p("}\n\n")
	p("filter calico_kernel_programming {\n")
	if len(statics) > 0 {
		p("\n  # Don't program static routes into kernel.\n")
		for _, s := range statics {
			p("  if ( net ~ %s ) then { reject; }\n", s)
		}
		p("\n")
	}
	subnet := g.n.IPv4Subnet
	if f == addressing.IPv6 {
		subnet = g.n.IPv6Subnet
	}
	if subnet.IsValid() {
		for _, pl := range pools {
			p("  if ( net ~ %s ) then {\n", canonCIDR(pl.Spec.CIDR))
			switch {
			case pl.Spec.VXLANMode != "" && pl.Spec.VXLANMode != apiv3.VXLANModeNever:
				p("    # Don't program VXLAN routes into the kernel - these are handled by Felix.\n    reject;\n  }\n")
				continue
			case f == addressing.IPv4 && pl.Spec.IPIPMode == apiv3.IPIPModeCrossSubnet:
				p("    # calico-node's BIRD: krt_tunnel = \"\" when bgp_next_hop ~ %s, else \"tunl0\" (no such attribute in upstream BIRD)\n", subnet.Masked())
			case f == addressing.IPv4 && pl.Spec.IPIPMode == apiv3.IPIPModeAlways:
				p("    # calico-node's BIRD: krt_tunnel = \"tunl0\"; (no such attribute in upstream BIRD)\n")
			default:
				p("    # calico-node's BIRD: krt_tunnel = \"\"; (no such attribute in upstream BIRD)\n")
			}
			p("    accept;\n  }\n")
		}
	}
	p("  accept;\n}\n")

	// bird.cfg proper
	if g.routerID.IsValid() {
		p("\nrouter id %s;\n", g.routerID)
	}
	if g.listenPort != 0 {
		p("\n# Set global listen_port\nlisten bgp port %d;\n", g.listenPort)
	}
	p(`
# Configure synchronization between routing tables and kernel.
protocol kernel {
  learn;             # Learn all alien routes from the kernel
  persist;           # Don't remove routes on bird shutdown
  scan time 2;       # Scan kernel routing table every 2 seconds
  import all;
  export filter calico_kernel_programming; # Default is export none
  graceful restart;  # Turn on graceful restart to reduce potential flaps in
                     # routes when reloading BIRD configuration.
  merge paths on;    # Allow export multipath routes (ECMP)
}

# Watch interface up/down events.
protocol device {
  debug { states };
  scan time 2;    # Scan interfaces every 2 seconds
}

protocol direct {
  debug { states };
  interface -"cali*", -"kube-ipvs*", "*"; # Exclude cali* and kube-ipvs* but
                                          # include everything else.
}
`)
}

// writePeer writes one protocol bgp block; the password goes only to w, sw gets "<redacted>".
func (g *gen) writePeer(w, sw *writer, p peerSpec, nodeIP netip.Addr) error {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	port := ""
	if p.port != 0 {
		port = fmt.Sprintf("port %d ", p.port)
	}
	add("protocol bgp %s from bgp_template {", p.name)
	add("  neighbor %s %sas %d;", p.ip, port, p.asn)
	if p.localASN != 0 {
		add("  local as %d;", p.localASN)
	}
	if p.sourceNodeIP {
		add("  source address %s;  # The local address we use for the TCP connection", nodeIP)
	}
	if p.calicoNode && p.kind == "Global" && p.ip.String() > nodeIP.String() {
		add("  passive on; # Peering is unidirectional, peer will connect to us.")
	}
	if p.restartTime != "" {
		add("  graceful restart time %s;", p.restartTime)
	}
	pwLine := -1
	if p.password != "" {
		pwLine = len(lines)
		add("  password \"%s\";", p.password)
	}
	switch {
	case p.nextHop == "Self":
		add("  next hop self;")
	case p.nextHop == "Keep":
		add("  next hop keep;")
	case p.nextHop == "" && p.keepNextHop && p.asn != p.localAS(g.asn):
		add("  next hop keep;")
	}
	if p.allowLocalAS > 0 {
		add("  allow local as %d;", p.allowLocalAS)
	}
	if p.ttlSecurity > 0 {
		add("  ttl security on;")
		add("  multihop %d;", p.ttlSecurity)
	} else {
		add("  ttl security off;")
	}
	fam := "V4"
	if p.family == addressing.IPv6 {
		fam = "V6"
	}
	add("  import filter {")
	for _, fn := range p.filters {
		if hasRules(g.filters[fn], p.family, "import") {
			add("    %s();", filterFuncName(fn, "import", fam))
		}
	}
	add("    accept; # Prior to introduction of BGP Filters we used \"import all\" so use default accept behaviour on import")
	add("  };")
	add("  export filter {")
	for _, fn := range p.filters {
		if hasRules(g.filters[fn], p.family, "export") {
			add("    %s();", filterFuncName(fn, "export", fam))
		}
	}
	add("    calico_export_to_bgp_peers(%t);", p.asn == p.localAS(g.asn))
	add("    reject;")
	add("  };")
	add("}")
	for i, l := range lines {
		w.printf("%s\n", l)
		if i == pwLine {
			l = "  password \"<redacted>\";"
		}
		sw.printf("%s\n", l)
	}
	return nil
}

// blocks returns the node's blocks of family f, sorted.
func (g *gen) blocks(f addressing.Family) []netip.Prefix {
	var out []netip.Prefix
	for _, b := range g.n.Blocks {
		if addressing.PrefixFamily(b) == f {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, comparePrefix)
	return slices.Compact(out)
}

// pools returns the pools of family f, sorted by name.
func (g *gen) pools(f addressing.Family) []apiv3.IPPool {
	var out []apiv3.IPPool
	for _, p := range g.r.Pools {
		pf, _ := netip.ParsePrefix(p.Spec.CIDR)
		if addressing.PrefixFamily(pf) == f {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b apiv3.IPPool) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// serviceCIDRs returns the BGPConfiguration's advertised service ranges of family f (cluster,
// external and load-balancer IPs), which calico-node announces as static blackhole routes.
func (g *gen) serviceCIDRs(f addressing.Family) []netip.Prefix {
	if g.r.Config == nil {
		return nil
	}
	var out []netip.Prefix
	s := g.r.Config.Spec
	for _, c := range s.ServiceClusterIPs {
		out = append(out, mustPrefix(c.CIDR))
	}
	for _, c := range s.ServiceExternalIPs {
		out = append(out, mustPrefix(c.CIDR))
	}
	for _, c := range s.ServiceLoadBalancerIPs {
		out = append(out, mustPrefix(c.CIDR))
	}
	out = slices.DeleteFunc(out, func(p netip.Prefix) bool { return !p.IsValid() || addressing.PrefixFamily(p) != f })
	slices.SortFunc(out, comparePrefix)
	return slices.Compact(out)
}

func mustPrefix(s string) netip.Prefix {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}
	}
	return p.Masked()
}

// canonCIDR returns a pool CIDR in canonical form (validated in newGen).
func canonCIDR(s string) string { return mustPrefix(s).String() }

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

// writer accumulates text.
type writer struct{ strings.Builder }

func (w *writer) printf(format string, args ...any) {
	if len(args) == 0 {
		w.WriteString(format)
		return
	}
	fmt.Fprintf(w, format, args...)
}

// idFromIP is how calico-node names a peer protocol: the address with its separators as "_".
func idFromIP(ip netip.Addr, port uint16) string {
	s := ip.String()
	if ip.Is4() {
		s = strings.ReplaceAll(s, ".", "_")
	} else {
		s = strings.ReplaceAll(s, ":", "_")
	}
	if port != 0 {
		s += "_port_" + strconv.Itoa(int(port))
	}
	return s
}
