package calico

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/nxcalico/nxcalico/internal/k8sname"
)

// validateCluster checks that cluster can be the value of ManagedByLabel.
func validateCluster(cluster string) error {
	if cluster == "" {
		return fmt.Errorf("calico: cluster name is empty; it is the value of the %s label", ManagedByLabel)
	}
	if r := k8sname.LabelValue(cluster); r != "" {
		return fmt.Errorf("calico: cluster name %q: not usable as the %s label value: it %s", cluster, ManagedByLabel, r)
	}
	return nil
}

// clusterLabelReason says why cluster cannot be the value of ManagedByLabel, or "".
func clusterLabelReason(cluster string) string {
	if cluster == "" {
		return "is empty"
	}
	return k8sname.LabelValue(cluster)
}

// desiredObject is one validated desired object.
type desiredObject struct {
	kind *kind
	obj  Object
}

// validateDesired checks every desired object before any request and reports every problem at
// once: each object must be a kind nxcalico applies, non-nil, named with a valid DNS subdomain,
// cluster-scoped (no namespace), not carry server-set metadata, appear once, and either carry
// ManagedByLabel=cluster or no ManagedByLabel (then a copy gets it). The objects are not modified.
func validateDesired(cluster string, desired []Object) ([]desiredObject, error) {
	var errs []error
	out := make([]desiredObject, 0, len(desired))
	seen := make(map[ObjectRef]int, len(desired))
	for i, obj := range desired {
		if obj == nil || isNilPointer(obj) {
			errs = append(errs, fmt.Errorf("calico: desired[%d]: nil object", i))
			continue
		}
		k, err := kindOf(obj)
		if err != nil {
			errs = append(errs, fmt.Errorf("calico: desired[%d] %q: %w", i, obj.GetName(), err))
			continue
		}
		name := obj.GetName()
		where := fmt.Sprintf("calico: desired[%d] %s %q", i, k.name, name)
		if name == "" {
			errs = append(errs, fmt.Errorf("calico: desired[%d] %s: metadata.name is empty", i, k.name))
			continue
		}
		if r := k8sname.Subdomain(name); r != "" {
			errs = append(errs, fmt.Errorf("%s: metadata.name: not a DNS-1123 subdomain: it %s", where, r))
		}
		if ns := obj.GetNamespace(); ns != "" {
			errs = append(errs, fmt.Errorf("%s: metadata.namespace %q: %s is cluster-scoped", where, ns, k.name))
		}
		if obj.GetResourceVersion() != "" || obj.GetUID() != "" {
			errs = append(errs, fmt.Errorf("%s: metadata.resourceVersion %q / metadata.uid %q: desired objects must not carry server-set metadata",
				where, obj.GetResourceVersion(), obj.GetUID()))
		}
		if v, ok := obj.GetLabels()[ManagedByLabel]; ok && v != cluster {
			errs = append(errs, fmt.Errorf("%s: metadata.labels[%s] is %q, but the plan is for cluster %q", where, ManagedByLabel, v, cluster))
		}
		for key, v := range obj.GetLabels() {
			if r := k8sname.QualifiedName(key); r != "" {
				errs = append(errs, fmt.Errorf("%s: metadata.labels key %q: not a qualified name: it %s", where, key, r))
			}
			if r := k8sname.LabelValue(v); r != "" {
				errs = append(errs, fmt.Errorf("%s: metadata.labels[%s] %q: not a label value: it %s", where, key, v, r))
			}
		}
		ref := ObjectRef{Kind: k.name, Name: name}
		if j, dup := seen[ref]; dup {
			errs = append(errs, fmt.Errorf("%s: same kind and name as desired[%d]", where, j))
			continue
		}
		seen[ref] = i
		if obj.GetLabels()[ManagedByLabel] != cluster {
			obj = obj.DeepCopyObject().(Object)
			labels := make(map[string]string, len(obj.GetLabels())+1)
			for k, v := range obj.GetLabels() {
				labels[k] = v
			}
			labels[ManagedByLabel] = cluster
			obj.SetLabels(labels)
		}
		out = append(out, desiredObject{kind: k, obj: obj})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// isNilPointer reports whether obj is a typed nil pointer.
func isNilPointer(obj Object) bool {
	v := reflect.ValueOf(obj)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
