package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// listFiles returns the files under dir, relative and sorted.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestRunCaseStudy renders the default design and checks the files against the nxos package's
// golden files for the case study.
func TestRunCaseStudy(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	want := []string{
		"calico/calico.yaml",
		"nodes/master.sh", "nodes/node01.sh", "nodes/node02.sh",
		"nxos/Leaf2101.cli", "nxos/Leaf2101.features.json", "nxos/Leaf2101.json",
		"nxos/Leaf2102.cli", "nxos/Leaf2102.features.json", "nxos/Leaf2102.json",
		"topology.mmd",
	}
	if got := listFiles(t, out); !slices.Equal(got, want) {
		t.Fatalf("files %q, want %q", got, want)
	}
	// Each file is byte for byte the golden file of the package that renders it.
	golden := func(f string) string {
		switch {
		case strings.HasPrefix(f, "nxos/"):
			return filepath.Join("..", "..", "nxos", "testdata", "render", "casestudy", filepath.Base(f))
		case strings.HasPrefix(f, "topology"):
			return filepath.Join("..", "..", "design", "testdata", "topology-casestudy.mmd")
		default:
			return filepath.Join("..", "..", "calico", "testdata", "render", "casestudy", f[strings.Index(f, "/")+1:])
		}
	}
	for _, f := range want {
		got, _ := os.ReadFile(filepath.Join(out, f))
		g := golden(f)
		if strings.HasPrefix(f, "nodes/") {
			g = filepath.Join("..", "..", "node", "testdata", "casestudy", filepath.Base(f))
		}
		wantData, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wantData) {
			t.Errorf("%s differs from %s", f, g)
		}
		if !strings.Contains(stdout.String(), filepath.Join(out, f)+"\n") {
			t.Errorf("stdout does not list %s:\n%s", f, stdout.String())
		}
	}
	if info, err := os.Stat(filepath.Join(out, "nodes", "master.sh")); err != nil || info.Mode().Perm()&0o100 == 0 {
		t.Errorf("node script is not executable: %v %v", info, err)
	}
}

// TestRunDesignFile renders a design file into a folder that does not exist yet.
func TestRunDesignFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a", "b")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-design", "testdata/single-leaf.yaml", "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	want := []string{"calico/calico.yaml", "nodes/edge-a.sh", "nodes/edge-b.sh", "nxos/leaf-edge-1.cli", "nxos/leaf-edge-1.features.json", "nxos/leaf-edge-1.json", "topology.mmd"}
	if got := listFiles(t, out); !slices.Equal(got, want) {
		t.Fatalf("files %q, want %q", got, want)
	}
	cli, _ := os.ReadFile(filepath.Join(out, "nxos", "leaf-edge-1.cli"))
	for _, line := range []string{"interface loopback7\n", "  template peer EDGE-V4\n", "    neighbor 172.20.0.12\n"} {
		if !bytes.Contains(cli, []byte(line)) {
			t.Errorf("CLI lacks %q", line)
		}
	}
	if bytes.Contains(cli, []byte("ipv6")) || bytes.Contains(cli, []byte("0.0.0.0/0")) {
		t.Errorf("IPv4-only design without default route renders IPv6 or a default route:\n%s", cli)
	}
}

// TestRunPasswordSecret checks that a design naming a password secret renders without any
// password and says so on stderr.
func TestRunPasswordSecret(t *testing.T) {
	base, err := os.ReadFile("testdata/single-leaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "design.yaml")
	withSecret := string(base) + "  passwordSecret: {namespace: calico-system, name: bgp-auth, key: password}\n"
	if err := os.WriteFile(file, []byte(withSecret), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-design", file, "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "calico-system/bgp-auth#password") {
		t.Errorf("stderr does not name the secret: %q", stderr.String())
	}
	for _, f := range listFiles(t, out) {
		data, _ := os.ReadFile(filepath.Join(out, f))
		if f == "calico/calico.yaml" {
			// Calico reads the password from the Secret itself: the peers name it, nothing more.
			if !bytes.Contains(data, []byte("secretKeyRef:")) || !bytes.Contains(data, []byte("name: bgp-auth")) {
				t.Errorf("calico.yaml does not refer to the secret:\n%s", data)
			}
			continue
		}
		if bytes.Contains(data, []byte("password")) || bytes.Contains(data, []byte("passwdType")) {
			t.Errorf("%s carries a password", f)
		}
	}
}

// TestRunInvalidDesign checks that an invalid design prints every problem as path: code: message,
// exits 1 and writes nothing.
func TestRunInvalidDesign(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	code := run([]string{"-design", "testdata/paper-mistakes.yaml", "-out", out}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output folder exists after an invalid design (%v): %q", err, listFiles(t, out))
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	form := regexp.MustCompile(`^[a-zA-Z0-9_.\[\]]+: [a-z-]+: .+`)
	for _, l := range lines {
		if !form.MatchString(l) {
			t.Errorf("stderr line %q is not path: code: message", l)
		}
	}
	for _, want := range []string{"cluster.nodes[0].ipv6: not-in-subnet: ", "peering.nodeRoutes[1]: unreachable-peer: "} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestRunUsage checks the exit codes of wrong usage and of an unreadable design file.
func TestRunUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "usage: render"},
		{[]string{"-out"}, 2, "flag needs an argument"},
		{[]string{"-bogus", "-out", "x"}, 2, "not defined"},
		{[]string{"-out", "x", "extra"}, 2, "usage: render"},
		{[]string{"-design", "testdata/does-not-exist.yaml", "-out", "x"}, 1, "does-not-exist.yaml"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(tt.args, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.msg) {
			t.Errorf("run(%q) = %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.msg)
		}
	}
	if _, err := os.Stat("x"); !os.IsNotExist(err) {
		t.Error("a failed run created the output folder x")
	}
}
