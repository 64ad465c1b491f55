package design

import (
	"fmt"
	"net/netip"
	"strings"
)

// Mermaid returns a Mermaid flowchart of the intent: the fabric with its leaf pairs (route-target
// colors) and leaves (peering loopbacks), the cluster with its nodes, and one edge per eBGP session
// group between a node and a leaf, labelled with the address families. Paste it into a wiki page or
// a pull request; the output is deterministic.
func (in *Intent) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	fabricLabel := "fabric"
	if in.Fabric.ASN.Valid() {
		fabricLabel = fmt.Sprintf("Fabric AS %s · VRF %s", in.Fabric.ASN, in.Fabric.VRF)
	}
	fmt.Fprintf(&b, "  subgraph fabric[%q]\n", fabricLabel)
	for _, p := range in.Pairs {
		label := "pair " + p.Name
		if !p.Color.IsZero() {
			label += " · RT " + p.Color.String()
		}
		fmt.Fprintf(&b, "    subgraph %s[%q]\n", mermaidID("pair", p.Name), label)
		for _, name := range p.Leaves {
			l := in.Leaf(name)
			lines := []string{l.Name, fmt.Sprintf("loopback%d", l.Loopback.ID)}
			for _, pfx := range []netip.Prefix{l.Loopback.IPv4, l.Loopback.IPv6} {
				if pfx.IsValid() {
					lines = append(lines, pfx.String())
				}
			}
			fmt.Fprintf(&b, "      %s[%q]\n", mermaidID("leaf", l.Name), strings.Join(lines, "<br/>"))
		}
		b.WriteString("    end\n")
	}
	b.WriteString("  end\n")
	fmt.Fprintf(&b, "  subgraph cluster[%q]\n", fmt.Sprintf("Cluster %s · AS %s", in.Cluster.Name, in.Cluster.ASN))
	for _, n := range in.Nodes {
		lines := []string{n.Name}
		for _, f := range n.Addr.Families() {
			lines = append(lines, n.Addr.Get(f).String())
		}
		fmt.Fprintf(&b, "    %s[%q]\n", mermaidID("node", n.Name), strings.Join(lines, "<br/>"))
	}
	b.WriteString("  end\n")
	for _, n := range in.Nodes {
		// One edge per leaf the node peers with, listing the families of those sessions.
		var leaves []string
		families := map[string][]string{}
		for _, p := range n.Peers {
			if _, ok := families[p.Leaf]; !ok {
				leaves = append(leaves, p.Leaf)
			}
			families[p.Leaf] = append(families[p.Leaf], p.Family.String())
		}
		for _, leaf := range leaves {
			fmt.Fprintf(&b, "  %s ---|%q| %s\n", mermaidID("node", n.Name), "eBGP "+strings.Join(families[leaf], "+"), mermaidID("leaf", leaf))
		}
	}
	return b.String()
}

// mermaidID makes a Mermaid node id from a kind and a name: letters, digits and underscores only,
// with every other byte hex-escaped so distinct names never collide.
func mermaidID(kind, name string) string {
	var b strings.Builder
	b.WriteString(kind)
	b.WriteByte('_')
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	return b.String()
}
