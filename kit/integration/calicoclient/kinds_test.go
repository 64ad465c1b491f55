package calicoclient_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
)

// kind is what the tests need to know of a Calico object's type: its kind and its resource name.
type kind struct{ name, resource string }

// kindOf returns the kind of one of the objects calico.Render produces.
func kindOf(tb testing.TB, obj calico.Object) kind {
	tb.Helper()
	switch obj.(type) {
	case *v3.BGPConfiguration:
		return kind{"BGPConfiguration", "bgpconfigurations"}
	case *v3.BGPPeer:
		return kind{"BGPPeer", "bgppeers"}
	case *v3.BGPFilter:
		return kind{"BGPFilter", "bgpfilters"}
	case *v3.IPPool:
		return kind{"IPPool", "ippools"}
	}
	tb.Fatalf("unexpected object type %T", obj)
	return kind{}
}

// jsonMap is obj as the JSON object a client sends.
func jsonMap(tb testing.TB, obj any) map[string]any {
	tb.Helper()
	b, err := json.Marshal(obj)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// normalize makes values from different sources comparable by passing them through JSON: every
// number becomes a float64.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

// renderIntent derives the intent of a design or fails the test.
func renderIntent(tb testing.TB, d *design.Design) *design.Intent {
	tb.Helper()
	in, err := design.Derive(d)
	if err != nil {
		tb.Fatalf("derive: %v", err)
	}
	return in
}

// goldenDesigns name the golden directories of package calico whose calico.yaml the tests apply.
var goldenDesigns = []string{"casestudy", "shared4", "unique3"}

// goldenPath is the golden calico.yaml of a design, which package calico's tests keep current.
func goldenPath(name string) string {
	return filepath.Join("..", "..", "..", "calico", "testdata", "render", name, "calico.yaml")
}

// goldenYAML reads a design's golden calico.yaml.
func goldenYAML(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(goldenPath(name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// splitYAML splits a multi-document stream at its "---" separator lines.
func splitYAML(b []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(b, []byte("\n---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, append(d, '\n'))
		}
	}
	return docs
}
