// Package golden compares what a test renders with the golden files under its testdata, and
// rewrites them on request (each test package's -update flag). The renderers' golden tests share
// it: rendering several times to catch map-order nondeterminism, comparing a directory of files
// exactly (no file missing, none left over), and pointing at the first differing line.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Stable calls render n times and fails the test unless every call gives byte-identical files;
// it returns the files of the first call.
func Stable(tb testing.TB, n int, render func() map[string][]byte) map[string][]byte {
	tb.Helper()
	first := render()
	for run := 2; run <= n; run++ {
		got := render()
		if len(got) != len(first) {
			tb.Fatalf("rendering %d gives %d files, rendering 1 gives %d: output is not deterministic", run, len(got), len(first))
		}
		for name, data := range got {
			if !bytes.Equal(first[name], data) {
				tb.Fatalf("%s differs between renderings %d and 1: output is not deterministic", name, run)
			}
		}
	}
	return first
}

// Dir compares files (by name relative to dir) with the files dir holds, which must be exactly
// those; with update it rewrites dir to hold them instead. hint is the command that rewrites it.
func Dir(tb testing.TB, dir string, files map[string][]byte, update bool, hint string) {
	tb.Helper()
	if update {
		if err := os.RemoveAll(dir); err != nil {
			tb.Fatal(err)
		}
		for name, data := range files {
			write(tb, filepath.Join(dir, name), data)
		}
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatalf("%v (run %s)", err, hint)
	}
	if len(entries) != len(files) {
		tb.Errorf("%s holds %d files, the test gives %d (run %s)", dir, len(entries), len(files), hint)
	}
	for name, data := range files {
		compare(tb, filepath.Join(dir, name), data, hint)
	}
}

// File compares got with the golden file at path, or rewrites it with update. hint is the
// command that rewrites it.
func File(tb testing.TB, path string, got []byte, update bool, hint string) {
	tb.Helper()
	if update {
		write(tb, path, got)
		return
	}
	compare(tb, path, got, hint)
}

func write(tb testing.TB, path string, data []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func compare(tb testing.TB, path string, got []byte, hint string) {
	tb.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Errorf("%v (run %s)", err, hint)
		return
	}
	if !bytes.Equal(want, got) {
		tb.Errorf("%s differs from what the test gives (run %s to accept):\n%s", path, hint, FirstDiff(want, got))
	}
}

// FirstDiff describes the first line where want and got differ.
func FirstDiff(want, got []byte) string {
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
			return "line " + strconv.Itoa(i+1) + ":\n  golden: " + string(w) + "\n  got:    " + string(g)
		}
	}
	return "(same lines)"
}
