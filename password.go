package nxcalico

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/nxcalico/nxcalico/design"
)

// ReadPassword reads the BGP password the design names (peering.passwordSecret) from its
// Kubernetes Secret, once, so both ends use the same value: the leaves receive it inside their
// POST body, Calico reads the same Secret through the BGPPeers' secretKeyRef. The value comes back
// as a design.Secret, which never prints; errors name the Secret and key, never the value.
func ReadPassword(ctx context.Context, core kubernetes.Interface, ref *design.SecretRef) (design.Secret, error) {
	if ref == nil {
		return design.Secret{}, nil
	}
	s, err := core.CoreV1().Secrets(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return design.Secret{}, fmt.Errorf("nxcalico: reading BGP password secret %s: %w", ref, err)
	}
	v, ok := s.Data[ref.Key]
	if !ok {
		return design.Secret{}, fmt.Errorf("nxcalico: BGP password secret %s has no key %q", ref, ref.Key)
	}
	if len(v) == 0 {
		return design.Secret{}, fmt.Errorf("nxcalico: BGP password secret %s: key %q is empty", ref, ref.Key)
	}
	return design.NewSecret(string(v)), nil
}
