package bird

import (
	"path/filepath"
	"testing"

	"github.com/nxcalico/nxcalico/internal/golden"
)

// TestGenerateGolden compares the configuration of one node of every rendered design with the
// golden bird.cfg and bird6.cfg (go test -run Golden -update rewrites them).
func TestGenerateGolden(t *testing.T) {
	for _, c := range goldenClusters(t) {
		n := c.nodes[0]
		t.Run(c.name+"/"+n.Name, func(t *testing.T) {
			v4, v6 := mustGenerate(t, n, c.res)
			for file, cfg := range map[string]*Config{"bird.cfg": v4, "bird6.cfg": v6} {
				// Redacted: a golden file never holds a password.
				golden.File(t, filepath.Join(goldenDir(c, n), file), []byte(cfg.Redacted()), *update, "go test ./twin/bird/ -run Golden -update")
			}
		})
	}
}
