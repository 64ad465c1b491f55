package design

import "testing"

func TestProblemsHasAt(t *testing.T) {
	ps := Problems{{Path: "fabric.vrf", Code: CodeRequired}, {Path: "leaves[L1].routerID", Code: CodeInvalidValue}}
	for _, tc := range []struct {
		path string
		code Code
		want bool
	}{
		{"fabric.vrf", CodeRequired, true},
		{"leaves[L1].routerID", CodeInvalidValue, true},
		{"fabric.vrf", CodeInvalidValue, false},
		{"fabric", CodeRequired, false},
	} {
		if got := ps.HasAt(tc.path, tc.code); got != tc.want {
			t.Errorf("HasAt(%s, %s) = %v, want %v", tc.path, tc.code, got, tc.want)
		}
	}
}
