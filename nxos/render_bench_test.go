package nxos

import "testing"

// BenchmarkRender renders 500 leaf pairs (1,000 leaves) with 20,000 dual-stack nodes — 80
// neighbors per leaf — to DME trees, and to DME trees plus CLI text. Target: under 500 ms per
// operation. The intent is derived once, outside the timer. Besides ns/op (wall time) it reports
// cpu-ns/op, the process CPU time per operation (garbage collection included), which stays
// meaningful when other work shares the machine.
func BenchmarkRender(b *testing.B) {
	in := mustIntent(b, sharedLoopbackDesign(500, 40))
	if len(in.Leaves) != 1000 || len(in.Nodes) != 20000 {
		b.Fatalf("%d leaves, %d nodes", len(in.Leaves), len(in.Nodes))
	}
	run := func(b *testing.B, cli bool) {
		b.ReportAllocs()
		start, ok := processCPU()
		for b.Loop() {
			cs, err := Render(in, RenderOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if cli {
				for _, c := range cs {
					_ = c.CLI()
				}
			}
		}
		if end, ok2 := processCPU(); ok && ok2 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
	b.Run("DME", func(b *testing.B) { run(b, false) })
	b.Run("DME+CLI", func(b *testing.B) { run(b, true) })
}
