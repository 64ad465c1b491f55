package calico

import (
	"net/netip"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
)

// namePrefix starts the name of every BGPPeer nxcalico renders.
const namePrefix = "nxcalico-"

// maxNameLen is the longest name a Kubernetes object may have (a DNS-1123 subdomain).
const maxNameLen = 253

// globalPeerName names the global BGPPeer of a shared leaf loopback address:
// nxcalico-leaf-192-168-100-1, nxcalico-leaf-2001-193-168-1--4.
func globalPeerName(a netip.Addr) string {
	return namePrefix + "leaf-" + addrSlug(a)
}

// pairPeerNames names the per-pair BGPPeers of one pair, peers[i] getting names[i]. The usual form
// is nxcalico-<pair>.<leaf>-<family> (nxcalico-rack1.leaf2101-ipv4): the pair is a DNS label, so
// the dot ends it unambiguously and no two pairs can share a name. The leaf part is the leaf's name
// lower-cased with every character outside [a-z0-9] turned into '-'; when that is lossy enough to
// make two leaves of the pair alike (or empty, or the name too long), the pair's peers are named
// after their addresses instead: nxcalico-<pair>.leaf-192-168-100-1.
func pairPeerNames(pair string, peers []design.ClusterPeer) []string {
	names := make([]string, len(peers))
	slugOf := make(map[string]string, 2) // leaf name → slug
	bySlug := make(map[string]string, 2) // slug → leaf name
	byLeaf := true
	for _, p := range peers {
		leaf := firstLeaf(p)
		s, ok := slugOf[leaf]
		if !ok {
			s = leafSlug(leaf)
			slugOf[leaf] = s
		}
		if other, dup := bySlug[s]; s == "" || (dup && other != leaf) ||
			len(namePrefix)+len(pair)+1+len(s)+len("-ipv4") > maxNameLen {
			byLeaf = false
			break
		}
		bySlug[s] = leaf
	}
	for i, p := range peers {
		if byLeaf {
			names[i] = namePrefix + pair + "." + slugOf[firstLeaf(p)] + "-" + familySlug(p.Family)
		} else {
			names[i] = namePrefix + pair + ".leaf-" + addrSlug(p.Addr)
		}
	}
	return names
}

func firstLeaf(p design.ClusterPeer) string {
	if len(p.Leaves) == 0 {
		return ""
	}
	return p.Leaves[0]
}

// leafSlug lower-cases a leaf name and replaces every character outside [a-z0-9] with '-',
// trimming '-' at both ends so the result can start a DNS-1123 label.
func leafSlug(name string) string {
	b := make([]byte, 0, len(name))
	for _, r := range strings.ToLower(name) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			b = append(b, byte(r))
		} else {
			b = append(b, '-')
		}
	}
	return strings.Trim(string(b), "-")
}

func familySlug(f addressing.Family) string {
	if f == addressing.IPv6 {
		return "ipv6"
	}
	return "ipv4"
}

// addrSlug writes an address with '-' for its separators: 192-168-100-1, 2001-193-168-1--4. The
// mapping is one-to-one: IPv4 gives four groups and never "--"; IPv6 is written in its canonical
// form, with a 0 added where it would start or end with "--" (which a canonical form never
// writes as 0::/::0), and IPv4-mapped IPv6 addresses in the expanded eight-group form (which a
// canonical form never uses because of its leading zeros).
func addrSlug(a netip.Addr) string {
	if a.Is4() {
		return strings.ReplaceAll(a.String(), ".", "-")
	}
	s := a.String()
	if a.Is4In6() {
		s = a.StringExpanded()
	}
	s = strings.ReplaceAll(s, ":", "-")
	if strings.HasPrefix(s, "-") {
		s = "0" + s
	}
	if strings.HasSuffix(s, "-") {
		s += "0"
	}
	return s
}
