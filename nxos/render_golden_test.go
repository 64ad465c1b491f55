package nxos

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// update rewrites golden files instead of comparing with them: go test ./nxos/ -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// artifacts returns the three rendered files of a leaf, by file name.
func artifacts(t *testing.T, c *LeafConfig) map[string][]byte {
	t.Helper()
	feat, err := c.FeaturesJSON()
	if err != nil {
		t.Fatalf("%s: FeaturesJSON: %v", c.Leaf, err)
	}
	cfg, err := c.JSON()
	if err != nil {
		t.Fatalf("%s: JSON: %v", c.Leaf, err)
	}
	return map[string][]byte{
		c.Leaf + ".features.json": feat,
		c.Leaf + ".json":          cfg,
		c.Leaf + ".cli":           []byte(c.CLI()),
	}
}

// TestRenderGolden compares the JSON bodies and CLI of every test design with
// testdata/render/<design>/<leaf>.{features.json,json,cli}. Each design is rendered three times
// from freshly derived intents and every rendering must be byte-identical, which catches map-order
// nondeterminism.
func TestRenderGolden(t *testing.T) {
	for _, td := range testDesigns() {
		t.Run(td.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "render", td.name)
			first := map[string][]byte{}
			for run := range 3 {
				for _, c := range mustRender(t, td.d, td.opts) {
					for name, data := range artifacts(t, c) {
						if run == 0 {
							first[name] = data
						} else if !bytes.Equal(first[name], data) {
							t.Fatalf("%s differs between renderings %d and 1: output is not deterministic", name, run+1)
						}
					}
				}
			}
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, data := range first {
					if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatalf("%v (run go test ./nxos/ -run Golden -update)", err)
			}
			if len(entries) != len(first) {
				t.Errorf("%s holds %d files, rendering gives %d", dir, len(entries), len(first))
			}
			for name, data := range first {
				want, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Errorf("%v (run go test ./nxos/ -run Golden -update)", err)
					continue
				}
				if !bytes.Equal(want, data) {
					t.Errorf("%s/%s differs from the rendering:\n%s", dir, name, firstDiff(want, data))
				}
			}
		})
	}
}

// firstDiff describes the first differing line of two texts.
func firstDiff(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\n  golden: " + string(w) + "\n  render: " + string(g)
		}
	}
	return "(same lines)"
}
