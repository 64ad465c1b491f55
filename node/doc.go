// Package node holds what nxcalico does to the cluster's nodes themselves: the routes a node needs
// to its leaves' peering loopbacks (Script), and the label and annotations of its Kubernetes Node
// (Patches) — the label LeafPairLabel the per-pair BGPPeers select on, and the address
// annotations Calico's Kubernetes datastore reads — planned against the Nodes as they are and
// applied with one Client.
//
// Rendering (Script, Patches) is pure: the same Intent always gives the same text and patches.
// Client.Plan reads the Nodes (from an informer's cache when Options.Lister is set, else with one
// List) and keeps the patches that change something; Client.Apply merges them, one
// strategic-merge patch per Node, leaving every other label and annotation as it is.
package node
