package nxos

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// modelTally counts what a device-model check saw.
type modelTally struct {
	classes map[string]bool
	props   map[string]bool // class.property
	values  map[string]bool // class.property=value of enumerations and integers
	pairs   map[string]bool // parent>child
}

func newModelTally() *modelTally {
	return &modelTally{classes: map[string]bool{}, props: map[string]bool{}, values: map[string]bool{}, pairs: map[string]bool{}}
}

// check checks tree against the device model alone and records what it holds.
func (m *modelTally) check(t *testing.T, where string, tree *dme.Object) {
	t.Helper()
	for _, err := range dme.CheckModel("", tree) {
		t.Errorf("%s: %v", where, err)
	}
	walk(tree, "", func(o *dme.Object, parent string) {
		m.classes[o.Class] = true
		if parent != "" {
			m.pairs[parent+">"+o.Class] = true
		}
		mc, _ := dme.ModelLookup(o.Class)
		for k, v := range o.Attrs {
			if k == "dn" || k == "rn" || k == "status" {
				continue
			}
			m.props[o.Class+"."+k] = true
			if mc == nil {
				continue
			}
			if a, ok := mc.Attr(k); ok && (a.Kind == dme.Enum || a.Kind == dme.Int) {
				m.values[o.Class+"."+k+"="+v] = true
			}
		}
	})
}

// TestRenderDeviceModelConformance checks every object nxcalico renders — the features and
// configuration trees of every test design, of a generated 500-pair / 20,000-node design, and
// of retiring each leaf, plus the golden JSON bodies under testdata/render — against the facts
// of Cisco's NX-OS device model (dme.DeviceModel), independently of the schema table: each
// class must be a class of the model, each child must sit under a parent the model lets contain
// it with the model's naming properties given, each property must be a configurable property
// of the model, and each enumeration value and integer must be one the model allows.
func TestRenderDeviceModelConformance(t *testing.T) {
	m := newModelTally()
	designs := testDesigns()
	if !testing.Short() {
		designs = append(designs, testDesign{name: "large-500x40", d: sharedLoopbackDesign(500, 40)})
	}
	for _, td := range designs {
		in := mustIntent(t, td.d)
		for _, c := range mustRender(t, td.d, td.opts) {
			m.check(t, td.name+"/"+c.Leaf+" features", c.Features)
			m.check(t, td.name+"/"+c.Leaf+" config", c.Config)
			r, err := RetireConfig(c.Leaf, in.Fabric)
			if err != nil {
				t.Fatalf("%s/%s: RetireConfig: %v", td.name, c.Leaf, err)
			}
			m.check(t, td.name+"/"+c.Leaf+" retire", r.Config)
		}
	}
	golden, err := filepath.Glob(filepath.Join("testdata", "render", "*", "*.json"))
	if err != nil || len(golden) == 0 {
		t.Fatalf("no golden JSON bodies: %v", err)
	}
	for _, f := range golden {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var o dme.Object
		if err := o.UnmarshalJSON(b); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		m.check(t, f, &o)
	}
	for _, class := range safetyClasses {
		if !m.classes[class] {
			t.Errorf("no design renders %s", class)
		}
	}
	t.Logf("checked against %s: %d classes, %d properties, %d distinct enumeration/integer values, %d parent/child pairs",
		dme.DeviceModel, len(m.classes), len(m.props), len(m.values), len(m.pairs))
	if testing.Verbose() {
		t.Logf("classes: %s", strings.Join(slices.Sorted(maps.Keys(m.classes)), " "))
	}
}
