package change

import "testing"

func TestActionNamesAndSymbols(t *testing.T) {
	for _, tc := range []struct {
		a            Action
		name, symbol string
	}{
		{Create, "create", "+"},
		{Update, "update", "~"},
		{Delete, "delete", "-"},
		{0, "Action(0)", "?"},
		{9, "Action(9)", "?"},
	} {
		if got := tc.a.String(); got != tc.name {
			t.Errorf("Action(%d).String() = %q, want %q", uint8(tc.a), got, tc.name)
		}
		if got := tc.a.Symbol(); got != tc.symbol {
			t.Errorf("Action(%d).Symbol() = %q, want %q", uint8(tc.a), got, tc.symbol)
		}
	}
}

func TestCount(t *testing.T) {
	acts := []Action{Create, Delete, Update, Create, 0, Create, Delete}
	c, u, d := Count(acts, func(a Action) Action { return a })
	if c != 3 || u != 1 || d != 2 {
		t.Errorf("Count = %d, %d, %d; want 3, 1, 2", c, u, d)
	}
	if c, u, d := Count[Action](nil, nil); c+u+d != 0 {
		t.Errorf("Count(nil) = %d, %d, %d", c, u, d)
	}
}
