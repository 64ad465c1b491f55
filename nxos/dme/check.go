package dme

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// SchemaError is one way a tree to be posted violates the schema.
type SchemaError struct {
	Path   string // RNs from the posted root, e.g. "dom-default/peer-[10.2.1.5]"
	Class  string
	Attr   string // offending property, "" when the object as a whole is at fault
	Value  string // offending value
	Reason string
	Rule   Rule // what kind of violation it is
}

// Rule is the kind of a schema violation.
type Rule uint8

const (
	// RuleUnknownClass: the class is not in the schema (or, for CheckModel, not in the device model).
	RuleUnknownClass Rule = iota + 1
	// RuleUnknownProperty: the class has no such property.
	RuleUnknownProperty
	// RuleReadOnly: a read-only property, or an object of an operational class, was given.
	RuleReadOnly
	// RuleBadValue: not one of the enumeration or flag values, not an integer, not a boolean.
	RuleBadValue
	// RuleOutOfRange: an integer outside the property's range.
	RuleOutOfRange
	// RuleWrongParent: the class cannot be a child of its parent's class.
	RuleWrongParent
	// RuleNaming: a naming property is missing, cannot be unset, or disagrees with the rn.
	RuleNaming
	// RuleStatus: "status" other than created, modified, deleted or replaced, or a bad "dn".
	RuleStatus
)

// Error implements error; it quotes the class, the property and the value.
func (e *SchemaError) Error() string {
	var b strings.Builder
	b.WriteString("dme: ")
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(e.Class)
	if e.Attr != "" {
		b.WriteString(".")
		b.WriteString(e.Attr)
		b.WriteString("=")
		b.WriteString(strconv.Quote(e.Value))
	} else if e.Value != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.Value))
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// Meta properties that any posted object may carry besides its class's own.
var metaAttrs = map[string]bool{"dn": true, "rn": true, "status": true, "childAction": true}

// Check checks a tree o that is to be posted under an object of class
// parentClass ("" skips the parent check for the root) and returns every
// violation as a *SchemaError: unknown class, unknown property, bad enum or flag
// value, non-numeric or out-of-range number, bad boolean, wrong parent/child
// pair, missing naming property, rn that contradicts the naming properties,
// operational class posted, and "status" other than created, modified,
// deleted or replaced. A property the schema table leaves out is judged by the
// device model (ModelLookup): accepted when the model has it configurable and
// the value fits, refused as read-only or bad otherwise.
func Check(parentClass string, o *Object) []error {
	var errs []error
	checkObject(&errs, "", parentClass, o, 0)
	return errs
}

