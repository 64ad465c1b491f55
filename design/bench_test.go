package design

import (
	"fmt"
	"testing"
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
// size; the cost should grow about linearly with the number of nodes.
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
