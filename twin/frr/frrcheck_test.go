package frr

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFRRAcceptsGolden feeds the configuration of every test leaf (passwords included) to
// "vtysh --dryrun", FRR's own parser: every line must be a command FRR knows in its context.
func TestFRRAcceptsGolden(t *testing.T) {
	vtysh, err := exec.LookPath("vtysh")
	if err != nil {
		t.Skip("twin/frr: needs the Debian package frr (vtysh): apt-get install -y frr bird iputils-ping")
	}
	dir := t.TempDir()
	for name, leaves := range allTrees(t) {
		for i, lt := range leaves {
			opts := fabricOptions(i, len(leaves))
			opts.Hostname = lt.leaf
			c, err := Translate(lt.tree, opts)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, lt.leaf, err)
			}
			f := filepath.Join(dir, name+"-"+lt.leaf+".conf")
			if err := os.WriteFile(f, []byte(c.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			out, err := exec.CommandContext(ctx, vtysh, "--dryrun", "-f", f).CombinedOutput()
			cancel()
			if err != nil || strings.TrimSpace(string(out)) != "" {
				t.Errorf("%s/%s: vtysh --dryrun: %v\n%s", name, lt.leaf, err, redact(string(out), c.secrets))
			}
		}
	}
}
