package calico

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// applyContent returns the fields of obj nxcalico applies, as unstructured content for group g:
// apiVersion and kind for g, metadata name, labels and annotations, and the spec. Everything the
// server sets (resourceVersion, uid, managedFields, timestamps, status) is left out, so the apply
// never claims it. Zero-valued optional fields are absent (the Go types mark them omitempty), so
// nxcalico owns only what the design sets.
func applyContent(k *kind, obj Object, g Group) (map[string]any, error) {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("encode %s %q: %w", k.name, obj.GetName(), err)
	}
	md := map[string]any{"name": obj.GetName()}
	if l := obj.GetLabels(); len(l) > 0 {
		md["labels"] = stringMap(l)
	}
	if a := obj.GetAnnotations(); len(a) > 0 {
		md["annotations"] = stringMap(a)
	}
	out := map[string]any{
		"apiVersion": string(g),
		"kind":       k.name,
		"metadata":   md,
	}
	if spec, ok := u["spec"]; ok {
		out["spec"] = spec
	}
	return out, nil
}

// applyBody is applyContent encoded as JSON, the body of a server-side apply request.
func applyBody(k *kind, obj Object, g Group) ([]byte, error) {
	u, err := applyContent(k, obj, g)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("encode %s %q: %w", k.name, obj.GetName(), err)
	}
	return b, nil
}

// stringMap converts m for unstructured content.
func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// objectView is the part of an object a plan compares and shows: labels, annotations and spec.
// Server-set metadata (resourceVersion, uid, generation, managedFields, timestamps) and status
// are not in it, so they never count as changes.
type objectView struct {
	Labels      map[string]string
	Annotations map[string]string
	Spec        any
}

// viewOf returns the objectView of obj.
func viewOf(obj Object) objectView {
	v := objectView{Labels: obj.GetLabels(), Annotations: obj.GetAnnotations()}
	if rv := reflect.ValueOf(obj); rv.Kind() == reflect.Pointer && !rv.IsNil() {
		if spec := rv.Elem().FieldByName("Spec"); spec.IsValid() {
			v.Spec = spec.Interface()
		}
	}
	return v
}

// pathSep joins the segments of a field path; label keys contain dots and slashes.
const pathSep = "\x00"

// leaves maps the path of every leaf of the unstructured value v (below prefix) to its value.
// Maps are descended into; everything else (scalars, lists) is a leaf, and so is an empty map.
func leaves(prefix string, v any, out map[string]any) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		out[prefix] = v
		return
	}
	for k, child := range m {
		p := k
		if prefix != "" {
			p = prefix + pathSep + k
		}
		leaves(p, child, out)
	}
}

// appliedLeaves returns the leaves of applyContent below metadata.labels, metadata.annotations
// and spec: the fields a server-side apply of it sets, in the form ownedLeaves reports them.
func appliedLeaves(content map[string]any) map[string]any {
	out := make(map[string]any)
	if md, ok := content["metadata"].(map[string]any); ok {
		for _, f := range []string{"labels", "annotations"} {
			if v, ok := md[f]; ok {
				leaves("metadata"+pathSep+f, v, out)
			}
		}
	}
	if spec, ok := content["spec"]; ok {
		leaves("spec", spec, out)
	}
	return out
}

// ownedLeaves returns the paths of the fields manager owns by server-side apply on an object,
// read from its managedFields, in the form appliedLeaves uses: a list or an empty map is one
// leaf. ok is false when the entry is missing or cannot be read.
func ownedLeaves(entries []metav1.ManagedFieldsEntry, manager string) (paths map[string]bool, ok bool) {
	for _, e := range entries {
		if e.Manager != manager || e.Operation != metav1.ManagedFieldsOperationApply || e.Subresource != "" || e.FieldsV1 == nil {
			continue
		}
		var set map[string]any
		if err := json.Unmarshal(e.FieldsV1.GetRawBytes(), &set); err != nil {
			return nil, false
		}
		paths = make(map[string]bool)
		walkFields("", set, paths)
		return paths, true
	}
	return nil, false
}

// walkFields adds to out the leaf paths of a FieldsV1 set below prefix. "f:<name>" keys are
// fields; a field whose set has no "f:" keys (an empty map, or a list with "k:", "v:" or "i:"
// element keys) is a leaf.
func walkFields(prefix string, set map[string]any, out map[string]bool) {
	for key, child := range set {
		name, isField := strings.CutPrefix(key, "f:")
		if !isField {
			continue
		}
		p := name
		if prefix != "" {
			p = prefix + pathSep + name
		}
		sub, _ := child.(map[string]any)
		if hasFieldKeys(sub) {
			walkFields(p, sub, out)
		} else {
			out[p] = true
		}
	}
}

// hasFieldKeys reports whether a FieldsV1 set names fields (keys "f:…").
func hasFieldKeys(set map[string]any) bool {
	for k := range set {
		if strings.HasPrefix(k, "f:") {
			return true
		}
	}
	return false
}

// lookup returns the value at path in unstructured content.
func lookup(content map[string]any, path string) (any, bool) {
	var cur any = content
	for seg := range strings.SplitSeq(path, pathSep) {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// inSync reports whether applying desired (applyContent) to current would change nothing: every
// field desired sets already has that value, and the fields nxcalico owns on current are exactly
// those desired sets (so the apply would remove none). It errs towards false: a false answer only
// means the server is asked (by a dry run).
func inSync(desired map[string]any, current Object) bool {
	owned, ok := ownedLeaves(current.GetManagedFields(), FieldManager)
	if !ok {
		return false
	}
	want := appliedLeaves(desired)
	if len(want) != len(owned) {
		return false
	}
	cur, err := runtime.DefaultUnstructuredConverter.ToUnstructured(current)
	if err != nil {
		return false
	}
	for p, v := range want {
		if !owned[p] {
			return false
		}
		got, ok := lookup(cur, p)
		if !ok || !reflect.DeepEqual(normalize(got), normalize(v)) {
			return false
		}
	}
	return true
}

// normalize makes unstructured values from different sources comparable: every number becomes a
// float64 (the typed converter gives int64, labels give strings, JSON gives float64).
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, c := range x {
			out[k] = normalize(c)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = normalize(c)
		}
		return out
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case int:
		return float64(x)
	}
	return v
}
