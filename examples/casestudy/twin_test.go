package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/twin"
)

// TestRunOnTheTwin runs the case study with -twin: the same plan, apply, verification and empty
// second plan, on FRR leaves and BIRD nodes.
func TestRunOnTheTwin(t *testing.T) {
	if err := twin.Preflight(); err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	var out, errs bytes.Buffer
	if code := run(ctx, []string{"-twin"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errs.String())
	}
	for _, want := range []string{"FRR on every leaf, BIRD 1.6 on every node", "12/12 sessions established; second plan empty."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
