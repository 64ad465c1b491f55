package node

import (
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
)

// testDesigns are the designs whose nodes the tests render, by name.
func testDesigns() map[string]*design.Design {
	return map[string]*design.Design{
		"casestudy": design.CaseStudy(),
		"shared4":   designtest.SharedLoopbacks(),
		"unique3":   designtest.UniqueLoopbacks(),
	}
}

// derive derives the intent of a design or fails the test.
func derive(tb testing.TB, d *design.Design) *design.Intent {
	tb.Helper()
	in, err := design.Derive(d)
	if err != nil {
		tb.Fatalf("derive: %v", err)
	}
	return in
}
