package twin

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
)

// A change to a design is also a change to the hardware: a node is racked and cabled before
// Calico peers with it, a new leaf is cabled to its pair's nodes before it is configured, a node
// gets its new address before the design names it, and what leaves the design is unplugged only
// once nothing uses it. Grow and Shrink are the two halves of that: Grow adds to the lab
// everything the next design needs and keeps everything it has; Shrink removes what the next
// design no longer has. Between them the lab holds both designs' hardware, and the design is
// applied to it (through the leaves' NX-API fronts and the cluster), as an operator applies it
// between cabling and uncabling.
//
// What both designs have keeps its namespace, links, addresses and IPAM blocks: names and
// numbers are allocated by name, once per lab.

// Grow adds to the lab what next needs and the lab lacks: namespaces of new leaves (with their
// FRR and NX-API front, empty as a switch out of the box, and fabric sessions to every leaf) and
// of new nodes (BIRD starts once the cluster has their Node), links from new leaves and pairs to
// their nodes, new node addresses, and the node routes next adds. (A leaf's loopback addresses
// and whether its ports forward follow its configuration: a new leaf has neither until it is
// configured.) Nothing is removed
// and no running daemon is restarted. It fails when a Grow is pending (call Shrink first) or when
// next cannot be built; on failure the lab holds what was added so far and takes no other Grow:
// Close it.
func (l *Lab) Grow(ctx context.Context, next *design.Intent) error {
	if l.opts.TopologyOnly {
		return errors.New("twin: Grow: the lab runs no daemons (TopologyOnly)")
	}
	l.shapeMu.Lock()
	if l.next != nil {
		l.shapeMu.Unlock()
		return errors.New("twin: Grow: the lab is already growing to another design: Shrink first")
	}
	cur := l.Topology
	nt, err := planTopology(next, cur.Prefix, l.opts.MaxNamespaces, cur.Fabric.IPv4, cur.Fabric.IPv6, l.alloc)
	if err != nil {
		l.shapeMu.Unlock()
		return err
	}
	l.next, l.nextIntent = nt, next
	l.shapeMu.Unlock()

	newLeaves, newNodes := map[string]bool{}, map[string]bool{}
	var add []string
	var sysctls []func(ctx context.Context) error
	for _, lt := range nt.Leaves {
		if cur.Leaf(lt.Name) == nil {
			newLeaves[lt.Name] = true
			add = append(add, "netns add "+lt.Netns)
			sysctls = append(sysctls, func(ctx context.Context) error { return sysctl(ctx, lt.Netns, leafSysctls...) })
		}
	}
	for _, n := range nt.Nodes {
		if cur.Node(n.Name) == nil {
			newNodes[n.Name] = true
			add = append(add, "netns add "+n.Netns)
			sysctls = append(sysctls, func(ctx context.Context) error { return sysctl(ctx, n.Netns, nodeSysctls...) })
		}
	}
	if err := ipBatch(ctx, "", add); err != nil {
		return fmt.Errorf("twin: Grow: creating namespaces: %w", err)
	}
	if err := parallel(ctx, len(sysctls), 8, func(ctx context.Context, i int) error { return sysctls[i](ctx) }); err != nil {
		return fmt.Errorf("twin: Grow: %w", err)
	}

	// A leaf that takes the place of one leaving the design takes over its cables (see
	// allocation.uplinkOf): the leaving leaf is isolated first (see isolate), then its end of each
	// cable is unplugged (no carrier: the node's routes through it stand aside) and plugged into
	// the new leaf, whose port comes up once it is configured. The node's end stays, with its
	// addresses and routes.
	moved := map[string]map[string]bool{} // new leaf -> its ports (LeafDev) taken over
	isolated := map[string]bool{}
	for _, n := range nt.Nodes {
		old := cur.Node(n.Name)
		if old == nil {
			continue
		}
		for _, u := range n.Uplinks {
			for _, ou := range old.Uplinks {
				if ou.Dev != u.Dev || ou.Leaf == u.Leaf {
					continue
				}
				from, to := cur.Leaf(ou.Leaf), nt.Leaf(u.Leaf)
				if !isolated[from.Name] {
					isolated[from.Name] = true
					if err := l.isolate(ctx, l.Leaf(from.Name), uint32(next.Fabric.ASN)); err != nil {
						return err
					}
				}
				for _, p := range from.Ports {
					if p.Node != n.Name || p.NodeDev != ou.Dev {
						continue
					}
					if err := ipBatch(ctx, from.Netns, []string{"link set " + p.LeafDev + " down", "link set " + p.LeafDev + " netns " + to.Netns}); err != nil {
						return fmt.Errorf("twin: Grow: moving %s's cable from leaf %s to %s: %w", n.Name, from.Name, to.Name, err)
					}
					if moved[to.Name] == nil {
						moved[to.Name] = map[string]bool{}
					}
					moved[to.Name][p.LeafDev] = true
				}
			}
		}
	}

	// Leaves: new ones whole; existing ones their new ports.
	var fab []string
	for i, lt := range nt.Leaves {
		var lines []string
		if newLeaves[lt.Name] {
			lines = nt.leafLines(i, false, moved[lt.Name])
			fab = append(fab, "link set "+lt.FabricDev+" master "+fabricBridge, "link set "+lt.FabricDev+" up")
		} else {
			// Loopback addresses follow the leaf's configuration (syncLoopbacks).
			old := cur.Leaf(lt.Name)
			for _, p := range lt.Ports {
				if !slices.Contains(old.Ports, p) {
					lines = append(lines,
						"link add "+p.LeafDev+" type veth peer name "+p.NodeDev+" netns "+nt.Node(p.Node).Netns,
						"link set "+p.LeafDev+" master "+gatewayBridge)
					if l.Leaf(lt.Name).configured() {
						lines = append(lines, "link set "+p.LeafDev+" up")
					}
				}
			}
		}
		if err := ipBatch(ctx, lt.Netns, lines); err != nil {
			return fmt.Errorf("twin: Grow: leaf %s: %w", lt.Name, err)
		}
	}
	if err := ipBatch(ctx, nt.Fabric.Netns, fab); err != nil {
		return fmt.Errorf("twin: Grow: fabric ports: %w", err)
	}

	// Nodes: new ones whole; existing ones their new uplinks, addresses and routes.
	for i, n := range nt.Nodes {
		var lines []string
		if newNodes[n.Name] {
			lines = nt.nodeLines(i)
		} else {
			lines = growNodeLines(cur.Node(n.Name), &nt.Nodes[i], nt)
		}
		if err := ipBatch(ctx, n.Netns, lines); err != nil {
			return fmt.Errorf("twin: Grow: node %s: %w", n.Name, err)
		}
	}

	// Daemons: the new leaves, then every leaf's fabric peers; the new nodes.
	var started []*Leaf
	for i := range nt.Leaves {
		if newLeaves[nt.Leaves[i].Name] {
			started = append(started, l.newLeaf(&nt.Leaves[i], nt.Leaves))
		}
	}
	l.shapeMu.Lock()
	for _, lf := range started {
		l.leaves[lf.Name] = lf
	}
	for i := range nt.Nodes {
		if newNodes[nt.Nodes[i].Name] {
			l.nodes[nt.Nodes[i].Name] = &Node{Name: nt.Nodes[i].Name, NS: &nt.Nodes[i]}
		}
	}
	l.shapeMu.Unlock()
	if err := parallel(ctx, len(started), 4, func(ctx context.Context, i int) error {
		return l.runLeaf(ctx, l.bgctx, started[i])
	}); err != nil {
		return fmt.Errorf("twin: Grow: %w", err)
	}
	l.updateFabricPeers(ctx)
	return nil
}

