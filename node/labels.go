package node

// Keys nxcalico sets on Kubernetes Nodes, and the field manager it patches them with.
const (
	// LeafPairLabel on a Kubernetes Node names the leaf pair (rack) the node is attached to.
	// Per-pair BGPPeers select their nodes with `nxcalico.io/leaf-pair == '<pair>'`; nodewatch
	// reads it to learn which nodes are in the design.
	LeafPairLabel = "nxcalico.io/leaf-pair"
	// IPv4AddressAnnotation holds the node's IPv4 BGP address and prefix length (192.168.1.10/24),
	// as Calico reads it on Kubernetes-datastore clusters.
	IPv4AddressAnnotation = "projectcalico.org/IPv4Address"
	// IPv6AddressAnnotation holds the node's IPv6 BGP address and prefix length (2001:db8::10/64).
	IPv6AddressAnnotation = "projectcalico.org/IPv6Address"
	// FieldManager is the field manager of nxcalico's patches.
	FieldManager = "nxcalico"
)
