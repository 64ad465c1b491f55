package k8sname

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// checks pairs each check with apimachinery's verdict on the same rule.
var checks = []struct {
	name  string
	check func(string) string
	valid func(string) bool
}{
	{"Subdomain", Subdomain, func(s string) bool { return len(validation.IsDNS1123Subdomain(s)) == 0 }},
	{"Label", Label, func(s string) bool { return len(validation.IsDNS1123Label(s)) == 0 }},
	{"LabelValue", LabelValue, func(s string) bool { return len(validation.IsValidLabelValue(s)) == 0 }},
	{"QualifiedName", QualifiedName, func(s string) bool { return len(validation.IsQualifiedName(s)) == 0 }},
}

// corpus holds names valid and invalid under some of the rules: lengths at and past each limit,
// every separator at every edge, upper case, non-ASCII and invalid UTF-8.
var corpus = []string{
	"", "a", "0", "-", ".", "_", "/", "a/", "/a", "a/b", "a/b/c", "example.com/MyName", "Example.com/x",
	"example.com/", "example..com/x", "-a.com/x", "a.com/-x", "a.com/x_", "a.com/x.y_z",
	"nxcalico-rack1.leaf2101-ipv4", "nxcalico.io/leaf-pair", "nxcalico.io/managed-by", "kubernetes.io/hostname",
	"a.b", "a..b", ".a", "a.", "-a", "a-", "a-.b", "a.-b", "a--b", "a-b", "1rack", "rack.1", "Rack1", "rack_1",
	"rack 1", "rack\t1", "rack\n", "Prod_Cluster.1", "_x", "x_", "x.", ".x", "x-y_z.w", "é", "caf\u00e9", "\xff", "a\xffb",
	"node-1.dc1.example", "calico-system", "UPPER", "a:b", "a@b", "a+b", "a*b",
	strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a", 253), strings.Repeat("a", 254),
	strings.Repeat("a.", 126) + "a", strings.Repeat("a.", 126) + "ab", strings.Repeat("A", 63), strings.Repeat("A", 64),
	strings.Repeat("a", 253) + "/x", strings.Repeat("a", 254) + "/x", "p/" + strings.Repeat("n", 63), "p/" + strings.Repeat("n", 64),
	strings.Repeat("b", 62) + "-", "-" + strings.Repeat("b", 62),
}

// TestNamesAgree checks every rule against apimachinery's verdict on the corpus, and that a reason
// is given exactly when the value is invalid.
func TestNamesAgree(t *testing.T) {
	for _, c := range checks {
		for _, s := range corpus {
			agree(t, c.name, c.check, c.valid, s)
		}
	}
}

// FuzzNamesAgree compares the valid/invalid verdict of every rule with apimachinery's.
func FuzzNamesAgree(f *testing.F) {
	for _, s := range corpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range checks {
			agree(t, c.name, c.check, c.valid, s)
		}
	})
}

func agree(t *testing.T, name string, check func(string) string, valid func(string) bool, s string) {
	t.Helper()
	r := check(s)
	if want := valid(s); (r == "") != want {
		t.Errorf("%s(%q) = %q, apimachinery says valid=%v", name, s, r, want)
	}
}

// TestReasons checks that a reason names the offending character and its offset, or the length.
func TestReasons(t *testing.T) {
	tests := []struct {
		check func(string) string
		in    string
		want  string
	}{
		{Subdomain, "", "is empty"},
		{Subdomain, strings.Repeat("a", 254), "is 254 characters long (at most 253)"},
		{Subdomain, ".node", "has an empty label at offset 0"},
		{Subdomain, "node.", "has an empty label at offset 5"},
		{Subdomain, "node-.x", "has '-' at offset 4 (a label must start and end with a letter or digit)"},
		{Subdomain, "Node", "has 'N' at offset 0 (lower-case letters, digits and '-' only)"},
		{Subdomain, "nodé", "has 'é' at offset 3"},
		{Subdomain, "a\xffb", `has "\xff" at offset 1`},
		{Label, "rack.1", "has '.' at offset 4"},
		{Label, "-rack", "has '-' at offset 0"},
		{Label, strings.Repeat("a", 64), "is 64 characters long (at most 63)"},
		{LabelValue, "", ""},
		{LabelValue, "Prod_Cluster.1", ""},
		{LabelValue, "Prod Cluster", "has ' ' at offset 4 (letters, digits and - _ . only)"},
		{LabelValue, "_x", "has '_' at offset 0 (a label value must start and end with a letter or digit)"},
		{LabelValue, strings.Repeat("v", 64), "is 64 characters long (at most 63)"},
		{QualifiedName, "", "is empty"},
		{QualifiedName, "nxcalico.io/leaf-pair", ""},
		{QualifiedName, "a/b/c", "has a second '/' at offset 3"},
		{QualifiedName, "/x", "has a prefix that is empty"},
		{QualifiedName, "Example.com/x", "has a prefix that has 'E' at offset 0"},
		{QualifiedName, "a.com/", "has an empty name part at offset 6"},
		{QualifiedName, "a.com/x y", "has ' ' at offset 7"},
		{QualifiedName, "a.com/-x", "has '-' at offset 6 (a name part must start and end"},
		{QualifiedName, "p/" + strings.Repeat("n", 64), "has a name part of 64 characters (at most 63)"},
	}
	for _, tt := range tests {
		got := tt.check(tt.in)
		if (tt.want == "") != (got == "") || !strings.HasPrefix(got, tt.want) {
			t.Errorf("check(%q) = %q, want %q…", tt.in, got, tt.want)
		}
	}
}

// TestValidDoesNotAllocate checks that a valid name costs no allocation.
func TestValidDoesNotAllocate(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		_ = Subdomain("nxcalico-rack1.leaf2101-ipv4") + Label("rack1") + LabelValue("Prod_Cluster.1") + QualifiedName("nxcalico.io/leaf-pair")
	})
	if n != 0 {
		t.Errorf("%v allocations for valid names, want 0", n)
	}
}

// BenchmarkSubdomain measures the check of a typical object name, next to apimachinery's.
func BenchmarkSubdomain(b *testing.B) {
	const name = "nxcalico-rack1.leaf2101-ipv4"
	b.Run("k8sname", func(b *testing.B) {
		for b.Loop() {
			if Subdomain(name) != "" {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("apimachinery", func(b *testing.B) {
		for b.Loop() {
			if len(validation.IsDNS1123Subdomain(name)) != 0 {
				b.Fatal("invalid")
			}
		}
	})
}
