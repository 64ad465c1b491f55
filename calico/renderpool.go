package calico

import (
	"errors"
	"fmt"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/design"
)

// defaultAllowedUses is what Calico assumes for a pool without allowedUses; rendering it makes the
// YAML say what the pool is for and keeps the object equal to what Calico reports back.
var defaultAllowedUses = []v3.IPPoolAllowedUse{v3.IPPoolAllowedUseWorkload, v3.IPPoolAllowedUseTunnel}

// renderIPPools makes one IPPool per design pool: cidr, blockSize, natOutgoing, nodeSelector, and
// the encapsulation as ipipMode/vxlanMode (the one in use gets the mode, the other Never; no
// encapsulation sets both to Never).
func renderIPPools(c *design.ClusterIntent) ([]*v3.IPPool, error) {
	pools := make([]*v3.IPPool, 0, len(c.Pools))
	var errs []error
	for i, p := range c.Pools {
		field := fmt.Sprintf("Cluster.Pools[%d]", i)
		if !p.CIDR.IsValid() {
			errs = append(errs, fmt.Errorf("calico: %s.CIDR of pool %q: not set", field, p.Name))
			continue
		}
		ipip, vxlan, err := encapModes(field, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
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
	return pools, errors.Join(errs...)
}

// encapModes maps a pool's encapsulation and mode to Calico's ipipMode and vxlanMode; field is
// the pool's path in the intent, for errors.
func encapModes(field string, p design.IPPool) (v3.IPIPMode, v3.VXLANMode, error) {
	var mode string
	switch p.EncapsulationMode {
	case design.ModeAlways, "":
		mode = "Always"
	case design.ModeCrossSubnet:
		mode = "CrossSubnet"
	default:
		return "", "", fmt.Errorf("calico: %s (pool %q): EncapsulationMode %q: want Always or CrossSubnet", field, p.Name, p.EncapsulationMode)
	}
	switch p.Encapsulation {
	case design.EncapNone, "":
		return v3.IPIPModeNever, v3.VXLANModeNever, nil
	case design.EncapIPIP:
		if !p.CIDR.Addr().Is4() {
			return "", "", fmt.Errorf("calico: %s (pool %q): Encapsulation %q: IPIP is IPv4 only, the pool is %s", field, p.Name, p.Encapsulation, p.CIDR)
		}
		return v3.IPIPMode(mode), v3.VXLANModeNever, nil
	case design.EncapVXLAN:
		return v3.IPIPModeNever, v3.VXLANMode(mode), nil
	}
	return "", "", fmt.Errorf("calico: %s (pool %q): Encapsulation %q: want IPIP, VXLAN or None", field, p.Name, p.Encapsulation)
}
