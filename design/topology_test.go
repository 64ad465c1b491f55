package design

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMermaidGolden(t *testing.T) {
	in := mustDerive(t, CaseStudy())
	got := in.Mermaid()
	if again := mustDerive(t, CaseStudy()).Mermaid(); again != got {
		t.Fatal("Mermaid output is not deterministic")
	}
	path := filepath.Join("testdata", "topology-casestudy.mmd")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./design -run Mermaid -update)", err)
	}
	if got != string(want) {
		t.Errorf("Mermaid differs from %s:\n%s", path, got)
	}
	for _, s := range []string{
		`subgraph pair_rack1["pair rack1 · RT 2101:2102"]`,
		`leaf_Leaf2101["Leaf2101<br/>loopback1002<br/>192.168.100.1/32<br/>2001:193:168:1::4/128"]`,
		`node_master ---|"eBGP IPv4+IPv6"| leaf_Leaf2101`,
		`node_node02 ---|"eBGP IPv4+IPv6"| leaf_Leaf2102`,
	} {
		if !strings.Contains(got, s) {
			t.Errorf("Mermaid lacks %q", s)
		}
	}
}

func TestMermaidIDsNeverCollide(t *testing.T) {
	seen := map[string]string{}
	for _, name := range []string{"a-b", "a_b", "a.b", "a_2db", "ab"} {
		id := mermaidID("node", name)
		if other, ok := seen[id]; ok {
			t.Errorf("%q and %q share id %q", name, other, id)
		}
		seen[id] = name
		for _, c := range id {
			if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				t.Errorf("id %q has %q", id, c)
			}
		}
	}
}