// growNodeLines is the iproute2 batch giving an existing node what nt adds: uplinks, addresses,
// pods, blocks and routes.
func growNodeLines(old, n *NodeNS, nt *Topology) []string {
	var lines []string
	gw := nt.Leaf(n.Uplinks[0].Leaf).Gateway
	readdressed := false
	for _, u := range n.Uplinks {
		// A cable that changed hands keeps the node's end (see Grow).
		isNew := !slices.ContainsFunc(old.Uplinks, func(o Uplink) bool { return o.Dev == u.Dev })
		for _, f := range addressing.Families {
			a, g := n.Addr.Get(f), gw.Get(f)
			if !a.IsValid() || !g.IsValid() || (!isNew && a == old.Addr.Get(f)) {
				continue
			}
			// A server changing its address gives up the old one: its sessions are new ones.
			if prev := old.Addr.Get(f); !isNew && prev.IsValid() {
				lines = append(lines, "addr del "+netipPrefix(prev, g.Bits())+" dev "+u.Dev)
				readdressed = true
			}
			lines = append(lines, "addr add "+netipPrefix(a, g.Bits())+" dev "+u.Dev+nodad(f))
		}
		if isNew {
			lines = append(lines, "link set "+u.Dev+" up")
		}
	}
	for _, a := range slices.Concat(n.Pods, n.Services) {
		if !slices.Contains(old.Pods, a) && !slices.Contains(old.Services, a) {
			lines = append(lines, "addr add "+netipPrefix(a, a.BitLen())+" dev lo")
		}
	}
	for _, b := range n.Blocks {
		if b.Bits() < b.Addr().BitLen() && !slices.Contains(old.Blocks, b) {
			lines = append(lines, "route add blackhole "+b.String())
		}
	}
	for _, r := range n.Routes {
		// A route through the gateway may have gone with the old address.
		if readdressed || !slices.ContainsFunc(old.Routes, r.equal) {
			lines = append(lines, r.replaceLine())
		}
	}
	return lines
}

