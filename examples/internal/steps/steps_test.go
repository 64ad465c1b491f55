package steps

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico"
)

func TestPrinter(t *testing.T) {
	var b bytes.Buffer
	p := New(&b)
	p.Step("Plan %s", "now")
	p.Progress(nxcalico.Step{Side: "leaf", Name: "Leaf2101", What: "applied", Detail: "3 to create"})
	p.Progress(nxcalico.Step{Side: "calico", What: "failed", Err: errors.New("refused")})
	p.Lines("a\nb\n")
	got := b.String()
	for _, want := range []string{
		"\n[1] Plan now  (",
		"    leaf Leaf2101    applied   3 to create\n",
		"    calico           failed      error: refused\n",
		"    a\n    b\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	p.Step("Next")
	if !strings.Contains(b.String(), "\n[2] Next  (") {
		t.Errorf("steps are not numbered:\n%s", b.String())
	}
}
