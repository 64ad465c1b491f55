package dme

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// leadingLiteral returns the literal an rn format starts with, without a trailing "-".
func leadingLiteral(c *Class) string {
	if len(c.pat) == 0 || c.pat[0].attr >= 0 {
		return ""
	}
	return strings.TrimSuffix(c.pat[0].lit, "-")
}

// TestSchemaAgreesWithDeviceModel checks every class, property, enumeration value, integer
// range, default and parent/child pair of the schema table against the facts of Cisco's device
// model (DeviceModel): where they disagree, Check (and the simulator) would accept what a switch
// refuses or refuse what it accepts.
func TestSchemaAgreesWithDeviceModel(t *testing.T) {
	var classes, props, enums, ranges, pairs int
	for _, c := range Classes() {
		mc, ok := ModelLookup(c.Name)
		if !ok {
			t.Errorf("%s: not a class of the device model", c.Name)
			continue
		}
		classes++
		// Parents: exactly the model's parents that the table holds.
		var want []string
		for _, p := range mc.ParentClasses() {
			if _, ok := Lookup(p); ok {
				want = append(want, p)
			}
		}
		got := slices.Sorted(slices.Values(c.Parents))
		if c.Name != "topSystem" && !slices.Equal(got, want) {
			t.Errorf("%s: parents %v, device model %v", c.Name, got, want)
		}
		for _, parent := range c.Parents {
			p, ok := mc.Parent(parent)
			if !ok {
				continue
			}
			pairs++
			if lit := leadingLiteral(c); lit != p.Prefix {
				t.Errorf("%s under %s: rn %q, device model prefix %q", c.Name, parent, c.RN, p.Prefix)
			}
			if p.List == c.Single {
				t.Errorf("%s under %s: Single %v, device model list %v", c.Name, parent, c.Single, p.List)
			}
			if p.List && !slices.Equal(c.Naming, p.Keys) {
				t.Errorf("%s under %s: naming %v, device model keys %v", c.Name, parent, c.Naming, p.Keys)
			}
		}
		for name, a := range c.Attrs {
			ma, ok := mc.Attr(name)
			if !ok {
				t.Errorf("%s.%s: not a property in the device model", c.Name, name)
				continue
			}
			props++
			if ma.ReadOnly && !c.Operational {
				t.Errorf("%s.%s: read-only in the device model", c.Name, name)
			}
			if ma.Default != "" && a.Default != ma.Default {
				t.Errorf("%s.%s: default %q, device model %q", c.Name, name, a.Default, ma.Default)
			}
			switch {
			case ma.Kind == String:
				// The model types flag lists and some closed-looking sets as strings: the
				// table may list known values, but must not refuse others.
				if a.Kind == Enum && !a.Open {
					t.Errorf("%s.%s: closed enum, device model string %s", c.Name, name, ma.Type)
				}
				if a.Kind == Int || a.Kind == Bool {
					t.Errorf("%s.%s: %v, device model string", c.Name, name, a.Kind)
				}
			case a.Kind != ma.Kind:
				t.Errorf("%s.%s: kind %v, device model %v", c.Name, name, a.Kind, ma.Kind)
			case a.Kind == Enum:
				enums += len(ma.Enum)
				for _, v := range ma.Enum {
					if !slices.Contains(a.Enum, v) {
						t.Errorf("%s.%s: device model value %q missing", c.Name, name, v)
					}
				}
				for _, v := range a.Enum {
					if !a.Open && !slices.Contains(ma.Enum, v) {
						t.Errorf("%s.%s: value %q is not in the device model", c.Name, name, v)
					}
				}
			case a.Kind == Int:
				ranges++
				if len(ma.Ranges) != 1 || !a.HasRange || a.Min != ma.Ranges[0].Min || a.Max != ma.Ranges[0].Max {
					t.Errorf("%s.%s: range [%d..%d] (set %v), device model %s", c.Name, name, a.Min, a.Max, a.HasRange, ma.RangeString())
				}
			}
		}
	}
	t.Logf("%d classes, %d properties, %d enumeration values, %d integer ranges, %d parent/child pairs agree with %s", classes, props, enums, ranges, pairs, DeviceModel)
	if classes < 120 || props < 400 {
		t.Errorf("only %d classes and %d properties checked", classes, props)
	}
}

