package frr

import (
	"slices"
	"testing"

	"github.com/nxcalico/nxcalico/internal/golden"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// TestDumpedTreeTranslatesLikeRendered loads every rendered case-study leaf into the NX-API
// simulator and translates the tree it dumps — the tree the twin reads after each POST, with the
// simulator's boot containers, filled-in defaults and operational peer state — and compares with
// the translation of the rendered tree: the configuration is the same.
func TestDumpedTreeTranslatesLikeRendered(t *testing.T) {
	for i, lt := range renderedTrees(t, "casestudy", design.CaseStudy()) {
		s := nxostest.NewServer()
		t.Cleanup(s.Close)
		if err := s.Load(lt.tree.Clone()); err != nil {
			t.Fatalf("%s: Load: %v", lt.leaf, err)
		}
		opts := fabricOptions(i, 2)
		opts.Hostname = lt.leaf
		want := translateOK(t, lt.tree, opts)
		got := translateOK(t, s.Dump(), opts)
		if got.String() != want.String() {
			t.Errorf("%s: the dumped tree translates differently:\n%s", lt.leaf, golden.FirstDiff([]byte(want.String()), []byte(got.String())))
		}
		if !slices.Equal(got.Unmapped(), want.Unmapped()) {
			t.Errorf("%s: Unmapped of the dumped tree:\n%q\nof the rendered tree:\n%q", lt.leaf, got.Unmapped(), want.Unmapped())
		}
	}
}
