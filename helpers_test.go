package nxcalico_test

import (
	"testing"

	"github.com/nxcalico/nxcalico/design"
)

// derive validates and derives d, failing the test when it is not valid.
func derive(t *testing.T, d *design.Design) *design.Intent {
	t.Helper()
	in, err := design.Derive(d)
	if err != nil {
		t.Fatalf("Derive: %v", err)
	}
	return in
}
