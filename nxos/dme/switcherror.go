package dme

import (
	"fmt"
	"strings"
)

// DeviceError returns the NX-API error a switch answers when a POST breaks this
// rule; dn is the full DN of the offending object. The codes and texts:
//
//   - unknown class: code 17, "Unknown class <class>", verbatim what NX-OS
//     answers for a class it does not know.
//   - unknown property: code 400, "unknown attribute '<attr>' in element
//     '<class>'", the DME framework's text.
//   - bad value: code 400, "unknown property value <value>, name <attr>, class
//     <class> [(Dn0)] Dn0=<dn>, ", the DME framework's text.
//   - out of range, read-only, wrong parent, naming and status: code 400 with a
//     text in the same "[(Dn0)] Dn0=<dn>, " form that quotes the rule.
//
// Only the code-17 text is known verbatim from NX-OS device output; NX-OS
// answers code 102 "configured object ((Dn0)) not found Dn0=<dn>, " (a missing
// parent) in the same form. The other texts are those of the DME framework
// NX-OS shares with Cisco APIC, whose answers are published; NX-OS's may
// differ in wording.
func (e *SchemaError) DeviceError(dn string) *Error {
	dn0 := fmt.Sprintf(" [(Dn0)] Dn0=%s, ", dn)
	switch e.Rule {
	case RuleUnknownClass:
		return &Error{Code: "17", Text: "Unknown class " + e.Class}
	case RuleUnknownProperty:
		return &Error{Code: "400", Text: fmt.Sprintf("unknown attribute '%s' in element '%s'", e.Attr, e.Class)}
	case RuleBadValue:
		return &Error{Code: "400", Text: fmt.Sprintf("unknown property value %s, name %s, class %s", e.Value, e.Attr, e.Class) + dn0}
	case RuleOutOfRange:
		return &Error{Code: "400", Text: fmt.Sprintf("property value %s %s, name %s, class %s", e.Value, e.Reason, e.Attr, e.Class) + dn0}
	case RuleReadOnly:
		if e.Attr == "" {
			return &Error{Code: "400", Text: fmt.Sprintf("cannot create object of read-only class %s", e.Class) + dn0}
		}
		return &Error{Code: "400", Text: fmt.Sprintf("cannot set read-only property %s, class %s", e.Attr, e.Class) + dn0}
	case RuleWrongParent:
		return &Error{Code: "400", Text: fmt.Sprintf("class %s %s", e.Class, e.Reason) + dn0}
	}
	return &Error{Code: "400", Text: strings.TrimPrefix(e.Error(), "dme: ") + dn0}
}
