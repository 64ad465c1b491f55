package main

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/nxcalico/nxcalico/design"
)

// restConfigLab is a cluster configuration that is never contacted.
var restConfigLab = rest.Config{Host: "https://127.0.0.1:1", BearerToken: "token"}

// TestConfigurationErrors checks that every usage and configuration error exits 2 before any
// switch or cluster is contacted, and says what to fix.
func TestConfigurationErrors(t *testing.T) {
	caseStudy := writeDesign(t, design.CaseStudy())
	bad := design.CaseStudy()
	bad.Cluster.Nodes[1].IPv4 = bad.Cluster.Nodes[0].IPv4
	bad.Fabric.LeafPairs[0].Leaves[0].Management = "ftp://leaf"
	badDesign := writeDesign(t, bad)
	withRetired := design.CaseStudy()
	withRetired.Fabric.RetiredLeaves = []string{"Leaf2104", "Leaf2103"}
	retiredDesign := writeDesign(t, withRetired)
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	both := []string{"-switch", "Leaf2101=https://127.0.0.1:1", "-switch", "Leaf2102=https://127.0.0.1:2"}

	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // on stderr
		not  []string // never on stderr
	}{
		{"no credentials", map[string]string{}, append([]string{"-design", caseStudy}, both...),
			[]string{"set NXOS_USERNAME and NXOS_PASSWORD"}, nil},
		{"no password", map[string]string{envUsername: "admin"}, append([]string{"-design", caseStudy}, both...),
			[]string{"set NXOS_PASSWORD:"}, []string{"set NXOS_USERNAME"}},
		{"no design", credentials(), nil, []string{"-design FILE is required"}, nil},
		{"a leaf without URL", credentials(), []string{"-design", caseStudy, "-switch", "Leaf2101=https://127.0.0.1:1"},
			[]string{"no NX-API URL for leaf Leaf2102:", "-switch NAME=URL"}, []string{"Leaf2101,"}},
		{"no leaf has a URL", credentials(), []string{"-design", caseStudy},
			[]string{"no NX-API URL for leaf Leaf2101, Leaf2102:"}, nil},
		{"a retired leaf without URL", credentials(), append([]string{"-design", retiredDesign, "-switch", "Leaf2103=https://127.0.0.1:3"}, both...),
			[]string{"no NX-API URL for retired leaf Leaf2104: pass -switch NAME=URL"}, []string{"Leaf2103:", "leaf Leaf2103,"}},
		{"a -switch for a leaf neither in the design nor retired", credentials(), append([]string{"-design", retiredDesign, "-switch", "Leaf2103=https://127.0.0.1:3", "-switch", "Leaf2104=https://127.0.0.1:4", "-switch", "Leaf2105=https://127.0.0.1:5"}, both...),
			[]string{`-switch Leaf2105: "Leaf2105" is not a leaf of the design (leaves: Leaf2101, Leaf2102; retired: Leaf2103, Leaf2104)`}, nil},
		{"unknown leaf", credentials(), append([]string{"-design", caseStudy, "-switch", "Leaf9=https://10.0.0.9"}, both...),
			[]string{`-switch Leaf9: "Leaf9" is not a leaf of the design (leaves: Leaf2101, Leaf2102)`}, nil},
		{"leaf given twice", credentials(), append([]string{"-design", caseStudy, "-switch", "Leaf2101=https://10.0.0.9"}, both...),
			[]string{"-switch Leaf2101: given twice"}, nil},
		{"URL with credentials", credentials(), []string{"-design", caseStudy, "-switch", "Leaf2101=https://admin:hunter2@10.0.0.1", "-switch", "Leaf2102=https://10.0.0.2"},
			[]string{"-switch Leaf2101: URL https://admin:xxxxx@10.0.0.1 carries credentials"}, []string{"hunter2"}},
		{"URL with a path", credentials(), []string{"-design", caseStudy, "-switch", "Leaf2101=https://10.0.0.1/api", "-switch", "Leaf2102=https://10.0.0.2"},
			[]string{`-switch Leaf2101: URL "https://10.0.0.1/api" has a path`}, nil},
		{"not NAME=URL", credentials(), []string{"-design", caseStudy, "-switch", "Leaf2101"},
			[]string{`invalid value "Leaf2101" for flag -switch: want NAME=URL`}, nil},
		{"invalid design", credentials(), append([]string{"-design", badDesign}, both...),
			[]string{"cluster.nodes[1].ipv4: ", "fabric.leafPairs[0].leaves[0].management: invalid-value: ", "problem(s), listed above"}, nil},
		{"unreadable design", credentials(), []string{"-design", filepath.Join(t.TempDir(), "missing.yaml")},
			[]string{"missing.yaml"}, nil},
		{"-ca and -insecure", credentials(), append([]string{"-design", caseStudy, "-insecure", "-ca", notPEM}, both...),
			[]string{"-ca and -insecure contradict each other"}, nil},
		{"CA file without certificates", credentials(), append([]string{"-design", caseStudy, "-ca", notPEM}, both...),
			[]string{"-ca: " + notPEM + " holds no PEM certificate"}, nil},
		{"negative concurrency", credentials(), append([]string{"-design", caseStudy, "-concurrency", "-1"}, both...),
			[]string{"-concurrency -1 is negative"}, nil},
		{"argument", credentials(), append([]string{"-design", caseStudy, "extra"}, both...),
			[]string{`unexpected argument "extra"`}, nil},
		{"unknown flag", credentials(), []string{"-password", "x"},
			[]string{"flag provided but not defined: -password", "usage:"}, nil},
		{"no kubeconfig", credentials("KUBECONFIG", filepath.Join(t.TempDir(), "none")), append([]string{"-design", caseStudy}, both...),
			[]string{"kubeconfig: "}, nil},
		{"unknown context", credentials("KUBECONFIG", writeKubeconfig(t, &restConfigLab)), append([]string{"-design", caseStudy, "-context", "prod"}, both...),
			[]string{"kubeconfig: ", `"prod"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "no kubeconfig" && os.Getenv("KUBERNETES_SERVICE_HOST") != "" {
				t.Skip("in a pod the in-cluster configuration applies")
			}
			res := runCommand(t, tt.env, nil, tt.args...)
			if res.code != exitUsage {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, exitUsage, res.stdout, res.stderr)
			}
			if res.stdout != "" {
				t.Errorf("stdout:\n%s", res.stdout)
			}
			wantContains(t, "stderr", res.stderr, tt.want...)
			for _, s := range tt.not {
				if strings.Contains(res.stderr, s) {
					t.Errorf("stderr shows %q:\n%s", s, res.stderr)
				}
			}
		})
	}
}

// TestSwitchURLs checks where every leaf's URL comes from: the design's management field,
// overridden or completed by -switch; a retired leaf's comes from -switch alone.
func TestSwitchURLs(t *testing.T) {
	tests := []struct {
		name       string
		management map[string]string
		retired    []string // fabric.retiredLeaves
		flags      switchFlags
		want       map[string]string
		wantRet    map[string]string
		problems   []string
	}{
		{"design only", map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, nil, nil,
			map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, map[string]string{}, nil},
		{"flag overrides", map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, nil, switchFlags{"Leaf2102=https://leaf2102.lab:8443"},
			map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://leaf2102.lab:8443"}, map[string]string{}, nil},
		{"flag completes", map[string]string{"Leaf2101": "https://10.0.0.1"}, nil, switchFlags{"Leaf2102=https://10.0.0.2"},
			map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, map[string]string{}, nil},
		{"one missing", map[string]string{"Leaf2101": "https://10.0.0.1"}, nil, nil,
			map[string]string{"Leaf2101": "https://10.0.0.1"}, map[string]string{},
			[]string{"no NX-API URL for leaf Leaf2102: set its management field in the design or pass -switch NAME=URL"}},
		{"flag names no leaf", map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, nil, switchFlags{"leaf2101=https://10.0.0.3"},
			map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, map[string]string{},
			[]string{`-switch leaf2101: "leaf2101" is not a leaf of the design (leaves: Leaf2101, Leaf2102)`}},
		{"retired leaves from -switch", map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, []string{"Leaf2104", "Leaf2103"},
			switchFlags{"Leaf2104=https://10.0.0.4", "Leaf2103=https://10.0.0.3"},
			map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"},
			map[string]string{"Leaf2103": "https://10.0.0.3", "Leaf2104": "https://10.0.0.4"}, nil},
		{"retired leaf without -switch", map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, []string{"Leaf2104", "Leaf2103"},
			switchFlags{"Leaf2104=https://10.0.0.4"},
			map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, map[string]string{"Leaf2104": "https://10.0.0.4"},
			[]string{"no NX-API URL for retired leaf Leaf2103: pass -switch NAME=URL, so that what the design configured there is removed (or drop the name from fabric.retiredLeaves once that is done)"}},
		{"flag names neither a leaf nor a retired leaf", map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, []string{"Leaf2103"},
			switchFlags{"Leaf2103=https://10.0.0.3", "Leaf2105=https://10.0.0.5", "Leaf2103=https://10.0.0.6"},
			map[string]string{"Leaf2101": "https://10.0.0.1", "Leaf2102": "https://10.0.0.2"}, map[string]string{"Leaf2103": "https://10.0.0.3"},
			[]string{`-switch Leaf2103: given twice`, `-switch Leaf2105: "Leaf2105" is not a leaf of the design (leaves: Leaf2101, Leaf2102; retired: Leaf2103)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := design.CaseStudy()
			for i := range d.Fabric.LeafPairs[0].Leaves {
				leaf := &d.Fabric.LeafPairs[0].Leaves[i]
				leaf.Management = tt.management[leaf.Name]
			}
			d.Fabric.RetiredLeaves = tt.retired
			got, retired, problems := switchURLs(derive(t, d), tt.flags)
			if !maps.Equal(got, tt.want) {
				t.Errorf("URLs %v, want %v", got, tt.want)
			}
			if !maps.Equal(retired, tt.wantRet) {
				t.Errorf("retired URLs %v, want %v", retired, tt.wantRet)
			}
			if !slices.Equal(problems, tt.problems) {
				t.Errorf("problems %q, want %q", problems, tt.problems)
			}
		})
	}
}
