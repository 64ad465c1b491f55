package bird

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBIRDParsesGenerated has BIRD itself check every node's configuration of every rendered
// design (bird -p and bird6 -p parse a file and exit).
func TestBIRDParsesGenerated(t *testing.T) {
	for _, b := range []string{"bird", "bird6"} {
		if _, err := exec.LookPath(b); err != nil {
			t.Skipf("twin: needs %s (Debian package bird): %s", b, InstallHint)
		}
	}
	dir := t.TempDir()
	for _, c := range goldenClusters(t) {
		for _, n := range c.nodes {
			v4, v6 := mustGenerate(t, n, c.res)
			for bin, cfg := range map[string]*Config{"bird": v4, "bird6": v6} {
				path := filepath.Join(dir, c.name+"-"+n.Name+"-"+bin+".cfg")
				if err := writePrivate(path, cfg.String()); err != nil {
					t.Fatal(err)
				}
				if out, err := exec.Command(bin, "-p", "-c", path).CombinedOutput(); err != nil {
					t.Errorf("%s -p rejects the configuration of %s node %s: %v: %s", bin, c.name, describe(n), err, out)
				}
			}
		}
	}
}

// TestBIRDRejectsBrokenConfig makes sure the check above can fail.
func TestBIRDRejectsBrokenConfig(t *testing.T) {
	if _, err := exec.LookPath("bird"); err != nil {
		t.Skipf("twin: needs bird (Debian package bird): %s", InstallHint)
	}
	c := goldenClusters(t)[0]
	v4, _ := mustGenerate(t, c.nodes[0], c.res)
	path := filepath.Join(t.TempDir(), "bird.cfg")
	if err := os.WriteFile(path, []byte(strings.Replace(v4.String(), "local as", "local ass", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("bird", "-p", "-c", path).Run(); err == nil {
		t.Fatal("bird -p accepted a broken configuration")
	}
}

// TestPasswordOnlyInPrivateFiles: a configuration with a password is written 0600 in a 0700
// directory, never leaks into Redacted, and the directory is gone after Stop.
func TestPasswordOnlyInPrivateFiles(t *testing.T) {
	c := fileCluster(t, "shared4")
	v4, v6 := mustGenerate(t, c.nodes[0], c.res)
	if !v4.HasPassword() || !strings.Contains(v4.String(), testPassword) {
		t.Fatalf("shared4's peers have a password secret, the configuration has none")
	}
	for _, cfg := range []*Config{v4, v6} {
		if strings.Contains(cfg.Redacted(), testPassword) {
			t.Errorf("Redacted() holds the password")
		}
		for _, p := range cfg.Peers() {
			if !p.Password {
				t.Errorf("peer %s: Password = false, want true", p.Name)
			}
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "bird.cfg")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Replacing a world-readable file must not keep its mode.
	if err := writePrivate(path, v4.String()); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("configuration written with mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("writePrivate left %d files, want 1 (no temporary files)", len(entries))
	}

	if Available() != nil {
		return // the daemon part needs root and bird
	}
	ns := testNetns(t, "pw")
	root := t.TempDir()
	d, err := Start(t.Context(), DaemonOptions{Netns: ns[0], Dir: root, Name: "pw"}, v4, v6)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop(t.Context()) })
	fi, err = os.Stat(d.Dir())
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("runtime directory %s: mode %v, %v; want 0700", d.Dir(), fi.Mode().Perm(), err)
	}
	holders := 0
	err = filepath.Walk(d.Dir(), func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), testPassword) {
			holders++
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s holds the password with mode %v, want 0600", p, fi.Mode().Perm())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if holders == 0 {
		t.Errorf("no file of the runtime directory holds the password")
	}
	if err := d.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.Dir()); !os.IsNotExist(err) {
		t.Errorf("runtime directory with the password left after Stop")
	}
}
