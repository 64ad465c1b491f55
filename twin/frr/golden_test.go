package frr

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/internal/golden"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// update rewrites the golden files: go test ./twin/frr/ -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// leafTree is one leaf's DME tree of a test design.
type leafTree struct {
	design, leaf string
	tree         *dme.Object
}

// renderedTrees derives and renders the case study with nxos.Render.
func renderedTrees(tb testing.TB, name string, d *design.Design) []leafTree {
	tb.Helper()
	in, err := design.Derive(d)
	if err != nil {
		tb.Fatalf("Derive: %v", err)
	}
	cs, err := nxos.Render(in, nxos.RenderOptions{})
	if err != nil {
		tb.Fatalf("Render: %v", err)
	}
	var out []leafTree
	for _, c := range cs {
		out = append(out, leafTree{name, c.Leaf, c.Config})
	}
	return out
}

// nxosTestdataTrees reads the DME bodies nxos's golden tests keep under
// nxos/testdata/render/<design>/<leaf>.json (the case study, four colored pairs sharing their
// loopbacks, and a single IPv4 leaf with a type-7 password).
func nxosTestdataTrees(tb testing.TB) []leafTree {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "nxos", "testdata", "render", "*", "*.json"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no nxos render testdata: %v", err)
	}
	var out []leafTree
	for _, f := range files {
		if strings.HasSuffix(f, ".features.json") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var o dme.Object
		if err := o.UnmarshalJSON(b); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		out = append(out, leafTree{"nxos-" + filepath.Base(filepath.Dir(f)), strings.TrimSuffix(filepath.Base(f), ".json"), &o})
	}
	return out
}

// allTrees groups the test trees by design, leaves sorted.
func allTrees(tb testing.TB) map[string][]leafTree {
	tb.Helper()
	m := map[string][]leafTree{}
	for _, lt := range append(renderedTrees(tb, "casestudy", design.CaseStudy()), nxosTestdataTrees(tb)...) {
		m[lt.design] = append(m[lt.design], lt)
	}
	for _, ls := range m {
		slices.SortFunc(ls, func(a, b leafTree) int { return strings.Compare(a.leaf, b.leaf) })
	}
	return m
}

// fabricOptions gives leaf i of n the fabric address 10.255.0.<i+1> and the others as peers.
func fabricOptions(i, n int) Options {
	o := Options{FabricLocal: netip.AddrFrom4([4]byte{10, 255, 0, byte(i + 1)})}
	for j := range n {
		if j != i {
			o.FabricPeers = append(o.FabricPeers, netip.AddrFrom4([4]byte{10, 255, 0, byte(j + 1)}))
		}
	}
	return o
}

// goldenFiles translates every leaf of a design into "<leaf>.conf" (redacted) and
// "<leaf>.unmapped".
func goldenFiles(t *testing.T, leaves []leafTree) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for i, lt := range leaves {
		opts := fabricOptions(i, len(leaves))
		opts.Hostname = lt.leaf
		c, err := Translate(lt.tree, opts)
		if err != nil {
			t.Fatalf("%s/%s: %v", lt.design, lt.leaf, err)
		}
		out[lt.leaf+".conf"] = []byte(c.Redacted())
		out[lt.leaf+".unmapped"] = []byte(strings.Join(c.Unmapped(), "\n") + "\n")
	}
	return out
}

// TestTranslateGolden compares the translation of every test design with
// testdata/golden/<design>/. Each design is translated three times (from fresh trees for the
// rendered ones), and the outputs must be identical.
func TestTranslateGolden(t *testing.T) {
	for name := range allTrees(t) {
		t.Run(name, func(t *testing.T) {
			files := golden.Stable(t, 3, func() map[string][]byte { return goldenFiles(t, allTrees(t)[name]) })
			golden.Dir(t, filepath.Join("testdata", "golden", name), files, *update, "go test ./twin/frr/ -run Golden -update")
		})
	}
}
