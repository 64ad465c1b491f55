package twin

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/twin/bird"
	"github.com/nxcalico/nxcalico/twin/frr"
)

// CheckOptions configures Lab.Check.
type CheckOptions struct {
	// Settle bounds how long a check waits for the daemons to converge (sessions up, routes
	// installed, traffic flowing); 0 means 60 s.
	Settle time.Duration
	// SkipRouteSafety and SkipFailover leave out the checks that disturb the lab (a node made to
	// misbehave, a leaf stopped). Both restore the lab when they run.
	SkipRouteSafety, SkipFailover bool
	// Only, when set, names the checks to run (CheckSessions, …); the others are left out.
	Only []string
}

// Check names, in the order Lab.Check runs them.
const (
	CheckSessions     = "sessions"
	CheckRoutes       = "routes"
	CheckPackets      = "packets"
	CheckService      = "service"
	CheckColoring     = "coloring"
	CheckRouteSafety  = "route safety"
	CheckMaximumPfx   = "maximum-prefix"
	CheckFailover     = "failover"
	CheckRouteFilters = "route filters"
	CheckPodRoutes    = "pod routes"
)

// session is one eBGP session the intent expects.
type session struct {
	node, leaf string
	family     addressing.Family
	nodeAddr   netip.Addr
	leafAddr   netip.Addr
}

func (s session) String() string {
	return fmt.Sprintf("%s %s (%s) - %s (%s)", s.family, s.node, s.nodeAddr, s.leaf, s.leafAddr)
}

func (l *Lab) sessions() []session { return sessionsOf(l.intent) }

// sessionsOf lists the eBGP sessions in expects.
func sessionsOf(in *design.Intent) []session {
	var out []session
	for _, n := range in.Nodes {
		for _, p := range n.Peers {
			out = append(out, session{node: n.Name, leaf: p.Leaf, family: p.Family, nodeAddr: n.Addr.Get(p.Family), leafAddr: p.Addr})
		}
	}
	return out
}

// Check runs the twin's checks on the running lab and returns the report; the error is only for
// a lab that cannot be checked (TopologyOnly, context ended). The design should have been
// applied (Syncer.Apply) just before: the "sessions" check measures how long it takes until every
// session is up.
func (l *Lab) Check(ctx context.Context, o CheckOptions) (*Report, error) {
	if l.opts.TopologyOnly {
		return nil, fmt.Errorf("twin: Check: the lab runs no daemons (Options.TopologyOnly)")
	}
	if o.Settle == 0 {
		o.Settle = 60 * time.Second
	}
	if len(o.Only) > 0 {
		o.SkipFailover, o.SkipRouteSafety = !slices.Contains(o.Only, CheckFailover), !slices.Contains(o.Only, CheckRouteSafety) && !slices.Contains(o.Only, CheckMaximumPfx)
	}
	r := &Report{Design: l.intent.Cluster.Name, Leaves: len(l.intent.Leaves), Nodes: len(l.intent.Nodes), Sessions: l.intent.SessionCount(), Started: l.Started}
	run := func(name string, item int, f func(ctx context.Context, c *Check)) {
		if ctx.Err() != nil || (len(o.Only) > 0 && !slices.Contains(o.Only, name)) {
			return
		}
		c := Check{Name: name, Item: item, Result: Pass}
		begin := time.Now()
		f(ctx, &c)
		c.Took = time.Since(begin)
		if c.Result == Pass && len(c.Details) > 0 && c.Summary == "" {
			c.Summary = c.Details[0]
		}
		r.Checks = append(r.Checks, c)
	}
	run(CheckSessions, 1, func(ctx context.Context, c *Check) {
		begin := time.Now()
		l.checkSessions(ctx, o, c)
		r.Established = time.Since(begin)
	})
	run(CheckRoutes, 2, func(ctx context.Context, c *Check) { l.checkRoutes(ctx, o, c) })
	run(CheckPackets, 3, func(ctx context.Context, c *Check) { l.checkPackets(ctx, o, c, false) })
	run(CheckService, 3, func(ctx context.Context, c *Check) { l.checkPackets(ctx, o, c, true) })
	run(CheckColoring, 5, func(ctx context.Context, c *Check) { l.checkColoring(ctx, o, c) })
	run(CheckRouteFilters, 7, func(ctx context.Context, c *Check) { l.checkRouteFilters(ctx, c) })
	run(CheckPodRoutes, 8, func(ctx context.Context, c *Check) { l.checkPodRoutes(ctx, o, c) })
	if !o.SkipFailover {
		run(CheckFailover, 6, func(ctx context.Context, c *Check) {
			l.checkFailover(ctx, o, c)
			r.Failover = failoverTime(c)
		})
	}
	if !o.SkipRouteSafety {
		run(CheckRouteSafety, 4, func(ctx context.Context, c *Check) { l.checkRouteSafety(ctx, o, c) })
		run(CheckMaximumPfx, 4, func(ctx context.Context, c *Check) { l.checkMaximumPrefix(ctx, o, c) })
	}
	r.Memory = l.Memory()
	return r, ctx.Err()
}