// Shrink removes from the lab what the design of the last Grow no longer has — leaves (their
// FRR, NX-API front and namespace), nodes (their BIRD and namespace), links, addresses and node
// routes — and makes that design the lab's: its Topology, its Intent, what its checks prove.
// Apply the design (retiring the leaves it drops) before Shrink, as an operator unplugs only what
// is no longer configured.
func (l *Lab) Shrink(ctx context.Context) error {
	l.shapeMu.RLock()
	cur, nt, next := l.Topology, l.next, l.nextIntent
	l.shapeMu.RUnlock()
	if nt == nil {
		return errors.New("twin: Shrink: no Grow is pending")
	}
	var gone []string
	var goneLeaves []*Leaf
	var goneNodes []*Node
	for _, lt := range cur.Leaves {
		if nt.Leaf(lt.Name) == nil {
			gone = append(gone, lt.Netns)
			goneLeaves = append(goneLeaves, l.Leaf(lt.Name))
		}
	}
	for _, n := range cur.Nodes {
		if nt.Node(n.Name) == nil {
			gone = append(gone, n.Netns)
			goneNodes = append(goneNodes, l.Node(n.Name))
		}
	}
	var errs []error
	for _, lf := range goneLeaves {
		if lf != nil {
			errs = append(errs, lf.stop(ctx))
		}
	}
	for _, n := range goneNodes {
		if n != nil {
			errs = append(errs, n.stop(ctx))
		}
	}
	l.shapeMu.Lock()
	for _, lf := range goneLeaves {
		if lf != nil {
			delete(l.leaves, lf.Name)
		}
	}
	for _, n := range goneNodes {
		if n != nil {
			delete(l.nodes, n.Name)
		}
	}
	l.shapeMu.Unlock()
	killIn(ctx, gone)
	for _, ns := range gone {
		if _, err := run(ctx, "", "ip", "netns", "del", ns); err != nil {
			errs = append(errs, err)
		}
	}
	l.updateFabricPeers(ctx)

	// What stays: links, addresses and routes next no longer has.
	for _, lt := range nt.Leaves {
		old := cur.Leaf(lt.Name)
		if old == nil {
			continue
		}
		var lines []string
		for _, p := range old.Ports {
			if !slices.Contains(lt.Ports, p) && nt.Node(p.Node) != nil {
				lines = append(lines, "link del "+p.LeafDev)
			}
		}
		l.forceBatch(ctx, lt.Netns, lines)
	}
	for _, n := range nt.Nodes {
		old := cur.Node(n.Name)
		if old == nil {
			continue
		}
		l.forceBatch(ctx, n.Netns, shrinkNodeLines(old, nt.Node(n.Name)))
	}

	l.shapeMu.Lock()
	l.Topology, l.intent, l.next, l.nextIntent = nt, next, nil, nil
	for i := range nt.Nodes {
		if n := l.nodes[nt.Nodes[i].Name]; n != nil {
			n.mu.Lock()
			n.NS = &nt.Nodes[i]
			n.mu.Unlock()
		}
	}
	l.shapeMu.Unlock()
	return errors.Join(errs...)
}

