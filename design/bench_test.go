package design

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestGenDesignIsValid(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {50, 2000}} {
		d := genDesign(size[0], size[1])
		in, err := Derive(d)
		if err != nil {
			t.Fatalf("genDesign(%d, %d): %v", size[0], size[1], err)
		}
		if len(in.Nodes) != size[1] || len(in.Leaves) != 2*size[0] {
			t.Errorf("genDesign(%d, %d): %d nodes, %d leaves", size[0], size[1], len(in.Nodes), len(in.Leaves))
		}
	}
}

// BenchmarkValidateDerive measures Derive (which validates first) on dual-stack designs of growing
// size; the cost should grow about linearly with the number of nodes. The last case is the large
// design loaded from a file with one value that does not parse in each section: it measures the
// validation Load runs after decoding, which skips the rules that need those values.
func BenchmarkValidateDerive(b *testing.B) {
	for _, size := range [][2]int{{50, 2000}, {500, 20000}} {
		d := genDesign(size[0], size[1])
		b.Run(fmt.Sprintf("pairs=%d,nodes=%d", size[0], size[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Derive(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	d, u, probs := unparsableDesign(b, 500, 20000)
	b.Run(fmt.Sprintf("pairs=500,nodes=20000,unparsable=%d", len(probs)), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if v := validate(d, u); len(v.probs) != 0 {
				b.Fatalf("problems besides the unparsable values: %v", v.probs)
			}
		}
	})
}

// unparsableDesign writes genDesign(pairs, nodes) as a design file, breaks one value in each
// section (fabric, leaf pairs, leaves, cluster, nodes, pools, peering) and decodes it: the design,
// its unknown fields and the problems of decoding, one per broken value.
func unparsableDesign(tb testing.TB, pairs, nodes int) (*Design, *unknowns, Problems) {
	tb.Helper()
	y, err := genDesign(pairs, nodes).MarshalYAML()
	if err != nil {
		tb.Fatal(err)
	}
	text := string(y)
	for _, r := range [][2]string{
		{"vlan: 3001", "vlan: 30O1"},
		{"- name: rack250\n    leaves:", "- name: rack250\n    routeTargetColor: 2101:x\n    leaves:"},
		{"routerID: 10.2.0.7\n", "routerID: 10.2.0.7.7\n"},
		{"asn: 65531", "asn: 65531x"},
		{"ipv4: 10.128.0.110,", "ipv4: 10.128.0.310,"},
		{"cidr: fd00:10:244::/48", "cidr: fd00:10:244::/480"},
		{"peering: {}", "peering: {ebgpMultihop: ten}"},
	} {
		if !strings.Contains(text, r[0]) {
			tb.Fatalf("%q is not in the generated design", r[0])
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	j, err := yaml.YAMLToJSONStrict([]byte(text))
	if err != nil {
		tb.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		tb.Fatal(err)
	}
	d, u, probs := decodeTree(tree)
	if len(probs) != 7 {
		tb.Fatalf("%d problems decoding, want one per section: %v", len(probs), probs)
	}
	return d, u, probs
}

// BenchmarkValidate measures Validate alone.
func BenchmarkValidate(b *testing.B) {
	for _, size := range [][2]int{{50, 2000}, {500, 20000}} {
		d := genDesign(size[0], size[1])
		b.Run(fmt.Sprintf("pairs=%d,nodes=%d", size[0], size[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := d.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
