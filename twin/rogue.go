package twin

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/twin/frr"
)

// rogue is a node made to misbehave: its BIRD is replaced by one that announces whatever it is
// told to every leaf of its pair, with no export filter at all.
type rogue struct {
	node *Node
	dir  string
	cmds []*exec.Cmd
}

// rogueNode picks the node that misbehaves: the last node of the first pair.
func (l *Lab) rogueNode() *Node {
	var pick *NodeNS
	for i := range l.Topology.Nodes {
		n := &l.Topology.Nodes[i]
		if n.Pair == l.Topology.Nodes[0].Pair {
			pick = n
		}
	}
	if pick == nil {
		return nil
	}
	return l.nodes[pick.Name]
}

// startRogue stops the node's own BIRD and runs one announcing routes (both families) instead.
func (l *Lab) startRogue(ctx context.Context, n *Node, routes []netip.Prefix) (*rogue, error) {
	n.mu.Lock()
	n.paused = true
	d := n.daemons
	n.daemons, n.configured = nil, ""
	n.mu.Unlock()
	if d != nil {
		if err := d.Stop(ctx); err != nil {
			return nil, err
		}
	}
	password, err := l.bgpPassword(ctx)
	if err != nil {
		return nil, err
	}
	r := &rogue{node: n, dir: filepath.Join(l.Dir, "rogue-"+n.NS.Netns)}
	if err := os.Mkdir(r.dir, 0o700); err != nil {
		return nil, err
	}
	for _, f := range addressing.Families {
		cfg := l.rogueConfig(n, f, routes, password)
		if cfg == "" {
			continue
		}
		name := "bird"
		if f == addressing.IPv6 {
			name = "bird6"
		}
		conf := filepath.Join(r.dir, name+".conf")
		if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
			return r, err
		}
		// In the foreground: "ip netns exec" becomes the BIRD process, whose pid is the one to stop.
		cmd := exec.Command("ip", "netns", "exec", n.NS.Netns, name, "-f", "-c", conf, "-s", filepath.Join(r.dir, name+".ctl"))
		if err := cmd.Start(); err != nil {
			return r, fmt.Errorf("twin: misbehaving %s on node %s: %w", name, n.Name, err)
		}
		r.cmds = append(r.cmds, cmd)
	}
	return r, nil
}

