package workspace

import (
	"bufio"
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestModules runs `go test ./...` in every module of the workspace other than the library. Its
// output is the modules' own; a failure names the module. The files of those modules are read
// (stat'ed) first, so that the go command's test cache reruns this test whenever one of them
// changes (or one of the library's: their tests use it).
func TestModules(t *testing.T) {
	work := goEnv(t, "GOWORK")
	if work == "" || work == "off" {
		t.Skip("not in the repository's workspace (GOWORK is off): the kit and examples modules are tested from their own directories")
	}
	root := filepath.Dir(work)
	mods := workspaceModules(t, work)
	// The other modules' tests depend on the library too: a change anywhere in the repository
	// must rerun them.
	touchTree(t, root)
	for _, dir := range mods {
		t.Run(dir, func(t *testing.T) {
			args := []string{"test"}
			if testing.Short() {
				args = append(args, "-short")
			}
			if testing.Verbose() {
				args = append(args, "-v")
			}
			if raceEnabled {
				args = append(args, "-race")
			}
			ctx := t.Context()
			if d, ok := t.Deadline(); ok {
				// Stop in time to say why, rather than be killed by this test's own deadline.
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, d.Add(-20*time.Second))
				defer cancel()
				args = append(args, "-timeout", time.Until(d).Round(time.Second).String())
			}
			args = append(args, "./...")
			cmd := exec.CommandContext(ctx, "go", args...)
			cmd.Dir = filepath.Join(root, dir)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			for line := range strings.Lines(out.String()) {
				t.Log(strings.TrimRight(line, "\n"))
			}
			if ctx.Err() != nil {
				t.Fatalf("go test ./... in module %s did not finish within this test's time limit; the first run on a machine compiles the Kubernetes libraries inside it: run `go test -timeout 30m ./...` once (or `go build ./kit/... ./examples/...` first)", dir)
			}
			if err != nil {
				t.Fatalf("go test ./... in module %s: %v", dir, err)
			}
		})
	}
}

// goEnv returns the value of one go env variable.
func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// workspaceModules lists the module directories of go.work's use directives other than ".".
func workspaceModules(t *testing.T, work string) []string {
	t.Helper()
	b, err := os.ReadFile(work)
	if err != nil {
		t.Fatal(err)
	}
	var mods []string
	inUse := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 0:
		case f[0] == "use" && len(f) == 2 && f[1] == "(":
			inUse = true
		case f[0] == "use" && len(f) == 2:
			mods = append(mods, f[1])
		case inUse && f[0] == ")":
			inUse = false
		case inUse:
			mods = append(mods, f[0])
		}
	}
	var out []string
	for _, m := range mods {
		if m = filepath.Clean(m); m != "." {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s names no module besides the library", work)
	}
	return out
}

// touchTree stats every file below dir (outside .git), so that the test cache depends on them.
func touchTree(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			if _, err := os.ReadDir(path); err != nil {
				return err
			}
			return nil
		}
		_, err = os.Stat(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
