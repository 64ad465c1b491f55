package calicoclient_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design/designtest"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"
)

// TestRenderedYAMLAppliesToCalicoCRDs sends every document of the golden calico.yaml files, as
// kubectl would, to an API server running Calico's projectcalico.org/v3 CRDs with strict field
// validation, and reads each object back: the server must accept every field and keep its value.
func TestRenderedYAMLAppliesToCalicoCRDs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an API server")
	}
	for _, name := range goldenDesigns {
		t.Run(name, func(t *testing.T) {
			srv := groupServer(t, calico.GroupV3)
			dyn, err := dynamic.NewForConfig(srv.Config())
			if err != nil {
				t.Fatal(err)
			}
			y := goldenYAML(t, name)
			for i, doc := range splitYAML(y) {
				u, err := decodeUnstructured(doc)
				if err != nil {
					t.Fatalf("document %d: %v", i, err)
				}
				gvk := u.GroupVersionKind()
				res := dyn.Resource(schema.GroupVersionResource{Group: gvk.Group, Version: gvk.Version, Resource: strings.ToLower(gvk.Kind) + "s"})
				if _, err := res.Create(t.Context(), u, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil {
					t.Fatalf("create %s %s from %s: %v", gvk.Kind, u.GetName(), goldenPath(name), err)
				}
				got, err := res.Get(t.Context(), u.GetName(), metav1.GetOptions{})
				if err != nil {
					t.Fatalf("get %s %s: %v", gvk.Kind, u.GetName(), err)
				}
				for _, k := range []string{"spec", "metadata.labels"} {
					path := strings.Split(k, ".")
					want, _, _ := unstructured.NestedFieldNoCopy(u.Object, path...)
					have, _, _ := unstructured.NestedFieldNoCopy(got.Object, path...)
					if missing := subsetDiff(want, have, k); len(missing) > 0 {
						t.Errorf("%s %s: the server changed what was sent:\n%s", gvk.Kind, u.GetName(), strings.Join(missing, "\n"))
					}
				}
			}
		})
	}
}

// TestCRDsRejectASNumbersAboveInt32 pins a limit of Calico's CRDs up to at least 3.32.1: asNumber
// is declared int32, so the server rejects the private 4-byte range (4200000000–4294967294) that
// Render expresses faithfully (projectcalico/calico#13494, fixed by #13979). When the CRDs in
// calicotest are updated past the fix, this test fails and the limit can be dropped from the docs.
func TestCRDsRejectASNumbersAboveInt32(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an API server")
	}
	srv := groupServer(t, calico.GroupV3)
	dyn, err := dynamic.NewForConfig(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	in := renderIntent(t, designtest.SharedLoopbacks())
	in.Cluster.ASN = 4200000001
	objs, err := calico.Render(in)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	y, err := (&calico.Objects{BGPConfiguration: objs.BGPConfiguration}).YAML()
	if err != nil {
		t.Fatal(err)
	}
	u, err := decodeUnstructured(y)
	if err != nil {
		t.Fatal(err)
	}
	if asn, _, _ := unstructured.NestedInt64(u.Object, "spec", "asNumber"); asn != 4200000001 {
		t.Fatalf("rendered asNumber %d, want 4200000001", asn)
	}
	res := dyn.Resource(schema.GroupVersionResource{Group: "projectcalico.org", Version: "v3", Resource: "bgpconfigurations"})
	_, err = res.Create(t.Context(), u, metav1.CreateOptions{FieldValidation: "Strict"})
	if err == nil || !strings.Contains(err.Error(), "spec.asNumber") {
		t.Errorf("create with asNumber 4200000001: error %v, want the CRD's int32 rejection of spec.asNumber", err)
	}
}

// decodeUnstructured decodes one YAML document as kubectl does (integers stay integers).
func decodeUnstructured(doc []byte) (*unstructured.Unstructured, error) {
	j, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	return u, u.UnmarshalJSON(j)
}

// subsetDiff lists the values of want that have does not hold unchanged (have may add fields the
// server defaults).
func subsetDiff(want, have any, path string) []string {
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: sent an object, read back %v", path, have)}
		}
		var out []string
		for k, v := range w {
			out = append(out, subsetDiff(v, h[k], path+"."+k)...)
		}
		return out
	default:
		if fmt.Sprint(want) != fmt.Sprint(have) {
			return []string{fmt.Sprintf("%s: sent %v, read back %v", path, want, have)}
		}
		return nil
	}
}