// shrinkNodeLines is the iproute2 batch taking from a node what n no longer has: routes, pods and
// blocks. (Its address changed in Grow; an uplink n no longer has went with its leaf's end of the
// veth, which Shrink deletes, or with the leaf's namespace.)
func shrinkNodeLines(old, n *NodeNS) []string {
	var lines []string
	for _, r := range old.Routes {
		if !slices.ContainsFunc(n.Routes, func(o KernelRoute) bool { return o.Prefix == r.Prefix }) {
			lines = append(lines, "route del "+r.Prefix.String())
		}
	}
	for _, a := range slices.Concat(old.Pods, old.Services) {
		if !slices.Contains(n.Pods, a) && !slices.Contains(n.Services, a) {
			lines = append(lines, "addr del "+netipPrefix(a, a.BitLen())+" dev lo")
		}
	}
	for _, b := range old.Blocks {
		if b.Bits() < b.Addr().BitLen() && !slices.Contains(n.Blocks, b) {
			lines = append(lines, "route del blackhole "+b.String())
		}
	}
	// The node routes again, in case a removal above took one with it.
	for _, r := range n.Routes {
		lines = append(lines, r.replaceLine())
	}
	return lines
}

// updateFabricPeers gives every leaf the others as fabric peers.
func (l *Lab) updateFabricPeers(ctx context.Context) {
	leaves := l.leafList()
	for _, lf := range leaves {
		var peers []netip.Addr
		for _, o := range leaves {
			if o != lf {
				peers = append(peers, o.NS.Fabric.IPv4)
			}
		}
		slices.SortFunc(peers, netip.Addr.Compare)
		lf.mu.Lock()
		same := slices.Equal(lf.fabric.FabricPeers, peers)
		lf.mu.Unlock()
		if !same {
			lf.setFabricPeers(ctx, l, peers)
		}
	}
}

// equal reports whether two kernel routes are the same route.
func (r KernelRoute) equal(o KernelRoute) bool {
	return r.Prefix == o.Prefix && r.Via == o.Via && slices.Equal(r.Devs, o.Devs)
}

// replaceLine is the iproute2 command installing r (replacing a route to the same prefix).
func (r KernelRoute) replaceLine() string {
	line := "route replace " + r.Prefix.String()
	if len(r.Devs) == 1 {
		return line + " via " + r.Via.String() + " dev " + r.Devs[0]
	}
	for _, d := range r.Devs {
		line += " nexthop via " + r.Via.String() + " dev " + d
	}
	return line
}

// forceBatch runs an iproute2 batch of removals to its end: what is already gone (a route that
// went with its link, a link that went with its peer) is no failure; the rest is logged.
func (l *Lab) forceBatch(ctx context.Context, netns string, lines []string) {
	if len(lines) == 0 {
		return
	}
	if _, err := run(ctx, strings.Join(lines, "\n")+"\n", "ip", "-n", netns, "-force", "-batch", "-"); err != nil {
		l.log.DebugContext(ctx, "twin: Shrink: removals already done", "netns", netns, "err", err)
	}
}

// isolateDrain is how long a leaf being swapped out is left to drain after its sessions to the
// nodes are shut down: the other leaves of the fabric learn the withdrawals and move traffic to
// its partner before its cables move.
const isolateDrain = time.Second

// isolate takes a leaf that is being swapped out of service the way an operator does before
// unplugging it (NX-OS's maintenance mode): its sessions to the nodes are shut down, so the
// nodes and the fabric withdraw its routes and send everything through the other leaf of the
// pair, and then it is left to drain.
func (l *Lab) isolate(ctx context.Context, lf *Leaf, asn uint32) error {
	d := lf.Daemons()
	if d == nil {
		return nil
	}
	ns, err := d.Neighbors(ctx)
	if err != nil {
		return fmt.Errorf("twin: isolating leaf %s: %w", lf.Name, err)
	}
	lf.mu.Lock()
	fabric := slices.Clone(lf.fabric.FabricPeers)
	lf.mu.Unlock()
	args := []string{"--config_dir", lf.dir(l), "--vty_socket", lf.dir(l), "-c", "configure terminal", "-c", fmt.Sprintf("router bgp %d", asn)}
	n := 0
	for _, nb := range ns {
		if slices.Contains(fabric, nb.Addr.Unmap()) {
			continue
		}
		args = append(args, "-c", "neighbor "+nb.Addr.Unmap().String()+" shutdown")
		n++
	}
	if n == 0 {
		return nil
	}
	if _, err := run(ctx, "", "vtysh", args...); err != nil {
		return fmt.Errorf("twin: isolating leaf %s: %w", lf.Name, err)
	}
	l.log.DebugContext(ctx, "twin: leaf isolated before its swap", "leaf", lf.Name, "sessions", n)
	return sleepCtx(ctx, isolateDrain)
}
