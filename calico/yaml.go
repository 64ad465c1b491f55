package calico

import (
	"bytes"
	"fmt"

	"sigs.k8s.io/yaml"
)

// YAML returns the objects as one multi-document YAML stream in apply order (see All), ready for
// `kubectl apply -f` (or calicoctl): each document has apiVersion and kind, no status, and no empty
// server-set metadata. The output is byte-for-byte the same for the same objects.
func (o *Objects) YAML() ([]byte, error) {
	var buf bytes.Buffer
	for i, obj := range o.All() {
		b, err := yaml.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("calico: encode %s %q as YAML: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(b)
	}
	return buf.Bytes(), nil
}
