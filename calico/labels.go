package calico

// Labels nxcalico puts on Kubernetes objects.
const (
	// ManagedByLabel marks every Calico object nxcalico creates; its value is the design's cluster
	// name. Prune deletes only objects that carry it with that value.
	ManagedByLabel = "nxcalico.io/managed-by"
	// LeafPairLabel on a Kubernetes Node names the leaf pair (rack) the node is attached to. Per-pair
	// BGPPeers select their nodes with `nxcalico.io/leaf-pair == '<pair>'`.
	LeafPairLabel = "nxcalico.io/leaf-pair"
	// FieldManager is the server-side apply field manager nxcalico applies with.
	FieldManager = "nxcalico"
)
