// Package bgp holds the one rule nxcalico applies to BGP session state wherever it reads it — a
// leaf's neighbor (nxos.NeighborState), a node's peer as calico-node reports it
// (calico.PeerStatus) and a design session seen from both ends (nxcalico.SessionState): a session
// is up when its state is "established", compared without regard to case (NX-OS reports
// "established", Calico "Established").
//
// The package has no dependencies beyond the standard library.
package bgp
