package node

import (
	"flag"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/nxcalico/nxcalico/internal/golden"
)

// update rewrites the golden files instead of comparing with them: go test ./node/ -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestGolden compares, per design, the nodes' patches (patches.yaml) and scripts (<node>.sh)
// with testdata/<design>; rendering three times must give the same bytes.
func TestGolden(t *testing.T) {
	for name, d := range testDesigns() {
		t.Run(name, func(t *testing.T) {
			in := derive(t, d)
			files := golden.Stable(t, 3, func() map[string][]byte {
				y, err := yaml.Marshal(Patches(in))
				if err != nil {
					t.Fatal(err)
				}
				files := map[string][]byte{"patches.yaml": y}
				for i := range in.Nodes {
					files[in.Nodes[i].Name+".sh"] = []byte(Script(&in.Nodes[i]))
				}
				return files
			})
			golden.Dir(t, filepath.Join("testdata", name), files, *update, "go test ./node/ -run Golden -update")
		})
	}
}