// Memory returns the resident memory of each leaf's FRR and each node's BIRD, by name.
func (l *Lab) Memory() map[string]int64 {
	out := map[string]int64{}
	for name, lf := range l.leaves {
		if d := lf.Daemons(); d != nil {
			if m, err := d.Memory(); err == nil {
				out[name] = m
			}
		}
	}
	for name, n := range l.nodes {
		if d := n.Daemons(); d != nil {
			if m, err := d.Memory(); err == nil {
				out[name] = m
			}
		}
	}
	return out
}

// poll calls cond every interval until it reports done or the timeout passes; it returns the
// last findings.
func poll(ctx context.Context, timeout, interval time.Duration, cond func(ctx context.Context) (bool, []string)) (bool, []string) {
	deadline := time.Now().Add(timeout)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		done, findings := cond(ctx)
		if done || time.Now().After(deadline) {
			return done, findings
		}
		select {
		case <-ctx.Done():
			return false, append(findings, ctx.Err().Error())
		case <-t.C:
		}
	}
}

// SessionStates reads every expected session from both daemons: the leaf's FRR neighbor state
// and the node's BIRD protocol state, keyed by the session's text.
func (l *Lab) sessionStates(ctx context.Context) (up int, down []string) {
	return l.sessionStatesOf(ctx, l.intent)
}

// sessionStatesOf is sessionStates for the sessions of in.
func (l *Lab) sessionStatesOf(ctx context.Context, in *design.Intent) (up int, down []string) {
	leafNbrs := map[string]map[netip.Addr]frr.Neighbor{}
	for _, lf := range l.leafList() {
		m := map[netip.Addr]frr.Neighbor{}
		if d := lf.Daemons(); d != nil {
			if ns, err := d.Neighbors(ctx); err == nil {
				for _, n := range ns {
					m[n.Addr.Unmap()] = n
				}
			}
		}
		leafNbrs[lf.Name] = m
	}
	nodes := map[string]*Node{}
	nodeProtos := map[string][]bird.Protocol{}
	for _, n := range l.nodeList() {
		nodes[n.Name] = n
		if d := n.Daemons(); d != nil {
			ps, _ := d.Protocols(ctx)
			nodeProtos[n.Name] = ps
		}
	}
	for _, s := range sessionsOf(in) {
		leafSide := "not configured"
		if n, ok := leafNbrs[s.leaf][s.nodeAddr]; ok {
			leafSide = n.State
			if !n.Established && n.LastReset != "" {
				leafSide += fmt.Sprintf(" (last reset %q)", n.LastReset)
			}
		}
		nodeSide := "not configured"
		switch n := nodes[s.node]; {
		case n == nil:
			nodeSide = "no such node in the lab"
		case n.Daemons() == nil:
			nodeSide = "BIRD not running"
			if err := n.Err(); err != nil {
				nodeSide += ": " + err.Error()
			}
		}
		for _, p := range nodeProtos[s.node] {
			if p.Family == s.family && p.Neighbor == s.leafAddr {
				nodeSide = cmp.Or(p.BGPState, p.State)
				if !p.Established && cmp.Or(p.LastError, p.Info) != "" {
					nodeSide += fmt.Sprintf(" (%s %s)", p.Name, cmp.Or(p.LastError, p.Info))
				}
			}
		}
		if strings.HasPrefix(leafSide, "Established") && strings.HasPrefix(nodeSide, "Established") {
			up++
			continue
		}
		down = append(down, fmt.Sprintf("%s: leaf side %s, node side %s", s, leafSide, nodeSide))
	}
	return up, down
}

func (l *Lab) checkSessions(ctx context.Context, o CheckOptions, c *Check) {
	total := len(l.sessions())
	var up int
	ok, down := poll(ctx, o.Settle, 200*time.Millisecond, func(ctx context.Context) (bool, []string) {
		var down []string
		up, down = l.sessionStates(ctx)
		return len(down) == 0 && total > 0, down
	})
	c.Summary = fmt.Sprintf("%d/%d sessions Established on both ends (FRR and BIRD)", up, total)
	if !ok {
		c.Result = Fail
		c.Details = down
	}
}

