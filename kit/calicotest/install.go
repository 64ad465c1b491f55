package calicotest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apiextensionsv1client "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset/typed/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// pollInterval is how often start-up re-checks a condition.
const pollInterval = 25 * time.Millisecond

// resourceOf returns the resource a CRD serves, at its storage version.
func resourceOf(crd *apiextensionsv1.CustomResourceDefinition) schema.GroupVersionResource {
	version := crd.Spec.Versions[0].Name
	for _, v := range crd.Spec.Versions {
		if v.Storage {
			version = v.Name
		}
	}
	return schema.GroupVersionResource{Group: crd.Spec.Group, Version: version, Resource: crd.Spec.Names.Plural}
}

// installCRDs creates crds, waits until each is Established, moves the
// Established condition's lastTransitionTime back (the server delays every
// create by 2 s for 2 s after a CRD becomes Established), and waits until
// each resource answers a List. The CRDs are installed concurrently: each
// step mostly waits on the server's controllers, not on the CPU.
func installCRDs(ctx context.Context, cfg *rest.Config, dyn dynamic.Interface, crds []*apiextensionsv1.CustomResourceDefinition) error {
	client, err := apiextensionsclient.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("calicotest: apiextensions client: %w", err)
	}
	crdAPI := client.ApiextensionsV1().CustomResourceDefinitions()
	errs := make([]error, len(crds))
	var wg sync.WaitGroup
	for i, crd := range crds {
		wg.Go(func() { errs[i] = installCRD(ctx, crdAPI, dyn, crd) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// installCRD installs one CRD as installCRDs describes.
func installCRD(ctx context.Context, crdAPI apiextensionsv1client.CustomResourceDefinitionInterface, dyn dynamic.Interface, crd *apiextensionsv1.CustomResourceDefinition) error {
	if _, err := crdAPI.Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("calicotest: create CRD %q: %w", crd.Name, err)
	}
	// Retried: a controller may update the CRD between Get and UpdateStatus,
	// which the server answers with a conflict.
	err := poll(ctx, func() (bool, error) {
		got, err := crdAPI.Get(ctx, crd.Name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		if !backdateEstablished(got, time.Now().Add(-time.Minute)) {
			return false, nil
		}
		_, err = crdAPI.UpdateStatus(ctx, got, metav1.UpdateOptions{})
		return err == nil, err
	})
	if err != nil {
		return fmt.Errorf("calicotest: waiting for CRD %q to be Established: %w", crd.Name, err)
	}
	gvr := resourceOf(crd)
	err = poll(ctx, func() (bool, error) {
		_, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{Limit: 1})
		return err == nil, err
	})
	if err != nil {
		return fmt.Errorf("calicotest: waiting for %s to serve: %w", gvr, err)
	}
	return nil
}

// backdateEstablished sets the lastTransitionTime of crd's Established
// condition to at, and reports whether crd is Established.
func backdateEstablished(crd *apiextensionsv1.CustomResourceDefinition, at time.Time) bool {
	for i, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
			crd.Status.Conditions[i].LastTransitionTime = metav1.NewTime(at)
			return true
		}
	}
	return false
}

// poll calls done every pollInterval until it reports true or ctx ends; the
// last error done returned is reported with the context's.
func poll(ctx context.Context, done func() (bool, error)) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var last error
	for {
		ok, err := done()
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			if last != nil {
				return fmt.Errorf("%w (last error: %v)", context.Cause(ctx), last)
			}
			return context.Cause(ctx)
		case <-tick.C:
		}
	}
}
