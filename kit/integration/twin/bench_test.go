package twin_test

import (
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
)

// BenchmarkCaseStudyUp measures the case study from nothing to every session Established on both
// ends: namespaces, daemons, the Syncer's plan and apply, and the nodes' reconfiguration. It
// reports the resident memory of all daemons.
func BenchmarkCaseStudyUp(b *testing.B) {
	benchUp(b, design.CaseStudy(), "b")
}

// BenchmarkTenRacks is the same for 10 racks of 10 dual-stack nodes (20 FRR leaves, 100 BIRD
// nodes).
func BenchmarkTenRacks(b *testing.B) {
	benchUp(b, designtest.Racks(10, 10, false), "k")
}

func benchUp(b *testing.B, d *design.Design, tag string) {
	needTwin(b)
	for b.Loop() {
		ctx := testContext(b, 10*time.Minute)
		e := startEnv(b, ctx, d, tag)
		if _, err := e.syncer.WaitEstablished(ctx, e.in, 200*time.Millisecond); err != nil {
			b.Fatal(err)
		}
		var total int64
		for _, m := range e.lab.Memory() {
			total += m
		}
		b.ReportMetric(float64(total)/(1<<20), "MiB-daemons")
		b.StopTimer()
		if err := e.lab.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
