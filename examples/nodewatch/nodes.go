package main

import (
	"cmp"
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
)

// nodeView is what nodewatch reads from one Kubernetes Node: whether it carries the rack label,
// the pair it names, and its addresses on the anycast-gateway subnets. Two Nodes with the same
// view give the same design node, so an update that leaves the view alone (a heartbeat, a
// condition, an annotation nxcalico itself wrote) needs no reconciliation.
type nodeView struct {
	Labelled bool
	Pair     string
	IPv4     netip.Addr
	IPv6     netip.Addr
}

// viewOf applies the address rule to one Node: for each family, the first InternalIP in
// status.addresses that lies inside the anycast gateway's subnet of that family. ExternalIP,
// Hostname and InternalIPs outside the subnets are ignored; they are not addresses the leaves
// can reach over the gateway SVI.
func viewOf(gw design.AnycastGateway, n *corev1.Node) nodeView {
	pair, ok := n.Labels[node.LeafPairLabel]
	v := nodeView{Labelled: ok, Pair: pair}
	if !ok {
		return v
	}
	v4, v6 := gw.IPv4.Masked(), gw.IPv6.Masked()
	for _, a := range n.Status.Addresses {
		if a.Type != corev1.NodeInternalIP {
			continue
		}
		addr, err := netip.ParseAddr(a.Address)
		if err != nil {
			continue
		}
		addr = addr.Unmap()
		switch {
		case addr.Is4() && v4.IsValid() && !v.IPv4.IsValid() && v4.Contains(addr):
			v.IPv4 = addr
		case addr.Is6() && addr.Zone() == "" && v6.IsValid() && !v.IPv6.IsValid() && v6.Contains(addr):
			v.IPv6 = addr
		}
	}
	return v
}

// designNodes turns Kubernetes Nodes into the design's node list, sorted by name: every Node
// carrying node.LeafPairLabel becomes a node of the pair the label names, with the addresses
// viewOf finds. Nodes without the label are ignored; labelled Nodes without an InternalIP on
// either gateway subnet are skipped (they have nothing a leaf could peer with yet) and returned
// with the problem codeNoAddress. A label naming an unknown pair is kept, so that validation
// reports it (see isolate). views, when not nil, remembers the view of every Node object between
// calls.
func designNodes(gw design.AnycastGateway, nodes []*corev1.Node, views *viewCache) ([]design.Node, []nodeProblem) {
	sorted := slices.Clone(nodes)
	slices.SortFunc(sorted, func(a, b *corev1.Node) int { return cmp.Compare(a.Name, b.Name) })
	var out []design.Node
	var skipped []nodeProblem
	for _, n := range sorted {
		v := views.view(gw, n)
		if !v.Labelled {
			continue
		}
		if !v.IPv4.IsValid() && !v.IPv6.IsValid() {
			skipped = append(skipped, nodeProblem{Node: n.Name, Code: codeNoAddress, Message: "no InternalIP in the anycast gateway subnets " + subnets(gw)})
			continue
		}
		out = append(out, design.Node{Name: n.Name, LeafPair: v.Pair, IPv4: v.IPv4, IPv6: v.IPv6})
	}
	views.done()
	return out, skipped
}

// viewCache remembers the view of each Node object the informer's cache holds. The cache
// replaces an object on every update and never changes one, so an object seen before has the
// view it had then. Each call of designNodes keeps the views of the objects it saw and drops the
// others. A nil *viewCache remembers nothing.
type viewCache struct {
	gw         design.AnycastGateway
	last, next map[*corev1.Node]nodeView
}

func (c *viewCache) view(gw design.AnycastGateway, n *corev1.Node) nodeView {
	if c == nil {
		return viewOf(gw, n)
	}
	if c.gw != gw {
		c.gw, c.last = gw, nil
	}
	if c.next == nil {
		c.next = make(map[*corev1.Node]nodeView, len(c.last))
	}
	v, ok := c.last[n]
	if !ok {
		v = viewOf(gw, n)
	}
	c.next[n] = v
	return v
}

// done ends one call of designNodes: the views it used are those remembered.
func (c *viewCache) done() {
	if c != nil {
		c.last, c.next = c.next, nil
	}
}

func subnets(gw design.AnycastGateway) string {
	var s string
	for _, p := range []netip.Prefix{gw.IPv4, gw.IPv6} {
		if !p.IsValid() {
			continue
		}
		if s != "" {
			s += " and "
		}
		s += p.Masked().String()
	}
	return s
}
