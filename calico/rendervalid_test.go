package calico

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// FuzzNameChecks checks the fast name and label checks against apimachinery's validation.
func FuzzNameChecks(f *testing.F) {
	for _, s := range []string{
		"", "a", "nxcalico-rack1.leaf2101-ipv4", "a.b", "a..b", ".a", "a.", "-a", "a-", "a-.b", "a.-b",
		"A", "a_b", "rack 1", "x" + strings.Repeat("y", 252), strings.Repeat("z", 254), strings.Repeat("v", 64),
		"Prod_Cluster.1", "_x", "x_", "é",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isDNS1123Subdomain(s), len(validation.IsDNS1123Subdomain(s)) == 0; got != want {
			t.Errorf("isDNS1123Subdomain(%q) = %v, validation says %v", s, got, want)
		}
		if got, want := isLabelValue(s), s != "" && len(validation.IsValidLabelValue(s)) == 0; got != want {
			t.Errorf("isLabelValue(%q) = %v, validation says %v", s, got, want)
		}
	})
}
