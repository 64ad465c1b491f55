package dme

import (
	"fmt"
	"sort"
	"strings"
)

// Confidence says how well a class's use is established. Every class of the table agrees
// with the device model (DeviceModel) whatever its Confidence.
type Confidence uint8

const (
	// Verified classes are stated, with their rn format, by a provider definition, Cisco
	// documentation, Cisco's device model or device output.
	Verified Confidence = iota + 1
	// Inferred classes exist, but their use for a design line is deduced.
	Inferred
	// Unverified classes are in the device model, but something the renderer relies on (such as
	// the rn format) is a best guess that must be checked on a device.
	Unverified
)

// String returns "verified", "inferred" or "unverified".
func (c Confidence) String() string {
	switch c {
	case Verified:
		return "verified"
	case Inferred:
		return "inferred"
	case Unverified:
		return "unverified"
	}
	return fmt.Sprintf("Confidence(%d)", uint8(c))
}

// Kind is the value type of a property.
type Kind uint8

const (
	// String is free text.
	String Kind = iota
	// Int is a decimal integer, range-checked when Attr.HasRange.
	Int
	// Bool is "true"/"false" (devices may answer "yes"/"no", which are accepted too).
	Bool
	// Flags is a comma-separated list of values from Attr.Enum ("" = none), e.g. bgpPeerAf.ctrl.
	Flags
	// Enum is one value from Attr.Enum.
	Enum
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case String:
		return "string"
	case Int:
		return "int"
	case Bool:
		return "bool"
	case Flags:
		return "flags"
	case Enum:
		return "enum"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// UnsetMarker is the property value that resets a property to its default on a device.
const UnsetMarker = "DME_UNSET_PROPERTY_MARKER"

// Attr describes one property of a class.
type Attr struct {
	Name      string
	Kind      Kind
	Enum      []string // allowed values for Enum and Flags
	Min, Max  int64    // valid when HasRange
	HasRange  bool
	Open      bool   // values outside Enum are accepted too (provider allow_non_enum_values)
	Default   string // device default, "" if unknown
	WriteOnly bool   // stored by the device but read back as "" (password)
}

// Class describes one DME class: how its RN is built, where it may live and its properties.
type Class struct {
	Name        string
	RN          string   // rn format, e.g. "peer-[%s]", "dom-%s", "rtvrfMbr", "interleak-%s-interleak-%s"
	Naming      []string // naming properties in rn order
	Parents     []string // allowed parent classes
	Single      bool     // at most one per parent, fixed RN
	Operational bool     // read-only state; may never be posted
	Confidence  Confidence
	Attrs       map[string]Attr

	pat []rnPart // compiled RN
}

// rnPart is a literal piece of an rn format or (attr >= 0) a naming value.
type rnPart struct {
	lit     string
	attr    int
	bracket bool
}

// Attr returns the property named name.
func (c *Class) Attr(name string) (Attr, bool) {
	a, ok := c.Attrs[name]
	return a, ok
}

// IsNaming reports whether name is one of c's naming properties.
func (c *Class) IsNaming(name string) bool { return contains(c.Naming, name) }

// HasParent reports whether c may be a child of class parent.
func (c *Class) HasParent(parent string) bool { return contains(c.Parents, parent) }

// FormatRN builds the RN from the naming properties in attrs. A value that
// contains "/" or brackets is bracketed even where the format has none.
func (c *Class) FormatRN(attrs map[string]string) (string, error) {
	if len(c.Naming) == 0 {
		return c.RN, nil
	}
	var b strings.Builder
	for _, p := range c.pat {
		if p.attr < 0 {
			b.WriteString(p.lit)
			continue
		}
		name := c.Naming[p.attr]
		v := attrs[name]
		if v == "" {
			return "", fmt.Errorf("dme: class %s: naming property %q is missing", c.Name, name)
		}
		if p.bracket || strings.ContainsAny(v, "/[]") {
			b.WriteByte('[')
			b.WriteString(v)
			b.WriteByte(']')
		} else {
			b.WriteString(v)
		}
	}
	return b.String(), nil
}

// ParseRN is the inverse of FormatRN: it returns the naming properties encoded
// in rn, accepting bracketed and bare values alike ("dom-default", "dom-[default]").
func (c *Class) ParseRN(rn string) (map[string]string, bool) {
	if len(c.Naming) == 0 {
		return map[string]string{}, rn == c.RN
	}
	out := make(map[string]string, len(c.Naming))
	i := 0
	for k, p := range c.pat {
		if p.attr < 0 {
			if !strings.HasPrefix(rn[i:], p.lit) {
				return nil, false
			}
			i += len(p.lit)
			continue
		}
		var v string
		if i < len(rn) && rn[i] == '[' {
			end := closeBracket(rn, i)
			if end < 0 {
				return nil, false
			}
			v = rn[i+1 : end]
			i = end + 1
		} else {
			next := ""
			if k+1 < len(c.pat) {
				next = c.pat[k+1].lit
			}
			if next == "" {
				v = rn[i:]
			} else {
				j := strings.Index(rn[i:], next)
				if j < 0 {
					return nil, false
				}
				v = rn[i : i+j]
			}
			if strings.ContainsAny(v, "[]/") {
				return nil, false
			}
			i += len(v)
		}
		if v == "" {
			return nil, false
		}
		out[c.Naming[p.attr]] = v
	}
	if i != len(rn) {
		return nil, false
	}
	return out, true
}

// closeBracket returns the index of the "]" closing the "[" at open, or -1.
func closeBracket(s string, open int) int {
	depth := 0
	for k := open; k < len(s); k++ {
		switch s[k] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// compileRN splits an rn format into literals and naming placeholders.
func compileRN(c *Class) error {
	f := c.RN
	var parts []rnPart
	n := 0
	for f != "" {
		bi := strings.Index(f, "[%s]")
		pi := strings.Index(f, "%s")
		if pi < 0 {
			parts = append(parts, rnPart{lit: f, attr: -1})
			break
		}
		bracket := bi >= 0 && bi+1 == pi
		litEnd := pi
		if bracket {
			litEnd = bi
		}
		if litEnd > 0 {
			parts = append(parts, rnPart{lit: f[:litEnd], attr: -1})
		}
		parts = append(parts, rnPart{attr: n, bracket: bracket})
		n++
		if bracket {
			f = f[bi+4:]
		} else {
			f = f[pi+2:]
		}
	}
	if n != len(c.Naming) {
		return fmt.Errorf("dme: class %s: rn %q has %d placeholders for %d naming properties", c.Name, c.RN, n, len(c.Naming))
	}
	if strings.Contains(c.RN, "%") && n == 0 {
		return fmt.Errorf("dme: class %s: rn %q has an unsupported verb", c.Name, c.RN)
	}
	c.pat = parts
	return nil
}

var (
	classIndex map[string]*Class
	classList  []*Class
	childIndex map[string][]*Class // parent class -> candidate children, most specific first
)

func init() {
	all := append(append([]*Class(nil), providerClasses...), extraClasses...)
	classIndex = make(map[string]*Class, len(all))
	for _, c := range all {
		if _, dup := classIndex[c.Name]; dup {
			panic("dme: class table lists " + c.Name + " twice")
		}
		if err := compileRN(c); err != nil {
			panic(err)
		}
		classIndex[c.Name] = c
		classList = append(classList, c)
	}
	sort.Slice(classList, func(i, j int) bool { return classList[i].Name < classList[j].Name })
	childIndex = make(map[string][]*Class)
	for _, c := range classList {
		for _, p := range c.Parents {
			childIndex[p] = append(childIndex[p], c)
		}
	}
	for _, kids := range childIndex {
		sort.SliceStable(kids, func(i, j int) bool {
			a, b := kids[i], kids[j]
			if (len(a.Naming) == 0) != (len(b.Naming) == 0) {
				return len(a.Naming) == 0
			}
			return leadLit(a) > leadLit(b)
		})
	}
}

func leadLit(c *Class) int {
	if len(c.pat) > 0 && c.pat[0].attr < 0 {
		return len(c.pat[0].lit)
	}
	return 0
}

// Lookup returns the class named name.
func Lookup(name string) (*Class, bool) {
	c, ok := classIndex[name]
	return c, ok
}

// Classes returns every known class, sorted by name. The result must not be modified.
func Classes() []*Class { return classList }

// ChildrenOf returns the classes that may be children of parent.
func ChildrenOf(parent string) []*Class { return childIndex[parent] }

// ChildClass tells which child class of parent the RN rn denotes and returns the
// naming properties it encodes. With parent "" it resolves the root RN "sys".
func ChildClass(parent, rn string) (*Class, map[string]string, bool) {
	if parent == "" {
		if c, ok := classIndex["topSystem"]; ok && rn == c.RN {
			return c, map[string]string{}, true
		}
		return nil, nil, false
	}
	for _, c := range childIndex[parent] {
		if m, ok := c.ParseRN(rn); ok {
			return c, m, true
		}
	}
	return nil, nil, false
}

// ResolveDN walks d from the root and returns the class of its last RN and the
// naming properties of every RN in order.
func ResolveDN(d DN) (*Class, []map[string]string, error) {
	if d.IsZero() {
		return nil, nil, fmt.Errorf("dme: resolve: zero DN")
	}
	parent := ""
	var c *Class
	var names []map[string]string
	for _, rn := range d.RNs() {
		cc, m, ok := ChildClass(parent, rn)
		if !ok {
			if parent == "" {
				return nil, nil, fmt.Errorf("dme: DN %q: unknown root RN %q", d.String(), rn)
			}
			return nil, nil, fmt.Errorf("dme: DN %q: RN %q is not a known child of %s", d.String(), rn, parent)
		}
		c = cc
		parent = cc.Name
		names = append(names, m)
	}
	return c, names, nil
}

func attrs(list ...Attr) map[string]Attr {
	m := make(map[string]Attr, len(list))
	for _, a := range list {
		m[a.Name] = a
	}
	return m
}
