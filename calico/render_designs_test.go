package calico

import (
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
)

// renderDesigns are the designs the golden files cover, by golden directory name.
var renderDesigns = []struct {
	name   string
	design func() *design.Design
}{
	{"casestudy", design.CaseStudy},
	{"shared4", designtest.SharedLoopbacks},
	{"unique3", designtest.UniqueLoopbacks},
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

// groups are both API groups, for tests that run against each.
var groups = []Group{GroupV3, GroupV1}

// testPeer is a small valid BGPPeer for tests.
func testPeer(name, ip string) *v3.BGPPeer {
	p := v3.NewBGPPeer()
	p.Name = name
	p.Spec.PeerIP = ip
	p.Spec.ASNumber = 65000
	return p
}
