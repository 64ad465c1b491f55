package dme

import (
	"fmt"
	"sort"
	"strings"
)

// CheckModel checks a tree o that is to be posted under an object of class
// parentClass ("" skips the parent check for the root) against the device
// model alone (DeviceModel, ModelLookup), not the schema table, and returns
// every violation as a *SchemaError: a class the model does not hold, a
// child under a class the model does not let contain it, a naming property
// the model's list key needs but is missing, a property the model does not
// have or has read-only, a value outside the model's enumeration, not a
// number or boolean, or an integer outside the model's ranges. Flag
// properties (ctrl) are plain strings in the model; their values are checked
// by Check against the schema table.
func CheckModel(parentClass string, o *Object) []error {
	var errs []error
	checkModelObject(&errs, "", parentClass, o, 0)
	return errs
}

func checkModelObject(errs *[]error, path, parentClass string, o *Object, index int) {
	if o == nil {
		return
	}
	seg := fmt.Sprintf("%s#%d", o.Class, index)
	if _, ok := Lookup(o.Class); ok {
		if rn, err := o.RN(); err == nil {
			seg = rn
		}
	}
	add := func(rule Rule, attr, value, reason string) {
		*errs = append(*errs, &SchemaError{Path: join(path, seg), Class: o.Class, Attr: attr, Value: value, Reason: reason, Rule: rule})
	}
	mc, ok := ModelLookup(o.Class)
	state := false // the whole object is state: its properties are not judged one by one
	if !ok {
		add(RuleUnknownClass, "", "", "not a class of the device model")
	} else {
		if parentClass != "" {
			if p, ok := mc.Parent(parentClass); !ok {
				add(RuleWrongParent, "", "", fmt.Sprintf("cannot be a child of %s in the device model (parents: %s)", parentClass, strings.Join(mc.ParentClasses(), ", ")))
			} else {
				if p.ReadOnly {
					add(RuleReadOnly, "", "", fmt.Sprintf("is state under %s in the device model", parentClass))
					state = true
				}
				var fromRN map[string]string
				if c, ok := Lookup(o.Class); ok && o.Get("rn") != "" {
					fromRN, _ = c.ParseRN(o.Get("rn"))
				}
				for _, k := range p.Keys {
					if !state && o.Get(k) == "" && fromRN[k] == "" {
						add(RuleNaming, k, "", "naming property (list key in the device model) is missing")
					}
				}
			}
		}
		keys := make([]string, 0, len(o.Attrs))
		for k := range o.Attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := o.Attrs[k]
			if metaAttrs[k] || state {
				continue
			}
			a, ok := mc.Attr(k)
			switch {
			case !ok:
				add(RuleUnknownProperty, k, v, "not a property of the class in the device model")
			case a.ReadOnly:
				add(RuleReadOnly, k, v, "read-only in the device model")
			case v == UnsetMarker:
			default:
				if reason := a.Validate(v); reason != "" {
					add(valueRule(a.Kind, reason), k, v, reason)
				}
			}
		}
	}
	for i, ch := range o.Children {
		checkModelObject(errs, join(path, seg), o.Class, ch, i)
	}
}
