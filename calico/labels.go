package calico

// Labels nxcalico puts on Kubernetes objects.
const (
	// ManagedByLabel marks every Calico object nxcalico creates; its value is the design's cluster
	// name. Prune deletes only objects that carry it with that value.
	ManagedByLabel = "nxcalico.io/managed-by"
	// FieldManager is the server-side apply field manager nxcalico applies with.
	FieldManager = "nxcalico"
)