func checkObject(errs *[]error, path, parentClass string, o *Object, index int) {
	add := func(rule Rule, class, attr, value, reason string, seg string) {
		*errs = append(*errs, &SchemaError{Path: join(path, seg), Class: class, Attr: attr, Value: value, Reason: reason, Rule: rule})
	}
	if o == nil {
		return
	}
	seg := fmt.Sprintf("%s#%d", o.Class, index)
	c, known := Lookup(o.Class)
	if !known {
		add(RuleUnknownClass, o.Class, "", "", "unknown class", seg)
		for i, ch := range o.Children {
			checkObject(errs, join(path, seg), "", ch, i)
		}
		return
	}
	if rn, err := o.RN(); err == nil {
		seg = rn
	}
	if parentClass != "" && !c.HasParent(parentClass) {
		add(RuleWrongParent, c.Name, "", "", fmt.Sprintf("cannot be a child of %s (allowed parents: %s)", parentClass, strings.Join(c.Parents, ", ")), seg)
	}
	if c.Operational {
		add(RuleReadOnly, c.Name, "", "", "operational (read-only) class cannot be posted", seg)
	}
	// Naming: explicit rn must match the format and agree with given naming properties.
	var fromRN map[string]string
	if rn := o.Get("rn"); rn != "" {
		m, ok := c.ParseRN(rn)
		if !ok {
			add(RuleNaming, c.Name, "rn", rn, fmt.Sprintf("does not match rn format %q", c.RN), seg)
		}
		fromRN = m
	}
	for _, n := range c.Naming {
		v := o.Get(n)
		if v == "" {
			if fromRN[n] == "" {
				add(RuleNaming, c.Name, n, "", "naming property is missing", seg)
			}
			continue
		}
		if rv, ok := fromRN[n]; ok && !sameValue(rv, v) {
			add(RuleNaming, c.Name, n, v, fmt.Sprintf("naming property disagrees with rn %q", o.Get("rn")), seg)
		}
	}
	keys := make([]string, 0, len(o.Attrs))
	for k := range o.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := o.Attrs[k]
		if metaAttrs[k] {
			if k == "status" {
				switch v {
				case "", "created", "modified", "deleted", "replaced":
				default:
					add(RuleStatus, c.Name, k, v, "status must be created, modified, deleted or replaced", seg)
				}
			}
			if k == "dn" && v != "" {
				if _, err := ParseDN(v); err != nil {
					add(RuleStatus, c.Name, k, v, "not a valid DN", seg)
				}
			}
			continue
		}
		a, ok := c.Attrs[k]
		if !ok {
			// The device model may know a property the table leaves out.
			ma, inModel := modelAttr(c.Name, k)
			switch {
			case !inModel:
				add(RuleUnknownProperty, c.Name, k, v, "unknown property", seg)
			case ma.ReadOnly && !c.Operational:
				add(RuleReadOnly, c.Name, k, v, "read-only property", seg)
			case v != UnsetMarker:
				if reason := ma.Validate(v); reason != "" {
					add(valueRule(ma.Kind, reason), c.Name, k, v, reason, seg)
				}
			}
			continue
		}
		if v == UnsetMarker {
			if c.IsNaming(k) {
				add(RuleNaming, c.Name, k, v, "naming property cannot be unset", seg)
			}
			continue
		}
		if reason := a.Validate(v); reason != "" {
			add(valueRule(a.Kind, reason), c.Name, k, v, reason, seg)
		}
	}
	for i, ch := range o.Children {
		checkObject(errs, join(path, seg), c.Name, ch, i)
	}
}

// modelAttr returns the device model's property name of class.
func modelAttr(class, name string) (ModelAttr, bool) {
	mc, ok := ModelLookup(class)
	if !ok {
		return ModelAttr{}, false
	}
	return mc.Attr(name)
}

// valueRule tells a range violation from any other bad value.
func valueRule(k Kind, reason string) Rule {
	if k == Int && strings.HasPrefix(reason, "out of range") {
		return RuleOutOfRange
	}
	return RuleBadValue
}

func join(path, seg string) string {
	if path == "" {
		return seg
	}
	return path + "/" + seg
}

// sameValue compares two naming values as the DN key does (brackets, IPv6 spelling).
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	ka, err1 := canonValue(a)
	kb, err2 := canonValue(b)
	return err1 == nil && err2 == nil && ka == kb
}

// Validate checks v against a's kind, enum and range and returns why it is
// invalid, or "" when it is valid.
func (a Attr) Validate(v string) string {
	switch a.Kind {
	case Int:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "not an integer"
		}
		if a.HasRange && (n < a.Min || n > a.Max) {
			return fmt.Sprintf("out of range [%d..%d]", a.Min, a.Max)
		}
	case Bool:
		switch v {
		case "true", "false", "yes", "no":
		default:
			return "not a boolean (true, false, yes, no)"
		}
	case Enum:
		if !a.Open && !contains(a.Enum, v) {
			return fmt.Sprintf("not one of %s", strings.Join(a.Enum, ", "))
		}
	case Flags:
		if v == "" {
			return ""
		}
		for _, f := range strings.Split(v, ",") {
			if f == "" {
				return "empty flag in comma-separated list"
			}
			if !a.Open && !contains(a.Enum, f) {
				return fmt.Sprintf("flag %q is not one of %s", f, strings.Join(a.Enum, ", "))
			}
		}
	}
	return ""
}

// NormalizeFlags returns a comma-separated flag list sorted alphabetically
// without duplicates or empty items, the form NX-OS expects for ctrl properties.
func NormalizeFlags(v string) string {
	if v == "" {
		return ""
	}
	fs := strings.Split(v, ",")
	for i := range fs {
		fs[i] = strings.TrimSpace(fs[i])
	}
	sort.Strings(fs)
	out := fs[:0]
	for _, f := range fs {
		if f == "" || (len(out) > 0 && out[len(out)-1] == f) {
			continue
		}
		out = append(out, f)
	}
	return strings.Join(out, ",")
}
