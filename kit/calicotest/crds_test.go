package calicotest_test

import (
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/nxcalico/nxcalico/kit/calicotest"
)

// resources are the Calico resources embedded for each group.
var resources = []string{
	"bgpconfigurations", "bgpfilters", "bgppeers", "caliconodestatuses",
	"clusterinformations", "felixconfigurations", "ippools", "ipreservations",
}

func TestCRDs(t *testing.T) {
	tests := []struct {
		name   string
		groups []calicotest.Group
		want   []calicotest.Group // in order
	}{
		{"none means both", nil, []calicotest.Group{calicotest.GroupV3, calicotest.GroupV1}},
		{"v1 then v3 is returned v3 first", []calicotest.Group{calicotest.GroupV1, calicotest.GroupV3}, []calicotest.Group{calicotest.GroupV3, calicotest.GroupV1}},
		{"v1", []calicotest.Group{calicotest.GroupV1}, []calicotest.Group{calicotest.GroupV1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			crds, err := calicotest.CRDs(tt.groups...)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, g := range tt.want {
				for _, r := range resources {
					want = append(want, r+"."+string(g))
				}
			}
			var got []string
			for _, crd := range crds {
				got = append(got, crd.Name)
				// Reset relies on every CRD being cluster-scoped.
				if crd.Spec.Scope != apiextensionsv1.ClusterScoped {
					t.Errorf("%s: scope %s, want Cluster", crd.Name, crd.Spec.Scope)
				}
				if v := calicotest.Group(crd.Spec.Group).Version(); len(crd.Spec.Versions) != 1 || crd.Spec.Versions[0].Name != v {
					t.Errorf("%s: versions %+v, want only %s", crd.Name, crd.Spec.Versions, v)
				}
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("CRD names:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestCRDsReturnsFreshCopies(t *testing.T) {
	a, err := calicotest.CRDs(calicotest.GroupV3)
	if err != nil {
		t.Fatal(err)
	}
	a[0].Name = "changed"
	b, err := calicotest.CRDs(calicotest.GroupV3)
	if err != nil {
		t.Fatal(err)
	}
	if b[0].Name == "changed" {
		t.Error("CRDs returned an object shared with an earlier call")
	}
}

func TestCRDsRejectsUnknownGroup(t *testing.T) {
	_, err := calicotest.CRDs("crd.projectcalico.org/v1")
	if err == nil || !strings.Contains(err.Error(), `"crd.projectcalico.org/v1"`) {
		t.Errorf("CRDs(\"crd.projectcalico.org/v1\") error = %v, want one quoting the group", err)
	}
}
