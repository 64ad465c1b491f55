package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(f string, a ...any) { r.errors = append(r.errors, f) }
func (r *recorder) Fatalf(f string, a ...any) { r.errors = append(r.errors, f); r.fatal = true }
func (r *recorder) Fatal(a ...any)            { r.errors = append(r.errors, "fatal"); r.fatal = true }

func TestDirRoundTripAndDifferences(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "golden")
	files := map[string][]byte{"a.txt": []byte("one\ntwo\n"), "sub/b.txt": []byte("x\n")}
	Dir(t, dir, files, true, "-update")
	Dir(t, dir, files, false, "-update") // the files just written match

	r := &recorder{TB: t}
	Dir(r, dir, map[string][]byte{"a.txt": []byte("one\nTWO\n"), "sub/b.txt": []byte("x\n")}, false, "-update")
	if len(r.errors) != 1 {
		t.Errorf("a changed file: %d failures, want 1", len(r.errors))
	}
	r = &recorder{TB: t}
	Dir(r, dir, map[string][]byte{"a.txt": []byte("one\ntwo\n")}, false, "-update")
	if len(r.errors) != 1 {
		t.Errorf("a file left over: %d failures, want 1", len(r.errors))
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	r = &recorder{TB: t}
	Dir(r, dir, files, false, "-update")
	if !r.fatal {
		t.Error("a missing directory does not fail")
	}
}

func TestStableCatchesNondeterminism(t *testing.T) {
	n := 0
	r := &recorder{TB: t}
	Stable(r, 3, func() map[string][]byte {
		n++
		return map[string][]byte{"f": []byte(strings.Repeat("x", n))}
	})
	if !r.fatal {
		t.Error("renderings that differ pass")
	}
	got := Stable(t, 3, func() map[string][]byte { return map[string][]byte{"f": []byte("same")} })
	if string(got["f"]) != "same" {
		t.Errorf("Stable returned %q", got["f"])
	}
}

func TestFirstDiff(t *testing.T) {
	if d := FirstDiff([]byte("a\nb\nc"), []byte("a\nB\nc")); !strings.Contains(d, "line 2") {
		t.Errorf("FirstDiff = %q", d)
	}
	if d := FirstDiff([]byte("a\n"), []byte("a\nb\n")); !strings.Contains(d, "line 2") {
		t.Errorf("FirstDiff of an added line = %q", d)
	}
}
