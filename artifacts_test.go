package nxcalico_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
)

func TestArtifactsOfTheCaseStudy(t *testing.T) {
	in := derive(t, design.CaseStudy())
	arts, err := nxcalico.Artifacts(in, nxos.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	byPath := map[string]string{}
	for _, a := range arts {
		paths = append(paths, filepath.ToSlash(a.Path))
		byPath[filepath.ToSlash(a.Path)] = string(a.Data)
	}
	want := []string{
		"nxos/Leaf2101.features.json", "nxos/Leaf2101.json", "nxos/Leaf2101.cli",
		"nxos/Leaf2102.features.json", "nxos/Leaf2102.json", "nxos/Leaf2102.cli",
		"calico/calico.yaml",
		"nodes/master.sh", "nodes/node01.sh", "nodes/node02.sh",
		"topology.mmd",
	}
	if !slices.Equal(paths, want) {
		t.Fatalf("paths\n%q\nwant\n%q", paths, want)
	}
	for _, p := range paths {
		if strings.HasSuffix(p, ".json") && !json.Valid([]byte(byPath[p])) {
			t.Errorf("%s is not JSON", p)
		}
	}
	contains := map[string][]string{
		"nxos/Leaf2101.json":          {`"bgpPeerCont"`, `"192.168.1.10"`},
		"nxos/Leaf2101.features.json": {"fmBgp"},
		"nxos/Leaf2102.cli":           {"router bgp 65102", "template peer CALICO", "neighbor 192.168.1.13", "192.168.100.2/32"},
		"calico/calico.yaml":          {"kind: BGPConfiguration", "kind: IPPool", "kind: BGPPeer", "peerIP: 2001:193:168:1::5", "nxcalico.io/managed-by: prod"},
		"nodes/node01.sh":             {"#!", "ip route replace 192.168.100.2/32 via 192.168.1.1 dev bond0", "ip -6 route replace 2001:193:168:1::4/127 via 2001:192:168:1::1 dev bond0"},
		"topology.mmd":                {"Leaf2101", "Leaf2102", "node02"},
	}
	for p, frags := range contains {
		for _, f := range frags {
			if !strings.Contains(byPath[p], f) {
				t.Errorf("%s does not contain %q", p, f)
			}
		}
	}
	again, err := nxcalico.Artifacts(in, nxos.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(arts, again, func(a, b nxcalico.Artifact) bool { return a.Path == b.Path && bytes.Equal(a.Data, b.Data) }) {
		t.Error("two renderings of one design differ")
	}

	dir := t.TempDir()
	// A script left by an earlier run without execute permission becomes executable.
	if err := os.MkdirAll(filepath.Join(dir, "nodes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nodes", "master.sh"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := nxcalico.WriteArtifacts(dir, arts); err != nil {
		t.Fatal(err)
	}
	for _, a := range arts {
		p := filepath.Join(dir, a.Path)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, a.Data) {
			t.Errorf("%s: written content differs", a.Path)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		exec := fi.Mode().Perm()&0o111 != 0
		if exec != (filepath.Ext(p) == ".sh") {
			t.Errorf("%s: mode %v", a.Path, fi.Mode())
		}
	}
}

func TestArtifactsRefuseUnsafePaths(t *testing.T) {
	in := derive(t, design.CaseStudy())
	in.Nodes[0].Name = "../escape"
	if _, err := nxcalico.Artifacts(in, nxos.RenderOptions{}); err == nil || !strings.Contains(err.Error(), `node name "../escape"`) {
		t.Errorf("Artifacts with node name ../escape: %v", err)
	}

	dir := t.TempDir()
	for _, p := range []string{"../outside.txt", "/abs.txt", "a/../../outside.txt"} {
		arts := []nxcalico.Artifact{{Path: "first.txt", Data: []byte("x")}, {Path: p, Data: []byte("x")}}
		err := nxcalico.WriteArtifacts(dir, arts)
		if err == nil || !strings.Contains(err.Error(), `"`+p+`"`) {
			t.Errorf("WriteArtifacts with path %q: %v", p, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("WriteArtifacts wrote %d files before refusing", len(entries))
	}
}