// TestDeviceModelFacts pins facts the renderer relies on, read from the generated table.
func TestDeviceModelFacts(t *testing.T) {
	af, ok := ModelLookup("bgpDomAf")
	if !ok {
		t.Fatal("bgpDomAf missing")
	}
	for _, name := range []string{"maxEcmp", "maxExtEcmp", "maxExtIntEcmp"} {
		a, ok := af.Attr(name)
		if !ok || a.Kind != Int || a.RangeString() != "[1..64]" || a.Default != "1" {
			t.Errorf("bgpDomAf.%s = %+v, want int [1..64] default 1", name, a)
		}
	}
	if p, ok := af.Parent("bgpDom"); !ok || p.Prefix != "af" || !p.List || !slices.Equal(p.Keys, []string{"type"}) {
		t.Errorf("bgpDomAf under bgpDom = %+v, %v", p, ok)
	}
	if a, _ := af.Attr("numPeers"); !a.ReadOnly {
		t.Error("bgpDomAf.numPeers should be read-only")
	}
	item, _ := ModelLookup("rtextcomItem")
	if p, ok := item.Parent("rtmapSetRttComm"); !ok || p.Prefix != "item" || !slices.Equal(p.Keys, []string{"scope", "community"}) {
		t.Errorf("rtextcomItem under rtmapSetRttComm = %+v, %v", p, ok)
	}
	vrf, _ := ModelLookup("nwRtVrfMbr")
	if vrf.Grouping != "l3_RtVrfMbr_target-group" || !slices.Contains(vrf.ParentClasses(), "sviIf") {
		t.Errorf("nwRtVrfMbr = %s under %v", vrf.Grouping, vrf.ParentClasses())
	}
	if _, ok := ModelLookup("topSystem"); !ok {
		t.Error("topSystem missing")
	}
	if !slices.IsSortedFunc(ModelClasses(), func(a, b ModelClass) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("ModelClasses not sorted")
	}
	for _, mc := range ModelClasses() {
		if !slices.IsSortedFunc(mc.Attrs, func(a, b ModelAttr) int { return strings.Compare(a.Name, b.Name) }) {
			t.Errorf("%s: attributes not sorted (Attr uses binary search)", mc.Name)
		}
	}
}

func TestCheckModel(t *testing.T) {
	tests := []struct {
		name   string
		parent string
		obj    *Object
		rule   Rule
		want   string
	}{
		{"unknown class", "bgpDom", New("bgpNeighbor", "addr", "1.1.1.1"), RuleUnknownClass, "bgpNeighbor#0: bgpNeighbor: not a class of the device model"},
		{"wrong parent", "bgpInst", New("bgpPeer", "addr", "1.1.1.1"), RuleWrongParent, "cannot be a child of bgpInst in the device model (parents: bgpDom)"},
		{"missing key", "rtmapSetRttComm", New("rtextcomItem", "community", "route-target:as2-nn2:1:2"), RuleNaming, `rtextcomItem.scope="": naming property (list key in the device model) is missing`},
		{"unknown property", "bgpDom", New("bgpPeer", "addr", "1.1.1.1", "colour", "red"), RuleUnknownProperty, `bgpPeer.colour="red": not a property`},
		{"read-only", "bgpDom", New("bgpDomAf", "type", "ipv4-ucast", "numPeers", "3"), RuleReadOnly, `bgpDomAf.numPeers="3": read-only in the device model`},
		{"enum", "bgpDom", New("bgpPeer", "addr", "1.1.1.1", "passwdType", "6"), RuleBadValue, `bgpPeer.passwdType="6": not one of 0, 3, 7, LINE`},
		{"range", "bgpDom", New("bgpDomAf", "type", "ipv4-ucast", "maxEcmp", "65"), RuleOutOfRange, `bgpDomAf.maxEcmp="65": out of range [1..64]`},
		{"state children", "bgpPeer", New("bgpPeerEntry", "addr", "1.1.1.1"), RuleReadOnly, "is state under bgpPeer"},
	}
	for _, tt := range tests {
		errs := CheckModel(tt.parent, tt.obj)
		if len(errs) != 1 {
			t.Errorf("%s: %d errors, want 1: %v", tt.name, len(errs), errs)
			continue
		}
		var se *SchemaError
		if !errors.As(errs[0], &se) || se.Rule != tt.rule || !strings.Contains(se.Error(), tt.want) {
			t.Errorf("%s: %v (rule %d), want rule %d and %q", tt.name, errs[0], se.Rule, tt.rule, tt.want)
		}
	}
	if errs := CheckModel("", leaf2101()); len(errs) != 0 {
		t.Errorf("reference leaf: %v", errors.Join(errs...))
	}
}