// kill ends the misbehaving BIRD; it is safe to call more than once.
func (r *rogue) kill() {
	for _, cmd := range r.cmds {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	r.cmds = nil
}

// stop ends the misbehaving BIRD and gives the node its own back (the next SyncNodes starts it).
func (r *rogue) stop(ctx context.Context, l *Lab) error {
	r.kill()
	_ = os.RemoveAll(r.dir)
	r.node.mu.Lock()
	r.node.paused = false
	r.node.mu.Unlock()
	syncErr := l.SyncNodes(ctx)
	if err := l.waitNode(ctx, r.node.Name, 60*time.Second); err != nil {
		return errors.Join(err, syncErr)
	}
	// The node's pods must be reachable again.
	probes := l.failoverProbes(r.node.NS.Pair)
	ok, lost := poll(ctx, 30*time.Second, 500*time.Millisecond, func(ctx context.Context) (bool, []string) {
		lost := round(ctx, probes)
		return len(lost) == 0, lost
	})
	if !ok {
		return fmt.Errorf("pod traffic did not come back after node %s got its own BIRD again: %s", r.node.Name, strings.Join(lost, ", "))
	}
	return nil
}

// waitNode waits until every session of the node is Established on both ends.
func (l *Lab) waitNode(ctx context.Context, node string, timeout time.Duration) error {
	ok, down := poll(ctx, timeout, 200*time.Millisecond, func(ctx context.Context) (bool, []string) {
		_, down := l.sessionStates(ctx)
		var mine []string
		for _, d := range down {
			if strings.Contains(d, " "+node+" (") {
				mine = append(mine, d)
			}
		}
		return len(mine) == 0, mine
	})
	if !ok {
		return fmt.Errorf("node %s's sessions did not come back: %s", node, strings.Join(down, "; "))
	}
	return nil
}

// bgpPassword reads the design's BGP password from the cluster, "" when the design has none.
func (l *Lab) bgpPassword(ctx context.Context) (string, error) {
	ref := l.intent.Cluster.PasswordSecret
	if ref == nil {
		return "", nil
	}
	s, err := l.opts.Kube.CoreV1().Secrets(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return "", fmt.Errorf("twin: BGP password secret %s: %w", ref, err)
	}
	return string(s.Data[ref.Key]), nil
}

// rogueConfig is a BIRD 1.6 configuration announcing routes of family f as blackholes to every
// leaf the node peers with, exporting everything and importing nothing.
func (l *Lab) rogueConfig(n *Node, f addressing.Family, routes []netip.Prefix, password string) string {
	ni := l.intent.Node(n.Name)
	src := n.NS.Addr.Get(f)
	if !src.IsValid() {
		return ""
	}
	rid := n.NS.Addr.IPv4
	if !rid.IsValid() {
		rid = netip.MustParseAddr("192.0.2.1")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "router id %s;\nprotocol device { scan time 2; }\nprotocol static rogue {\n", rid)
	for _, r := range routes {
		if addressing.PrefixFamily(r) == f {
			fmt.Fprintf(&b, "  route %s blackhole;\n", r)
		}
	}
	b.WriteString("}\n")
	for i, p := range ni.Peers {
		if p.Family != f {
			continue
		}
		fmt.Fprintf(&b, "protocol bgp leaf%d {\n  local as %d;\n  neighbor %s as %d;\n  source address %s;\n  multihop;\n  import none;\n  export all;\n  connect delay time 1;\n  connect retry time 3;\n  error wait time 1,5;\n",
			i, uint32(l.intent.Cluster.ASN), p.Addr, uint32(p.ASN), src)
		if password != "" {
			fmt.Fprintf(&b, "  password %s;\n", strconv.Quote(password))
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// badRoutes are what a misbehaving node announces: the default route, a leaf loopback, a prefix
// outside every pool and a route longer than its pool's block, per family, each with what it is.
func (l *Lab) badRoutes(n *NodeNS) map[netip.Prefix]string {
	out := map[netip.Prefix]string{}
	used := designPrefixes(l.intent)
	free := func(cands ...string) netip.Prefix {
		for _, c := range cands {
			p := netip.MustParsePrefix(c)
			if !slices.ContainsFunc(used, func(u addressing.NamedPrefix) bool { return u.Prefix.Overlaps(p) }) {
				return p
			}
		}
		return netip.Prefix{}
	}
	for _, f := range l.families() {
		if !n.Addr.Has(f) {
			continue
		}
		out[netip.PrefixFrom(unspecified(f), 0)] = "the default route"
		if lb := l.Topology.Leaf(n.Uplinks[0].Leaf).Loopback.Get(f); lb.IsValid() {
			out[lb] = "a leaf peering loopback"
		}
		outside := free("198.51.100.0/24", "203.0.113.0/24")
		if f == addressing.IPv6 {
			outside = free("2001:db8:bad::/48", "3fff:bad::/48")
		}
		if outside.IsValid() {
			out[outside] = "a prefix outside every pool"
		}
		for _, b := range n.Blocks {
			if addressing.PrefixFamily(b) == f && b.Bits() < b.Addr().BitLen() {
				out[netip.PrefixFrom(podAddr(b), b.Addr().BitLen())] = fmt.Sprintf("a route longer than the block size /%d", b.Bits())
				break
			}
		}
	}
	return out
}

func unspecified(f addressing.Family) netip.Addr {
	if f == addressing.IPv6 {
		return netip.IPv6Unspecified()
	}
	return netip.IPv4Unspecified()
}

// checkRouteSafety makes one node announce what it must not and proves that none of it reaches a
// leaf's BGP table.
func (l *Lab) checkRouteSafety(ctx context.Context, o CheckOptions, c *Check) {
	n := l.rogueNode()
	if n == nil {
		c.Result, c.Summary = Skip, "no node"
		return
	}
	bad := l.badRoutes(n.NS)
	routes := slices.SortedFunc(func(yield func(netip.Prefix) bool) {
		for p := range bad {
			if !yield(p) {
				return
			}
		}
	}, netip.Prefix.Compare)
	r, err := l.startRogue(ctx, n, routes)
	if r != nil {
		defer func() {
			if err := r.stop(context.WithoutCancel(ctx), l); err != nil {
				c.Details = append(c.Details, "restoring the node: "+err.Error())
			}
		}()
	}
	if err != nil {
		c.Result, c.Summary = Fail, err.Error()
		return
	}
	if !l.waitRogueSessions(ctx, o, n, c) {
		return
	}
	var found []string
	for _, lt := range l.Topology.Leaves {
		for _, f := range l.families() {
			_, all, err := leafRoutes(ctx, l.leaves[lt.Name], f)
			if err != nil {
				found = append(found, fmt.Sprintf("leaf %s: %v", lt.Name, err))
				continue
			}
			for _, rt := range all {
				what, isBad := bad[rt.Prefix]
				if !isBad {
					continue
				}
				fromRogue := rt.Peer == n.NS.Addr.Get(f)
				legit := rt.Prefix.Bits() == 0 || strings.Contains(what, "loopback")
				if fromRogue || !legit {
					found = append(found, fmt.Sprintf("leaf %s took %s (%s) from %s", lt.Name, rt.Prefix, what, rt.Peer))
				}
			}
		}
	}
	var list []string
	for _, p := range routes {
		list = append(list, p.String()+" ("+bad[p]+")")
	}
	c.Details = append(c.Details, "node "+n.Name+" announced "+strings.Join(list, ", "))
	c.Summary = fmt.Sprintf("node %s announced %d forbidden routes; none reached a leaf", n.Name, len(routes))
	if len(found) > 0 {
		c.Result = Fail
		c.Summary = fmt.Sprintf("%d forbidden routes reached a leaf", len(found))
		c.Details = append(found, c.Details...)
	}
}

// waitRogueSessions waits until every leaf of the rogue's pair has its session with it up, then
// gives the announcements a moment to arrive.
func (l *Lab) waitRogueSessions(ctx context.Context, o CheckOptions, n *Node, c *Check) bool {
	ok, down := poll(ctx, o.Settle, 200*time.Millisecond, func(ctx context.Context) (bool, []string) {
		var down []string
		for _, s := range l.sessions() {
			if s.node != n.Name {
				continue
			}
			ns, err := l.leaves[s.leaf].Daemons().Neighbors(ctx)
			if err != nil {
				down = append(down, err.Error())
				continue
			}
			idx := slices.IndexFunc(ns, func(x frrNeighbor) bool { return x.Addr.Unmap() == s.nodeAddr })
			if idx < 0 || !ns[idx].Established {
				down = append(down, fmt.Sprintf("%s not established with the misbehaving node", s))
			}
		}
		return len(down) == 0, down
	})
	if !ok {
		c.Result, c.Summary, c.Details = Fail, "the misbehaving node's sessions did not come up", down
		return false
	}
	return sleepCtx(ctx, 2*time.Second) == nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxPrefixOvershoot is how many routes past the leaves' maximum-prefix the misbehaving node
// announces. FRR compares the count of accepted routes with the limit when a route arrives, before
// counting it, so the route after the one that passes the limit tears the session down; NX-OS
// acts on the first route past it. Two past the limit trips both.
const maxPrefixOvershoot = 2

// checkMaximumPrefix makes one node announce more routes than the leaves' maximum-prefix allows
// (maxPrefixOvershoot past it), all of them valid pool blocks, and proves that the leaves tear its
// session down; then it clears the session and gives the node its own BIRD back.
func (l *Lab) checkMaximumPrefix(ctx context.Context, o CheckOptions, c *Check) {
	n := l.rogueNode()
	if n == nil {
		c.Result, c.Summary = Skip, "no node"
		return
	}
	f := addressing.IPv4
	if !n.NS.Addr.Has(f) {
		f = addressing.IPv6
	}
	var max int
	var leaves []string
	for _, p := range l.intent.Node(n.Name).Peers {
		if p.Family == f {
			leaves = append(leaves, p.Leaf)
			if t := l.intent.Leaf(p.Leaf).Template(f); t != nil {
				max = t.MaxPrefix
			}
		}
	}
	if max == 0 {
		c.Result, c.Summary = Skip, "the design sets no maximum-prefix"
		return
	}
	var pool *netip.Prefix
	var bits int
	for _, p := range l.intent.Cluster.Pools {
		if addressing.PrefixFamily(p.CIDR) == f {
			pool, bits = &p.CIDR, p.BlockSize
			break
		}
	}
	announce := max + maxPrefixOvershoot
	if pool == nil || bits-pool.Bits() < 62 && 1<<(bits-pool.Bits()) < 2*announce {
		c.Result, c.Summary = Skip, fmt.Sprintf("no %s pool with %d spare blocks", f, announce)
		return
	}
	// Blocks from the top of the pool, away from the nodes' own.
	total := new(big.Int).Lsh(big.NewInt(1), uint(bits-pool.Bits()))
	var routes []netip.Prefix
	for i := 1; i <= announce; i++ {
		idx := new(big.Int).Sub(total, big.NewInt(int64(i)))
		routes = append(routes, netip.PrefixFrom(offsetAddr(pool.Masked().Addr(), idx, pool.Addr().BitLen()-bits), bits))
	}
	r, err := l.startRogue(ctx, n, routes)
	restore := func() {
		if r == nil {
			return
		}
		// The node gets its own BIRD back first, then the leaves clear the sessions they hold
		// down after the overflow (cleared earlier, they would take the excess again).
		rctx := context.WithoutCancel(ctx)
		r.kill()
		for _, leaf := range leaves {
			if err := l.leaves[leaf].vtysh(rctx, l, "clear bgp "+n.NS.Addr.Get(f).String()); err != nil {
				c.Details = append(c.Details, "clearing the session: "+err.Error())
			}
		}
		if err := r.stop(rctx, l); err != nil {
			c.Result = Fail
			c.Details = append(c.Details, "restoring the node: "+err.Error())
		}
	}
	defer restore()
	if err != nil {
		c.Result, c.Summary = Fail, err.Error()
		return
	}
	addr := n.NS.Addr.Get(f)
	var seen, states []string
	ok, _ := poll(ctx, o.Settle, 200*time.Millisecond, func(ctx context.Context) (bool, []string) {
		seen, states = seen[:0], states[:0]
		torn := 0
		for _, leaf := range leaves {
			ns, err := l.leaves[leaf].Daemons().Neighbors(ctx)
			if err != nil {
				states = append(states, fmt.Sprintf("leaf %s: %v", leaf, err))
				continue
			}
			for _, x := range ns {
				if x.Addr.Unmap() != addr {
					continue
				}
				states = append(states, fmt.Sprintf("leaf %s: session with %s %s, %d prefixes received, last reset %q, last notification %q", leaf, n.Name, x.State, x.PrefixesReceived, x.LastReset, x.LastNotification))
				if !x.Established && x.LastErrorCode == frr.MaximumPrefixCode {
					torn++
					seen = append(seen, fmt.Sprintf("leaf %s: session with %s %s after %d prefixes (%s)", leaf, n.Name, x.State, announce, x.LastNotification))
				}
			}
		}
		return torn == len(leaves), nil
	})
	c.Details = append(c.Details, seen...)
	if !ok {
		c.Details = append(c.Details, states...)
		c.Result = Fail
		c.Summary = fmt.Sprintf("node %s announced %d %s blocks, over the maximum-prefix of %d, and its sessions stayed up", n.Name, announce, f, max)
		return
	}
	c.Summary = fmt.Sprintf("node %s announced %d %s blocks (maximum-prefix %d): every leaf tore the session down", n.Name, announce, f, max)
}
