package calico

import (
	"bytes"
	"flag"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nxcalico/nxcalico/internal/golden"
)

// update rewrites golden files instead of comparing with them: go test ./calico/ -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// checkGolden compares got with the golden file at path, or writes it with -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	golden.File(t, path, got, *update, "go test ./calico/ -run Golden -update")
}

// renderFiles renders a design's golden file calico.yaml, keyed by path relative to the design's
// golden directory. (The nodes' patches and scripts are the node package's.)
func renderFiles(t *testing.T, name string) map[string][]byte {
	t.Helper()
	for _, rd := range renderDesigns {
		if rd.name != name {
			continue
		}
		in := renderIntent(t, rd.design())
		objs, err := Render(in)
		if err != nil {
			t.Fatalf("render: %v", err)
		}
		y, err := objs.YAML()
		if err != nil {
			t.Fatalf("yaml: %v", err)
		}
		return map[string][]byte{"calico.yaml": y}
	}
	t.Fatalf("no design %q", name)
	return nil
}

func TestGolden(t *testing.T) {
	for _, rd := range renderDesigns {
		t.Run(rd.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "render", rd.name)
			first := renderFiles(t, rd.name)
			// Rendering again must give the same bytes (no map-order or pointer leaks).
			for range 3 {
				again := renderFiles(t, rd.name)
				for path, b := range first {
					if !bytes.Equal(b, again[path]) {
						t.Fatalf("%s differs between two renderings of the same design", path)
					}
				}
			}
			paths := make([]string, 0, len(first))
			for p := range first {
				paths = append(paths, p)
			}
			slices.Sort(paths)
			for _, p := range paths {
				checkGolden(t, filepath.Join(dir, p), first[p])
			}
		})
	}
}