// TestCheckUsesDeviceModel: properties the schema table leaves out are judged by the device
// model — accepted when configurable and valid, refused when read-only or invalid.
func TestCheckUsesDeviceModel(t *testing.T) {
	if errs := Check("bgpDom", New("bgpPeer", "addr", "1.1.1.1", "dscp", "af11", "epe", "enabled")); len(errs) != 0 {
		t.Errorf("model-only properties refused: %v", errs)
	}
	for _, tt := range []struct {
		obj  *Object
		rule Rule
	}{
		{New("bgpPeer", "addr", "1.1.1.1", "dscp", "af99"), RuleBadValue},
		{New("bgpPeer", "addr", "1.1.1.1", "maxCurPeers", "1"), RuleReadOnly},
		{New("bgpPeer", "addr", "1.1.1.1", "ttl", "256"), RuleOutOfRange},
		{New("bgpPeer", "addr", "1.1.1.1", "colour", "red"), RuleUnknownProperty},
	} {
		errs := Check("bgpDom", tt.obj)
		var se *SchemaError
		if len(errs) != 1 || !errors.As(errs[0], &se) || se.Rule != tt.rule {
			t.Errorf("Check(%v) = %v, want one error of rule %d", tt.obj.Attrs, errs, tt.rule)
		}
	}
}

func TestDeviceError(t *testing.T) {
	dn := "sys/bgp/inst/dom-default/peer-[1.1.1.1]"
	tests := []struct {
		obj        *Object
		code, text string
	}{
		{New("bgpNeighbor", "addr", "1.1.1.1"), "17", "Unknown class bgpNeighbor"},
		{New("bgpPeer", "addr", "1.1.1.1", "colour", "red"), "400", "unknown attribute 'colour' in element 'bgpPeer'"},
		{New("bgpPeer", "addr", "1.1.1.1", "adminSt", "up"), "400", "unknown property value up, name adminSt, class bgpPeer [(Dn0)] Dn0=" + dn + ", "},
		{New("bgpPeer", "addr", "1.1.1.1", "ttl", "256"), "400", "property value 256 out of range [0..255], name ttl, class bgpPeer [(Dn0)] Dn0=" + dn + ", "},
		{New("bgpPeer", "addr", "1.1.1.1", "maxCurPeers", "1"), "400", "cannot set read-only property maxCurPeers, class bgpPeer [(Dn0)] Dn0=" + dn + ", "},
	}
	for _, tt := range tests {
		errs := Check("bgpDom", tt.obj)
		var se *SchemaError
		if len(errs) != 1 || !errors.As(errs[0], &se) {
			t.Fatalf("Check(%v) = %v", tt.obj, errs)
		}
		if e := se.DeviceError(dn); e.Code != tt.code || e.Text != tt.text {
			t.Errorf("DeviceError = %q %q, want %q %q", e.Code, e.Text, tt.code, tt.text)
		}
	}
	se := &SchemaError{Class: "bgpPeer", Rule: RuleWrongParent, Reason: "cannot be a child of bgpInst (allowed parents: bgpDom)"}
	if e := se.DeviceError("sys/bgp/inst/peer-[1.1.1.1]"); !strings.HasPrefix(e.Text, "class bgpPeer cannot be a child of bgpInst") || !strings.HasSuffix(e.Text, "Dn0=sys/bgp/inst/peer-[1.1.1.1], ") {
		t.Errorf("wrong parent: %q", e.Text)
	}
}
