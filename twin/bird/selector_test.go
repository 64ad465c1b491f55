package bird

import (
	"fmt"
	"strings"
	"testing"
)

func TestMatchSelector(t *testing.T) {
	labels := map[string]string{"nxcalico.io/leaf-pair": "rack1", "zone": "a", "role": "worker"}
	cases := []struct {
		sel  string
		want bool
	}{
		{"all()", true},
		{"", true},
		{"  ", true},
		{"has(zone)", true},
		{"has(missing)", false},
		{"!has(missing)", true},
		{"!has(zone)", false},
		{"nxcalico.io/leaf-pair == 'rack1'", true},
		{`nxcalico.io/leaf-pair == "rack1"`, true},
		{"nxcalico.io/leaf-pair == 'rack2'", false},
		{"nxcalico.io/leaf-pair != 'rack2'", true},
		{"missing != 'x'", true},
		{"missing == 'x'", false},
		{"zone in {'a', 'b'}", true},
		{"zone in {'b','c'}", false},
		{"zone in {}", false},
		{"zone not in {'b'}", true},
		{"zone not in {'a'}", false},
		{"missing not in {'a'}", true},
		{"missing in {'a'}", false},
		{"zone == 'a' && role == 'worker'", true},
		{"zone == 'a' && role == 'master'", false},
		{"zone == 'b' || role == 'worker'", true},
		{"zone == 'b' || role == 'master'", false},
		{"!(zone == 'b' || role == 'master')", true},
		{"zone == 'b' || zone == 'a' && role == 'master'", false}, // && binds tighter
		{"(zone == 'b' || zone == 'a') && role == 'worker'", true},
		{"!!has(zone)", true},
		{"all() && !has(missing)", true},
	}
	for _, c := range cases {
		got, err := MatchSelector(c.sel, labels)
		if err != nil {
			t.Errorf("MatchSelector(%q): %v", c.sel, err)
			continue
		}
		if got != c.want {
			t.Errorf("MatchSelector(%q) = %v, want %v", c.sel, got, c.want)
		}
	}
}

func TestMatchSelectorErrors(t *testing.T) {
	for _, c := range []struct{ sel, want string }{
		{"zone = 'a'", "expected ==, !=, in or not in"},
		{"zone == a", "expected a quoted value"},
		{"zone == 'a", "expected a quoted value"},
		{"has(zone", "expected ')'"},
		{"all(x)", "all() takes no argument"},
		{"zone in 'a'", "expected '{'"},
		{"zone in {'a' 'b'}", "expected ',' or '}'"},
		{"zone not {'a'}", "expected 'in'"},
		{"zone contains 'a'", "unsupported operator"},
		{"zone == 'a' &&", "expected a label key"},
		{"(zone == 'a'", "expected ')'"},
		{"zone == 'a')", "unexpected"},
		{"zone", "expected ==, !=, in or not in"},
		{"@", "expected a label key"},
		{strings.Repeat("(", 200) + "all()" + strings.Repeat(")", 200), "nested more than"},
	} {
		_, err := MatchSelector(c.sel, nil)
		if err == nil {
			t.Errorf("MatchSelector(%q) accepted a bad selector", c.sel)
			continue
		}
		quoted := strings.Contains(err.Error(), "selector \""+c.sel) || strings.Contains(err.Error(), "selector "+fmt.Sprintf("%q", c.sel))
		if !strings.Contains(err.Error(), c.want) || !quoted {
			t.Errorf("MatchSelector(%q) error %q: want it to quote the selector and say %q", c.sel, err, c.want)
		}
	}
}

func FuzzMatchSelector(f *testing.F) {
	for _, s := range []string{"all()", "has(a)", "!has(a)", "a == 'x'", "a != \"y\"", "a in {'x','y'}",
		"a not in {'x'}", "(a == 'x' || b == 'y') && !has(c)", "((", "a in {", "'", "!!!!"} {
		f.Add(s)
	}
	labels := map[string]string{"a": "x", "b": "y"}
	f.Fuzz(func(t *testing.T, sel string) {
		s, err := ParseSelector(sel)
		if err != nil {
			if !strings.Contains(err.Error(), "selector ") {
				t.Errorf("error %q does not name the selector", err)
			}
			return
		}
		// A selector that parses matches deterministically, and its negation matches the opposite.
		got := s.Match(labels)
		if strings.TrimSpace(sel) == "" {
			if !got {
				t.Errorf("blank selector %q does not match", sel)
			}
			return
		}
		neg, err := ParseSelector("!(" + sel + ")")
		if err != nil {
			if strings.Count(sel, "(") < maxSelectorDepth-1 {
				t.Fatalf("!(%s) does not parse although %q does: %v", sel, sel, err)
			}
			return
		}
		if neg.Match(labels) == got {
			t.Errorf("%q and its negation both match %v", sel, got)
		}
	})
}
