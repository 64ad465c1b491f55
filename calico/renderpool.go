package calico

import (
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/design"
)

// defaultAllowedUses is what Calico assumes for a pool without allowedUses; rendering it makes the
// YAML say what the pool is for and keeps the object equal to what Calico reports back.
var defaultAllowedUses = []v3.IPPoolAllowedUse{v3.IPPoolAllowedUseWorkload, v3.IPPoolAllowedUseTunnel}

// renderIPPools makes one IPPool per design pool: cidr, blockSize, natOutgoing, nodeSelector, and
// the encapsulation as ipipMode/vxlanMode (the one in use gets the mode, the other Never; no
// encapsulation sets both to Never). The pools are valid (design.Intent.Validate).
func renderIPPools(c *design.ClusterIntent) []*v3.IPPool {
	pools := make([]*v3.IPPool, 0, len(c.Pools))
	for _, p := range c.Pools {
		ipip, vxlan := encapModes(p)
		pools = append(pools, &v3.IPPool{
			TypeMeta:   metav1.TypeMeta{Kind: v3.KindIPPool, APIVersion: v3.GroupVersionCurrent},
			ObjectMeta: objectMeta(p.Name, c.Name),
			Spec: v3.IPPoolSpec{
				CIDR:         p.CIDR.String(),
				BlockSize:    p.BlockSize,
				IPIPMode:     ipip,
				VXLANMode:    vxlan,
				NATOutgoing:  p.NATOutgoing,
				NodeSelector: p.NodeSelector,
				AllowedUses:  append([]v3.IPPoolAllowedUse(nil), defaultAllowedUses...),
			},
		})
	}
	return pools
}

// encapModes maps a valid pool's encapsulation and mode to Calico's ipipMode and vxlanMode.
func encapModes(p design.IPPool) (v3.IPIPMode, v3.VXLANMode) {
	mode := "Always"
	if p.EncapsulationMode == design.ModeCrossSubnet {
		mode = "CrossSubnet"
	}
	switch p.Encapsulation {
	case design.EncapIPIP:
		return v3.IPIPMode(mode), v3.VXLANModeNever
	case design.EncapVXLAN:
		return v3.IPIPModeNever, v3.VXLANMode(mode)
	}
	return v3.IPIPModeNever, v3.VXLANModeNever
}
