package design

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary text to Load. It must never panic; it returns either Problems or a
// design, and a design that also validates must derive.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("fabric: {asn: 1.10, vrf: 001}\ncluster: {nodes: [{ipv4Adress: x}]}\n"))
	f.Add([]byte("- a\n---\n- b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Load(strings.NewReader(string(data)))
		if err != nil {
			if _, ok := AsProblems(err); !ok {
				t.Fatalf("Load returned %T %v, want Problems", err, err)
			}
			if d != nil {
				t.Fatal("Load returned a design with problems")
			}
			return
		}
		if d.Validate() != nil {
			return
		}
		if _, err := Derive(d); err != nil {
			t.Fatalf("Validate passed but Derive failed: %v", err)
		}
		y, err := d.MarshalYAML()
		if err != nil {
			t.Fatalf("MarshalYAML: %v", err)
		}
		if _, err := Load(strings.NewReader(string(y))); err != nil {
			t.Fatalf("Load(MarshalYAML(d)): %v\n%s", err, y)
		}
	})
}
