// Package design is the typed model of an nxcalico design: the NX-OS fabric side (VRF, anycast
// gateway, leaf pairs with their peering loopbacks and route-target colors), the Calico cluster side
// (nodes, IP pools, service ranges) and how they peer (templates, ebgp-multihop, as-override, node
// reachability, password secret).
//
// A design comes from Go code or from a YAML file (Load, LoadFile; strict: an unknown or misspelt
// field is a problem, never ignored; a value that does not parse is reported once, and the rest of
// the file is still validated, skipping only the rules that need that value). Validate reports every problem at once, across both sides,
// each with a field path, a stable Code and a message that names the value and the rule. Derive turns
// a valid design into an Intent — per leaf, per node and cluster-wide — which the nxos and calico
// packages render. Intent.Validate checks an Intent (one built or edited in Go, say) against every
// rule the renderers rely on, with paths in the intent's terms ("leaves[Leaf2101].routerID"); the
// renderers run it once and return its Problems. CaseStudy returns the reference design of the Cisco white paper, corrected.
package design
