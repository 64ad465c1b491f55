package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/twin"
)

// TestRunPassesEveryCheck runs the command on the case study: every check passes and the report
// shows the checks with their times.
func TestRunPassesEveryCheck(t *testing.T) {
	if err := twin.Preflight(); err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	var out, errs bytes.Buffer
	if code := run(ctx, nil, &out, &errs); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errs.String())
	}
	for _, want := range []string{"12/12 sessions Established on both ends", "failover        PASS", "maximum-prefix  PASS", "resident memory of the daemons"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "FAIL") {
		t.Errorf("a check failed:\n%s", out.String())
	}
}

// TestRunUsage checks the exit status of wrong usage and of a design file that does not load.
func TestRunUsage(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run(t.Context(), []string{"extra"}, &out, &errs); code != 2 {
		t.Errorf("an extra argument: exit %d, want 2", code)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("fabric: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	errs.Reset()
	if code := run(t.Context(), []string{"-design", bad}, &out, &errs); code != 1 || !strings.Contains(errs.String(), "FAILED") {
		t.Errorf("a design that does not load: exit %d, stderr %q", code, errs.String())
	}
}
