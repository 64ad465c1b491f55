package node

import (
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
)

// Script returns a POSIX shell script that installs a node's routes to its leaf loopbacks via
// the anycast gateway: one `ip route replace <prefix> via <gateway> dev <interface>` per IPv4 route
// and `ip -6 route replace …` per IPv6 route, in the order of the intent (summarised, IPv4 first).
// It runs under `set -eu` and is idempotent: running it again changes nothing. The routes do not
// survive a reboot; the header says to make them persistent in the node's network configuration.
// A node without routes (node reachability ReachableBy, where Calico installs the route itself)
// gets a script that only says so.
func Script(n *design.NodeIntent) string {
	var b strings.Builder
	b.Grow(256 + 80*len(n.Routes))
	b.WriteString("#!/bin/sh\n")
	b.WriteString("# nxcalico: routes of node " + commentSafe(n.Name) + " (leaf pair " + commentSafe(n.Pair) + ") to its leaf peering loopbacks.\n")
	if len(n.Routes) == 0 {
		b.WriteString("# None needed: Calico reaches the leaf loopbacks itself (BGPPeer reachableBy).\n")
		b.WriteString("set -eu\n")
		return b.String()
	}
	b.WriteString("# Idempotent: safe to run again. Routes set with ip do not survive a reboot; add the same\n")
	b.WriteString("# routes to the node's network configuration to make them permanent.\n")
	b.WriteString("set -eu\n")
	for _, r := range n.Routes {
		if addressing.PrefixFamily(r.Prefix) == addressing.IPv6 {
			b.WriteString("ip -6 route replace ")
		} else {
			b.WriteString("ip route replace ")
		}
		b.WriteString(r.Prefix.String())
		b.WriteString(" via ")
		b.WriteString(r.Via.String())
		b.WriteString(" dev ")
		b.WriteString(shellQuote(r.Dev))
		b.WriteByte('\n')
	}
	return b.String()
}

// shellQuote returns s as one shell word: unchanged when it holds only characters the shell
// leaves alone, otherwise in single quotes.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') || strings.ContainsRune("._-@:+/%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// commentSafe keeps a name on its comment line: control characters become '?'.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