// blocksOf lists the IPAM blocks of the nodes, by node name.
func (l *Lab) blocksOf(f addressing.Family) map[string][]netip.Prefix {
	out := map[string][]netip.Prefix{}
	for _, n := range l.Topology.Nodes {
		for _, b := range n.Blocks {
			if addressing.PrefixFamily(b) == f {
				out[n.Name] = append(out[n.Name], b)
			}
		}
	}
	return out
}

// families lists the families the design peers in.
func (l *Lab) families() []addressing.Family {
	var out []addressing.Family
	for _, f := range addressing.Families {
		for _, s := range l.sessions() {
			if s.family == f {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// leafRoutes reads a leaf's BGP table of f, best paths by prefix.
func leafRoutes(ctx context.Context, lf *Leaf, f addressing.Family) (map[netip.Prefix]frr.Route, []frr.Route, error) {
	all, err := lf.Daemons().Routes(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	best := map[netip.Prefix]frr.Route{}
	for _, r := range all {
		if _, ok := best[r.Prefix]; !ok || r.Best {
			best[r.Prefix] = r
		}
	}
	return best, all, nil
}

// nodeBGPRoutes reads the routes a node learned over BGP in family f.
func nodeBGPRoutes(ctx context.Context, n *Node, f addressing.Family) ([]bird.Route, error) {
	d := n.Daemons()
	if d == nil {
		return nil, fmt.Errorf("node %s: BIRD not running", n.Name)
	}
	rs, err := d.Routes(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []bird.Route
	for _, r := range rs {
		if _, ok := peerType(r.From); ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// exportPolicy is what the leaves of a node's pair send it in family f: nil when route filters are
// off.
func (l *Lab) exportPolicy(node string, f addressing.Family) *design.Policy {
	n := l.intent.Node(node)
	for _, p := range n.Peers {
		if p.Family != f {
			continue
		}
		if t := l.intent.Leaf(p.Leaf).Template(f); t != nil {
			return t.Export
		}
	}
	return nil
}

// leafLoopbacks lists every leaf peering loopback address of family f.
func (l *Lab) leafLoopbacks(f addressing.Family) []netip.Addr {
	var out []netip.Addr
	for _, lf := range l.Topology.Leaves {
		if p := lf.Loopback.Get(f); p.IsValid() && !slices.Contains(out, p.Addr()) {
			out = append(out, p.Addr())
		}
	}
	return out
}

func (l *Lab) checkRoutes(ctx context.Context, o CheckOptions, c *Check) {
	var leafCount, nodeCount int
	ok, findings := poll(ctx, o.Settle, 500*time.Millisecond, func(ctx context.Context) (bool, []string) {
		var bad []string
		leafCount, nodeCount = 0, 0
		for _, f := range l.families() {
			blocks := l.blocksOf(f)
			for _, lt := range l.Topology.Leaves {
				best, _, err := leafRoutes(ctx, l.leaves[lt.Name], f)
				if err != nil {
					bad = append(bad, fmt.Sprintf("leaf %s: %v", lt.Name, err))
					continue
				}
				for _, n := range l.Topology.Nodes {
					for _, b := range blocks[n.Name] {
						if _, has := best[b]; !has {
							where := "its own rack"
							if n.Pair != lt.Pair {
								where = "rack " + n.Pair + ", through the fabric"
							}
							bad = append(bad, fmt.Sprintf("leaf %s lacks %s block %s of node %s (%s)", lt.Name, f, b, n.Name, where))
							continue
						}
						leafCount++
					}
				}
			}
			for _, nt := range l.Topology.Nodes {
				rs, err := nodeBGPRoutes(ctx, l.nodes[nt.Name], f)
				if err != nil {
					bad = append(bad, err.Error())
					continue
				}
				pol := l.exportPolicy(nt.Name, f)
				var hasDefault bool
				for _, r := range rs {
					nodeCount++
					if r.Prefix.Bits() == 0 {
						hasDefault = true
					}
					if pol != nil && !pol.Permits(r.Prefix) {
						bad = append(bad, fmt.Sprintf("node %s holds %s from %s, which the leaves' outbound policy %s does not allow", nt.Name, r.Prefix, r.From, pol.RouteMap))
					}
					if !r.Reachable && !l.ownBlock(nt.Name, r.Prefix) {
						bad = append(bad, fmt.Sprintf("node %s: route %s from %s is unreachable (next hop %v does not resolve)", nt.Name, r.Prefix, r.From, r.NextHops))
					}
				}
				if wantDefault(l.intent, nt.Name, f) && !hasDefault {
					bad = append(bad, fmt.Sprintf("node %s has no %s default route from its leaves", nt.Name, f))
				}
			}
		}
		return len(bad) == 0, bad
	})
	c.Summary = fmt.Sprintf("leaves hold %d node blocks, nodes hold %d routes, all as the policy allows", leafCount, nodeCount)
	if !ok {
		c.Result = Fail
		c.Summary = fmt.Sprintf("%d findings", len(findings))
		c.Details = findings
	}
}

// checkPodRoutes proves the white paper's data path when the design sends the nodes the pod blocks
// (peering.advertisePodBlocks): every node holds every other node's blocks, reachable, learned from
// its leaves with the AS path as-override makes (the fabric AS twice: once in place of the
// cluster AS, once as the leaf's own), and pods reach each other (check packets).
func (l *Lab) checkPodRoutes(ctx context.Context, o CheckOptions, c *Check) {
	var sends bool
	for _, f := range l.families() {
		for _, n := range l.Topology.Nodes {
			for _, b := range l.blocksOf(f)[n.Name] {
				if pol := l.exportPolicy(n.Name, f); pol != nil && pol.Permits(b) {
					sends = true
				}
			}
		}
	}
	if !sends {
		c.Result, c.Summary = Skip, "the leaves send the nodes no pod blocks (peering.advertisePodBlocks is off)"
		return
	}
	fabric := uint32(l.intent.Fabric.ASN)
	want := []uint32{fabric, fabric}
	var held int
	ok, findings := poll(ctx, o.Settle, 500*time.Millisecond, func(ctx context.Context) (bool, []string) {
		var bad []string
		held = 0
		for _, f := range l.families() {
			blocks := l.blocksOf(f)
			for _, nt := range l.Topology.Nodes {
				rs, err := nodeBGPRoutes(ctx, l.nodes[nt.Name], f)
				if err != nil {
					bad = append(bad, err.Error())
					continue
				}
				for _, other := range l.Topology.Nodes {
					if other.Name == nt.Name {
						continue
					}
					for _, b := range blocks[other.Name] {
						found := false
						for _, r := range rs {
							if r.Prefix != b {
								continue
							}
							found = true
							if !r.Reachable {
								bad = append(bad, fmt.Sprintf("node %s: block %s of node %s from %s is unreachable", nt.Name, b, other.Name, r.From))
							}
							if !slices.Equal(r.ASPath, want) {
								bad = append(bad, fmt.Sprintf("node %s: block %s of node %s from %s has AS path %v, want %v (as-override)", nt.Name, b, other.Name, r.From, r.ASPath, want))
							}
						}
						if !found {
							bad = append(bad, fmt.Sprintf("node %s lacks block %s of node %s", nt.Name, b, other.Name))
							continue
						}
						held++
					}
				}
			}
		}
		return len(bad) == 0, bad
	})
	c.Summary = fmt.Sprintf("every node holds every other node's blocks (%d routes), reachable through its leaves, AS path %v (as-override)", held, want)
	if !ok {
		c.Result = Fail
		c.Summary = fmt.Sprintf("%d findings", len(findings))
		c.Details = findings
	}
}

// ownBlock reports whether p is one of the node's own IPAM blocks. With advertisePodBlocks the
// leaves send a node its own blocks back too (eBGP has no split horizon, and as-override makes the
// AS path acceptable); BIRD marks those unreachable, and the node keeps its own blackhole and pod
// routes, so they are not findings.
func (l *Lab) ownBlock(node string, p netip.Prefix) bool {
	for _, n := range l.Topology.Nodes {
		if n.Name == node {
			return slices.Contains(n.Blocks, p)
		}
	}
	return false
}

// wantDefault reports whether a node's leaves announce the default route of f.
func wantDefault(in *design.Intent, node string, f addressing.Family) bool {
	n := in.Node(node)
	for _, p := range n.Peers {
		if p.Family != f {
			continue
		}
		for _, nw := range in.Leaf(p.Leaf).Networks {
			if nw.Prefix.Bits() == 0 && addressing.PrefixFamily(nw.Prefix) == f {
				return true
			}
		}
	}
	return false
}

// probe is one ping the packets check sends.
type probe struct {
	what     string
	netns    string // where the ping runs
	src, dst netip.Addr
}

func (l *Lab) probes() []probe {
	var out []probe
	nodes := l.Topology.Nodes
	if len(nodes) == 0 {
		return nil
	}
	from := &nodes[0]
	for _, f := range l.families() {
		src := from.Pod(f)
		if !src.IsValid() {
			continue
		}
		var sameDone, otherDone bool
		for i := 1; i < len(nodes); i++ {
			to := &nodes[i]
			dst := to.Pod(f)
			if !dst.IsValid() {
				continue
			}
			switch {
			case to.Pair == from.Pair && !sameDone:
				out = append(out, probe{fmt.Sprintf("%s pod on %s to pod on %s (same rack)", f, from.Name, to.Name), from.Netns, src, dst})
				sameDone = true
			case to.Pair != from.Pair && !otherDone:
				out = append(out, probe{fmt.Sprintf("%s pod on %s to pod on %s (rack %s)", f, from.Name, to.Name, to.Pair), from.Netns, src, dst})
				otherDone = true
			}
		}
	}
	return out
}

// serviceProbes ping, from every leaf's fabric address, one address of every service range the
// nodes announce: the fabric's view of a service, answered by whichever node the leaf's ECMP picks
// (a pod's own packets to a service never leave its node: kube-proxy answers there).
func (l *Lab) serviceProbes() []probe {
	if len(l.Topology.Nodes) == 0 {
		return nil
	}
	var out []probe
	for _, lt := range l.Topology.Leaves {
		for _, svc := range l.Topology.Nodes[0].Services {
			f := addressing.FamilyOf(svc)
			if src := lt.Fabric.Get(f); src.IsValid() {
				out = append(out, probe{fmt.Sprintf("%s from leaf %s to service address %s", f, lt.Name, svc), lt.Netns, src, svc})
			}
		}
	}
	return out
}

// checkPackets pings pod to pod (same rack, other rack) per family, or, with services, every
// service range's address from every leaf (see serviceProbes).
func (l *Lab) checkPackets(ctx context.Context, o CheckOptions, c *Check, services bool) {
	probes := l.probes()
	if services {
		probes = l.serviceProbes()
	}
	if len(probes) == 0 {
		c.Result, c.Summary = Skip, "nothing to probe"
		return
	}
	var okCount int
	var failed []string
	for _, p := range probes {
		ok, _ := poll(ctx, o.Settle/4, 250*time.Millisecond, func(ctx context.Context) (bool, []string) {
			return ping(ctx, p.netns, p.src.String(), "", p.dst.String()) == nil, nil
		})
		if ok {
			okCount++
			continue
		}
		failed = append(failed, fmt.Sprintf("%s: %s -> %s got no answer", p.what, p.src, p.dst))
	}
	c.Summary = fmt.Sprintf("%d/%d pings answered (pod to pod, same rack and other rack, per family)", okCount, len(probes))
	if services {
		c.Summary = fmt.Sprintf("%d/%d pings from the leaves to a service address answered by a node", okCount, len(probes))
	}
	if len(failed) > 0 {
		c.Result = Fail
		c.Details = failed
	}
}

func (l *Lab) checkColoring(ctx context.Context, o CheckOptions, c *Check) {
	colored := false
	for _, lf := range l.intent.Leaves {
		colored = colored || lf.Coloring != nil
	}
	if !colored {
		c.Result, c.Summary = Skip, "no pair is colored"
		return
	}
	var bad []string
	var reached int
	for _, f := range l.families() {
		loops := l.leafLoopbacks(f)
		// No node learns any copy of a leaf loopback over BGP.
		for _, nt := range l.Topology.Nodes {
			rs, err := nodeBGPRoutes(ctx, l.nodes[nt.Name], f)
			if err != nil {
				bad = append(bad, err.Error())
				continue
			}
			for _, r := range rs {
				for _, lb := range loops {
					if r.Prefix.Contains(lb) && r.Prefix.Bits() > 0 {
						bad = append(bad, fmt.Sprintf("node %s learned %s (covering leaf loopback %s) from %s", nt.Name, r.Prefix, lb, r.From))
					}
				}
			}
			// Its own pair's loopbacks answer.
			for _, u := range nt.Uplinks {
				lb := l.Topology.Leaf(u.Leaf).Loopback.Get(f)
				if !lb.IsValid() {
					continue
				}
				if err := ping(ctx, nt.Netns, "", "", lb.Addr().String()); err != nil {
					bad = append(bad, fmt.Sprintf("node %s cannot reach its leaf %s at %s: %v", nt.Name, u.Leaf, lb.Addr(), err))
				} else {
					reached++
				}
			}
		}
		// No leaf takes another pair's copy of its own loopback from the fabric.
		for _, lt := range l.Topology.Leaves {
			_, all, err := leafRoutes(ctx, l.leaves[lt.Name], f)
			if err != nil {
				bad = append(bad, fmt.Sprintf("leaf %s: %v", lt.Name, err))
				continue
			}
			for _, r := range all {
				if r.Peer.IsValid() && slices.ContainsFunc(loops, func(a netip.Addr) bool { return r.Prefix == netip.PrefixFrom(a, a.BitLen()) }) {
					from := l.leafByFabric(r.Peer)
					if from != nil && from.Pair != lt.Pair && r.Prefix == lt.Loopback.Get(f) {
						bad = append(bad, fmt.Sprintf("leaf %s imported pair %s's copy of its own loopback %s from %s", lt.Name, from.Pair, r.Prefix, from.Name))
					}
				}
			}
		}
	}
	c.Summary = fmt.Sprintf("%d loopbacks reached by their own racks; no node learned a loopback, no leaf imported another pair's copy", reached)
	if len(bad) > 0 {
		c.Result, c.Details = Fail, bad
		c.Summary = fmt.Sprintf("%d findings", len(bad))
	}
}

// leafByFabric returns the leaf with that fabric address.
func (l *Lab) leafByFabric(a netip.Addr) *LeafNS {
	for i := range l.Topology.Leaves {
		lf := &l.Topology.Leaves[i]
		if lf.Fabric.IPv4 == a.Unmap() || lf.Fabric.IPv6 == a {
			return lf
		}
	}
	return nil
}

// checkRouteFilters shows plainly what a design without route filters does: the leaves send the
// nodes their own peering loopbacks over the sessions that use them as next hop.
func (l *Lab) checkRouteFilters(ctx context.Context, c *Check) {
	filtered := true
	for _, lf := range l.intent.Leaves {
		for _, t := range lf.Templates {
			if t.Export == nil || t.Import == nil {
				filtered = false
			}
		}
	}
	if filtered {
		c.Summary = "route filters on: the leaves send only what the design allows (see routes)"
		var bad []string
		for _, f := range l.families() {
			for _, nt := range l.Topology.Nodes {
				rs, _ := nodeBGPRoutes(ctx, l.nodes[nt.Name], f)
				for _, r := range rs {
					if !r.Reachable && !l.ownBlock(nt.Name, r.Prefix) {
						bad = append(bad, fmt.Sprintf("node %s: %s from %s unreachable", nt.Name, r.Prefix, r.From))
					}
				}
			}
		}
		if len(bad) > 0 {
			c.Result, c.Details = Fail, bad
		}
		return
	}
	var findings []string
	for _, f := range l.families() {
		loops := l.leafLoopbacks(f)
		for _, nt := range l.Topology.Nodes {
			rs, err := nodeBGPRoutes(ctx, l.nodes[nt.Name], f)
			if err != nil {
				findings = append(findings, err.Error())
				continue
			}
			for _, r := range rs {
				for _, lb := range loops {
					if r.Prefix.Contains(lb) && r.Prefix.Bits() > 0 {
						findings = append(findings, fmt.Sprintf("node %s learned leaf loopback %s from %s (reachable: %v)", nt.Name, r.Prefix, r.From, r.Reachable))
					}
				}
				if !r.Reachable {
					findings = append(findings, fmt.Sprintf("node %s: %s from %s is unreachable: the recursive next hop resolves through a route the leaf itself announced", nt.Name, r.Prefix, r.From))
				}
			}
		}
	}
	c.Result = Fail
	c.Summary = "route filters are off (peering.routeFilters: false): the leaves send the nodes everything, their own peering loopbacks included"
	if len(findings) == 0 {
		c.Result = Pass
		c.Summary = "route filters are off, yet no node learned a leaf loopback or holds an unreachable route"
	}
	c.Details = findings
}

// failoverTime reads the measured failover time back from the check.
func failoverTime(c *Check) time.Duration {
	var d time.Duration
	for _, line := range c.Details {
		if v, ok := strings.CutPrefix(line, "traffic flowed again after "); ok {
			if x, err := time.ParseDuration(strings.Fields(v)[0]); err == nil {
				d = x
			}
		}
	}
	return d
}
