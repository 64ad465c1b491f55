package calicotest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	calicoclient "github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/nxcalico/nxcalico/kit/calicotest"
	"github.com/nxcalico/nxcalico/kit/calicotest/harness"
)

// strict is the field validation every write here uses: without it the
// server silently drops unknown fields.
const strict = "Strict"

func dynamicClient(t *testing.T) dynamic.Interface {
	t.Helper()
	dc, err := dynamic.NewForConfig(shared.Config())
	if err != nil {
		t.Fatal(err)
	}
	return dc
}

func gvr(g calicotest.Group, resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: string(g), Version: g.Version(), Resource: resource}
}

func TestV3BGPPeerThroughTypedClientset(t *testing.T) {
	harness.Reset(t, shared)
	ctx := t.Context()
	cs, err := calicoclient.NewForConfig(shared.Config())
	if err != nil {
		t.Fatal(err)
	}
	peers := cs.ProjectcalicoV3().BGPPeers()

	want := v3.BGPPeerSpec{PeerIP: "192.0.2.1", ASNumber: numorstring.ASNumber(65001), NodeSelector: "all()"}
	created, err := peers.Create(ctx, &v3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: "leaf1"}, Spec: want},
		metav1.CreateOptions{FieldValidation: strict})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if created.UID == "" || created.ResourceVersion == "" {
		t.Errorf("Create returned uid %q resourceVersion %q; want both set by the server", created.UID, created.ResourceVersion)
	}
	got, err := peers.Get(ctx, "leaf1", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Spec.PeerIP != want.PeerIP || got.Spec.ASNumber != want.ASNumber || got.Spec.NodeSelector != want.NodeSelector {
		t.Errorf("Get spec = %+v, want %+v", got.Spec, want)
	}

	// Server-side apply creates a second peer, then changes it.
	for _, asn := range []uint32{65002, 65003} {
		body, err := json.Marshal(map[string]any{
			"apiVersion": "projectcalico.org/v3", "kind": "BGPPeer",
			"metadata": map[string]any{"name": "leaf2"},
			"spec":     map[string]any{"peerIP": "192.0.2.2", "asNumber": asn},
		})
		if err != nil {
			t.Fatal(err)
		}
		applied, err := peers.Patch(ctx, "leaf2", types.ApplyPatchType, body,
			metav1.PatchOptions{FieldManager: "calicotest", FieldValidation: strict})
		if err != nil {
			t.Fatalf("apply asNumber %d: %v", asn, err)
		}
		if uint32(applied.Spec.ASNumber) != asn {
			t.Errorf("apply asNumber %d: got %d", asn, applied.Spec.ASNumber)
		}
		if len(applied.ManagedFields) == 0 || applied.ManagedFields[0].Manager != "calicotest" {
			t.Errorf("apply: managedFields = %+v, want manager calicotest", applied.ManagedFields)
		}
	}

	list, err := peers.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var names []string
	for _, p := range list.Items {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "leaf1,leaf2" {
		t.Errorf("List names = %v, want [leaf1 leaf2]", names)
	}
}

func TestV1BGPPeerThroughDynamicClient(t *testing.T) {
	harness.Reset(t, shared)
	ctx := t.Context()
	peers := dynamicClient(t).Resource(gvr(calicotest.GroupV1, "bgppeers"))

	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "crd.projectcalico.org/v1", "kind": "BGPPeer",
		"metadata": map[string]any{"name": "leaf1"},
		"spec":     map[string]any{"peerIP": "192.0.2.1", "asNumber": int64(65001)},
	}}
	if _, err := peers.Create(ctx, obj, metav1.CreateOptions{FieldValidation: strict}); err != nil {
		t.Fatalf("Create: %v", err)
	}
	got, err := peers.Get(ctx, "leaf1", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if ip, _, _ := unstructured.NestedString(got.Object, "spec", "peerIP"); ip != "192.0.2.1" {
		t.Errorf("Get spec.peerIP = %q, want 192.0.2.1", ip)
	}

	apply := obj.DeepCopy()
	apply.SetName("leaf2")
	if err := unstructured.SetNestedField(apply.Object, int64(65002), "spec", "asNumber"); err != nil {
		t.Fatal(err)
	}
	applied, err := peers.Apply(ctx, "leaf2", apply, metav1.ApplyOptions{FieldManager: "calicotest", Force: true})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if asn, _, _ := unstructured.NestedInt64(applied.Object, "spec", "asNumber"); asn != 65002 {
		t.Errorf("Apply spec.asNumber = %d, want 65002", asn)
	}

	list, err := peers.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(list.Items) != 2 || list.Items[0].GetName() != "leaf1" || list.Items[1].GetName() != "leaf2" {
		t.Errorf("List = %d items, want leaf1 and leaf2", len(list.Items))
	}
}

func TestSchemaEnforcement(t *testing.T) {
	harness.Reset(t, shared)
	dc := dynamicClient(t)
	tests := []struct {
		name     string
		spec     map[string]any
		wantCode int32  // 0: accepted
		wantText string // in the error message
	}{
		{"valid pool", map[string]any{"cidr": "10.244.0.0/16", "ipipMode": "Never", "vxlanMode": "Always"}, 0, ""},
		{"IPIP and VXLAN both Always", map[string]any{"cidr": "10.245.0.0/16", "ipipMode": "Always", "vxlanMode": "Always"},
			http.StatusUnprocessableEntity, "ipipMode and vxlanMode cannot both be enabled"},
		{"unknown field", map[string]any{"cidr": "10.246.0.0/16", "bogusField": true},
			http.StatusBadRequest, `unknown field "spec.bogusField"`},
		{"bad enum", map[string]any{"cidr": "10.247.0.0/16", "vxlanMode": "Sometimes"},
			http.StatusUnprocessableEntity, "Sometimes"},
	}
	for _, g := range []calicotest.Group{calicotest.GroupV3, calicotest.GroupV1} {
		pools := dc.Resource(gvr(g, "ippools"))
		for i, tt := range tests {
			t.Run(string(g)+"/"+tt.name, func(t *testing.T) {
				obj := &unstructured.Unstructured{Object: map[string]any{
					"apiVersion": string(g) + "/" + g.Version(), "kind": "IPPool",
					"metadata": map[string]any{"name": "pool" + string(rune('a'+i))},
					"spec":     tt.spec,
				}}
				_, err := pools.Create(t.Context(), obj, metav1.CreateOptions{FieldValidation: strict})
				if tt.wantCode == 0 {
					if err != nil {
						t.Fatalf("Create: %v", err)
					}
					return
				}
				var status apierrors.APIStatus
				if !asAPIStatus(err, &status) {
					t.Fatalf("Create error = %v, want HTTP %d", err, tt.wantCode)
				}
				if code := status.Status().Code; code != tt.wantCode {
					t.Errorf("Create: HTTP %d (%v), want %d", code, err, tt.wantCode)
				}
				if !strings.Contains(err.Error(), tt.wantText) {
					t.Errorf("Create error %q does not contain %q", err, tt.wantText)
				}
			})
		}
	}
}

// asAPIStatus reports whether err carries a Kubernetes API status.
func asAPIStatus(err error, status *apierrors.APIStatus) bool {
	if err == nil {
		return false
	}
	s, ok := err.(apierrors.APIStatus)
	if ok {
		*status = s
	}
	return ok
}
