// Package calico renders the cluster side of an nxcalico design — Calico's BGPConfiguration,
// BGPPeers, IPPools and BGPFilters as typed projectcalico.org/v3 objects — and applies them to a
// cluster: discovery picks the projectcalico.org/v3 API (native v3 CRDs or the Calico API server)
// or the crd.projectcalico.org/v1 CRDs, plans a diff, applies with server-side apply (field
// manager "nxcalico"), prunes only what it owns (label nxcalico.io/managed-by) and reads BGP
// session state from CalicoNodeStatus. The nodes' own routes, labels and annotations are the
// node package's.
//
// Rendering is pure: the same Intent always gives the same objects, in the same order.
package calico
