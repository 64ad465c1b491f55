package calicotest

import (
	"context"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Reset deletes every object of every installed Calico CRD, so that tests
// sharing one Server start from an empty datastore. Finalizers are removed
// first, so nothing lingers in Terminating. The CRDs themselves stay.
func (s *Server) Reset(ctx context.Context) error {
	var errs []error
	for _, crd := range s.crds {
		// Every embedded CRD is cluster-scoped (see TestCRDsAreClusterScoped),
		// so one DeleteCollection per resource reaches every object.
		res := s.dyn.Resource(resourceOf(crd))
		list, err := res.List(ctx, metav1.ListOptions{})
		if err != nil {
			errs = append(errs, fmt.Errorf("calicotest: reset: list %s: %w", crd.Name, err))
			continue
		}
		for _, obj := range list.Items {
			if len(obj.GetFinalizers()) == 0 {
				continue
			}
			patch := []byte(`{"metadata":{"finalizers":null}}`)
			if _, err := res.Patch(ctx, obj.GetName(), types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
				errs = append(errs, fmt.Errorf("calicotest: reset: remove finalizers of %s %q: %w", crd.Spec.Names.Kind, obj.GetName(), err))
			}
		}
		if len(list.Items) == 0 {
			continue
		}
		if err := res.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("calicotest: reset: delete %s: %w", crd.Name, err))
		}
	}
	return errors.Join(errs...)
}
