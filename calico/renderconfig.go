package calico

import (
	"net/netip"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/design"
)

// BGPConfigurationName is the name of the cluster-wide BGPConfiguration Calico reads.
const BGPConfigurationName = "default"

// renderBGPConfiguration makes the BGPConfiguration "default": the cluster AS, the node-to-node
// mesh off (the nodes peer with the leaves instead), the service ranges to advertise and the listen
// port when the design sets one. The log severity is left to Calico.
func renderBGPConfiguration(c *design.ClusterIntent) *v3.BGPConfiguration {
	asn := numorstring.ASNumber(c.ASN)
	mesh := false
	return &v3.BGPConfiguration{
		TypeMeta:   metav1.TypeMeta{Kind: v3.KindBGPConfiguration, APIVersion: v3.GroupVersionCurrent},
		ObjectMeta: objectMeta(BGPConfigurationName, c.Name),
		Spec: v3.BGPConfigurationSpec{
			ASNumber:               &asn,
			NodeToNodeMeshEnabled:  &mesh,
			ServiceClusterIPs:      cidrBlocks(c.ServiceClusterIPs, func(s string) v3.ServiceClusterIPBlock { return v3.ServiceClusterIPBlock{CIDR: s} }),
			ServiceExternalIPs:     cidrBlocks(c.ServiceExternalIPs, func(s string) v3.ServiceExternalIPBlock { return v3.ServiceExternalIPBlock{CIDR: s} }),
			ServiceLoadBalancerIPs: cidrBlocks(c.ServiceLoadBalancerIPs, func(s string) v3.ServiceLoadBalancerIPBlock { return v3.ServiceLoadBalancerIPBlock{CIDR: s} }),
			ListenPort:             c.ListenPort,
		},
	}
}

// cidrBlocks turns prefixes into Calico's CIDR blocks; no prefixes give nil (the field is omitted).
func cidrBlocks[T any](ps []netip.Prefix, block func(string) T) []T {
	if len(ps) == 0 {
		return nil
	}
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = block(p.String())
	}
	return out
}
