package calicotest_test

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/nxcalico/nxcalico/kit/calicotest"
)

func TestResetEmptiesEveryResource(t *testing.T) {
	ctx := t.Context()
	dc := dynamicClient(t)
	objects := []struct {
		group    calicotest.Group
		resource string
		kind     string
		spec     map[string]any
	}{
		{calicotest.GroupV3, "bgppeers", "BGPPeer", map[string]any{"peerIP": "192.0.2.1", "asNumber": int64(65001)}},
		{calicotest.GroupV3, "ippools", "IPPool", map[string]any{"cidr": "10.244.0.0/16"}},
		{calicotest.GroupV1, "bgppeers", "BGPPeer", map[string]any{"peerIP": "192.0.2.1", "asNumber": int64(65001)}},
		{calicotest.GroupV1, "ipreservations", "IPReservation", map[string]any{"reservedCIDRs": []any{"10.0.0.0/24"}}},
	}
	for _, o := range objects {
		for _, name := range []string{"a", "b"} {
			obj := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": string(o.group) + "/" + o.group.Version(), "kind": o.kind,
				"metadata": map[string]any{"name": name},
				"spec":     o.spec,
			}}
			if name == "b" {
				obj.SetFinalizers([]string{"example.com/keep"}) // Reset must not leave it Terminating
			}
			if _, err := dc.Resource(gvr(o.group, o.resource)).Create(ctx, obj, metav1.CreateOptions{FieldValidation: strict}); err != nil {
				t.Fatalf("create %s %s %q: %v", o.group, o.kind, name, err)
			}
		}
	}

	for range 2 { // the second Reset finds nothing and must still succeed
		if err := shared.Reset(ctx); err != nil {
			t.Fatalf("Reset: %v", err)
		}
	}

	for _, crd := range shared.CRDs() {
		res := gvr(calicotest.Group(crd.Spec.Group), crd.Spec.Names.Plural)
		list, err := dc.Resource(res).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("list %s: %v", res, err)
		}
		if n := len(list.Items); n != 0 {
			t.Errorf("%s: %d objects after Reset, want 0", res, n)
		}
	}
}
