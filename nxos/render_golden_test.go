package nxos

import (
	"flag"
	"maps"
	"path/filepath"
	"testing"

	"github.com/nxcalico/nxcalico/internal/golden"
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
			files := golden.Stable(t, 3, func() map[string][]byte {
				out := map[string][]byte{}
				for _, c := range mustRender(t, td.d, td.opts) {
					maps.Copy(out, artifacts(t, c))
				}
				return out
			})
			golden.Dir(t, filepath.Join("testdata", "render", td.name), files, *update, "go test ./nxos/ -run Golden -update")
		})
	}
}
