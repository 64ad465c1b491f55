package calico

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ObjectRef names one Calico object: its kind and name (the kinds nxcalico applies are
// cluster-scoped).
type ObjectRef struct {
	Kind string
	Name string
}

// String returns "Kind/name", e.g. "BGPPeer/nxcalico-leaf-192-168-100-1".
func (r ObjectRef) String() string { return r.Kind + "/" + r.Name }

// refOf returns the ObjectRef of obj of kind k.
func refOf(k *kind, obj Object) ObjectRef { return ObjectRef{Kind: k.name, Name: obj.GetName()} }

// ObjectError is a request about one object that failed: the server rejected it (schema or CEL
// validation, unknown field under Strict validation, immutable field, …) or the request did not
// complete. Fields lists the fields the server named, e.g. "spec.ipipMode". Err is the underlying
// error, an *apierrors.StatusError when the server answered.
type ObjectError struct {
	Op     string // "plan" (the dry run), "apply", "delete", or "status" (Status)
	Object ObjectRef
	Fields []string
	Err    error
}

// Error names the operation, the object, the HTTP status and each field with the server's reason.
func (e *ObjectError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "calico: %s %s %q: ", e.Op, e.Object.Kind, e.Object.Name)
	var se *apierrors.StatusError
	if errors.As(e.Err, &se) {
		st := se.Status()
		if st.Reason != "" {
			fmt.Fprintf(&b, "server rejected it (%d %s)", st.Code, st.Reason)
		} else {
			fmt.Fprintf(&b, "server rejected it (%d)", st.Code)
		}
		var causes []string
		if st.Details != nil {
			for _, c := range st.Details.Causes {
				if c.Field != "" {
					causes = append(causes, c.Field+": "+c.Message)
				} else {
					causes = append(causes, c.Message)
				}
			}
		}
		if len(causes) == 0 {
			causes = append(causes, st.Message)
		}
		b.WriteString(": ")
		b.WriteString(strings.Join(causes, "; "))
		return b.String()
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ObjectError) Unwrap() error { return e.Err }

// FieldConflict is one field another field manager owns with a different value.
type FieldConflict struct {
	// Field is the field path as the server reports it, e.g. ".spec.peerIP".
	Field string
	// Manager is the other field manager, e.g. "kubectl-client-side-apply".
	Manager string
}

// ConflictError reports that a server-side apply would change fields another field manager owns.
// Nothing was changed on that object. Either the design changes to agree, the other manager lets
// go of the fields, or the apply is forced (Options.Force).
type ConflictError struct {
	Op        string // "plan" (the dry run) or "apply"
	Object    ObjectRef
	Conflicts []FieldConflict
	Err       error // the server's *apierrors.StatusError
}

// Error names the object, every conflicting field and the manager that owns it.
func (e *ConflictError) Error() string {
	parts := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		parts[i] = fmt.Sprintf("%s is owned by field manager %q", c.Field, c.Manager)
	}
	return fmt.Sprintf("calico: %s %s %q: conflict with another field manager: %s (Options.Force takes the fields over)",
		e.Op, e.Object.Kind, e.Object.Name, strings.Join(parts, "; "))
}

// Unwrap returns the server's error.
func (e *ConflictError) Unwrap() error { return e.Err }

// conflictManager matches the cause message of a server-side apply conflict:
// `conflict with "kubectl" using projectcalico.org/v3 at 2026-01-01T00:00:00Z`.
var conflictManager = regexp.MustCompile(`^conflict with ("(?:[^"\\]|\\.)*")`)

// undeclaredField matches the path in a server-side apply's "field not declared in schema" error.
var undeclaredField = regexp.MustCompile(`(\.[^\s:]+): field not declared in schema`)

// objectError wraps err from a request about ref into a *ConflictError for a server-side apply
// conflict, or an *ObjectError for anything else.
func objectError(op string, ref ObjectRef, err error) error {
	var se *apierrors.StatusError
	if !errors.As(err, &se) {
		return &ObjectError{Op: op, Object: ref, Err: err}
	}
	st := se.Status()
	var fields []string
	var conflicts []FieldConflict
	if st.Details != nil {
		for _, c := range st.Details.Causes {
			if c.Type == metav1.CauseTypeFieldManagerConflict {
				fc := FieldConflict{Field: c.Field, Manager: c.Message}
				if m := conflictManager.FindStringSubmatch(c.Message); m != nil {
					if name, err := strconv.Unquote(m[1]); err == nil {
						fc.Manager = name
					}
				}
				conflicts = append(conflicts, fc)
				continue
			}
			if c.Field != "" {
				fields = append(fields, c.Field)
			}
		}
	}
	// Server-side apply rejects a field the schema does not declare with a 500 and no causes,
	// whatever the field validation: "….: .spec.ipip: field not declared in schema".
	for _, m := range undeclaredField.FindAllStringSubmatch(st.Message, -1) {
		fields = append(fields, m[1])
	}
	if len(conflicts) > 0 {
		return &ConflictError{Op: op, Object: ref, Conflicts: conflicts, Err: err}
	}
	return &ObjectError{Op: op, Object: ref, Fields: fields, Err: err}
}
