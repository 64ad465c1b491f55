package calico

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// diffObjects compares the labels, annotations and spec of two objects (see objectView) with
// go-cmp and returns one line per differing field, "Spec.PeerIP: 192.0.2.1 → 192.0.2.2", in
// go-cmp's deterministic walk order (struct fields in declaration order, map keys sorted). Nil
// and empty slices and maps are equal. No lines means no difference.
func diffObjects(from, to Object) []string {
	r := new(diffReporter)
	cmp.Equal(viewOf(from), viewOf(to), cmpopts.EquateEmpty(), cmp.Reporter(r))
	return r.lines
}

// diffReporter collects the leaf differences go-cmp reports.
type diffReporter struct {
	path  cmp.Path
	lines []string
}

func (r *diffReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }

func (r *diffReporter) PopStep() { r.path = r.path[:len(r.path)-1] }

func (r *diffReporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	r.lines = append(r.lines, fmt.Sprintf("%s: %s → %s", fieldPath(r.path), formatValue(vx), formatValue(vy)))
}

// fieldPath renders a go-cmp path as Go field and index accesses: Spec.Selector, Labels["k"],
// Spec.Filters[0].
func fieldPath(p cmp.Path) string {
	var b strings.Builder
	for _, step := range p {
		switch s := step.(type) {
		case cmp.StructField:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name())
		case cmp.MapIndex:
			fmt.Fprintf(&b, "[%s]", formatValue(s.Key()))
		case cmp.SliceIndex:
			if k := s.Key(); k >= 0 {
				fmt.Fprintf(&b, "[%d]", k)
			} else {
				kx, ky := s.SplitKeys()
				fmt.Fprintf(&b, "[%d→%d]", kx, ky)
			}
		}
	}
	return b.String()
}

// formatValue renders one side of a difference: "(none)" where the field is absent or nil,
// strings quoted, pointers followed.
func formatValue(v reflect.Value) string {
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return "(none)"
		}
		v = v.Elem()
	}
	if !v.IsValid() || !v.CanInterface() {
		return "(none)"
	}
	switch v.Kind() {
	case reflect.String:
		return fmt.Sprintf("%q", v.String())
	case reflect.Struct, reflect.Map, reflect.Slice, reflect.Array:
		if b, err := json.Marshal(v.Interface()); err == nil {
			return string(b)
		}
	}
	return fmt.Sprintf("%v", v.Interface())
}
