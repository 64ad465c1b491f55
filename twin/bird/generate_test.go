package bird

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGenerateGolden compares the configuration of one node of every rendered design with the
// golden bird.cfg and bird6.cfg (go test -run Golden -update rewrites them).
func TestGenerateGolden(t *testing.T) {
	for _, c := range goldenClusters(t) {
		n := c.nodes[0]
		t.Run(c.name+"/"+n.Name, func(t *testing.T) {
			v4, v6 := mustGenerate(t, n, c.res)
			for file, cfg := range map[string]*Config{"bird.cfg": v4, "bird6.cfg": v6} {
				path := filepath.Join(goldenDir(c, n), file)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if d := cmp.Diff(string(want), cfg.String()); d != "" {
					t.Errorf("%s for %s differs from %s (-want +got):\n%s", file, describe(n), path, d)
				}
			}
		})
	}
}
