package nxos

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// safetyClasses are the classes of the route filters, prefix limits and graceful restart, and of
// the IPv6 route-map match: the conformance test must see each of them emitted.
var safetyClasses = []string{
	"rtpfxRuleV4", "rtpfxRuleV6", "rtpfxEntry", "rtmapRule", "rtmapEntry",
	"rtmapMatchRtDst", "rtmapRsRtDstAtt", "rtmapMatchRtDstV6", "rtmapRsRtDstV6Att",
	"bgpRtCtrlP", "bgpMaxPfxP", "bgpGr",
}

// walk calls fn for o and every descendant with its parent's class ("" for the root).
func walk(o *dme.Object, parent string, fn func(o *dme.Object, parent string)) {
	fn(o, parent)
	for _, ch := range o.Children {
		walk(ch, o.Class, fn)
	}
}

// TestRenderSchemaConformance checks every rendered tree of every test design against the schema
// table: classes, properties, enum values, ranges, parent/child pairs, naming (dme.Check), that the
// root is topSystem, and that no two siblings share an RN (they would be one object on the switch).
func TestRenderSchemaConformance(t *testing.T) {
	emitted := map[string]bool{}
	for _, td := range testDesigns() {
		for _, c := range mustRender(t, td.d, td.opts) {
			for _, tree := range []*dme.Object{c.Features, c.Config} {
				if tree.Class != "topSystem" {
					t.Errorf("%s/%s: root class %q, want topSystem", td.name, c.Leaf, tree.Class)
				}
				for _, err := range dme.Check("", tree) {
					t.Errorf("%s/%s: %v", td.name, c.Leaf, err)
				}
				walk(tree, "", func(o *dme.Object, _ string) {
					emitted[o.Class] = true
					seen := map[string]bool{}
					for _, ch := range o.Children {
						rn, err := ch.RN()
						if err != nil {
							t.Errorf("%s/%s: %s child %s: %v", td.name, c.Leaf, o.Class, ch.Class, err)
							continue
						}
						key, err := dme.RNKey(rn)
						if err != nil {
							t.Errorf("%s/%s: RN %q: %v", td.name, c.Leaf, rn, err)
						}
						if seen[key] {
							t.Errorf("%s/%s: %s has two children with RN %q", td.name, c.Leaf, o.Class, rn)
						}
						seen[key] = true
					}
				})
			}
		}
	}
	for _, class := range safetyClasses {
		if !emitted[class] {
			t.Errorf("no test design emits %s", class)
		}
	}
}

// TestUnverifiedClassesDocumented checks that package doc lists, under "not yet verified on
// hardware", every emitted class that the schema marks Unverified or does not hold yet.
func TestUnverifiedClassesDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "not yet verified on hardware")
	if !ok {
		t.Fatal(`doc.go has no "not yet verified on hardware" section`)
	}
	section, _, _ = strings.Cut(section, "\n//\n// #")
	var unverified []string
	for _, td := range testDesigns() {
		for _, c := range mustRender(t, td.d, td.opts) {
			walk(c.Config, "", func(o *dme.Object, _ string) {
				cl, ok := dme.Lookup(o.Class)
				if (!ok || cl.Confidence == dme.Unverified) && !slices.Contains(unverified, o.Class) {
					unverified = append(unverified, o.Class)
				}
			})
		}
	}
	if len(unverified) == 0 {
		t.Fatal("no unverified class emitted; the set-extcommunity classes at least should be")
	}
	for _, class := range unverified {
		if !strings.Contains(section, class) {
			t.Errorf("doc.go does not list %s under \"not yet verified on hardware\"", class)
		}
	}
}
