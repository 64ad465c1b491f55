package calicoclient_test

import (
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design/designtest"
)

// BenchmarkApply1000 plans and applies about 1,000 objects (250 racks with unique leaf loopbacks:
// 1,000 per-rack BGPPeers, 2 IPPools and the BGPConfiguration) to an empty in-process API server
// with the default concurrency, then plans once more (which must be empty). It reports
// objects/s for Plan+Apply together (every object is a dry run and an apply), for Apply alone,
// and the time of the second, empty Plan.
func BenchmarkApply1000(b *testing.B) {
	objs := desiredObjects(b, designtest.Scale(250, 1, false))
	cluster := objs.BGPConfiguration.Labels[calico.ManagedByLabel]
	all := objs.All()
	for _, g := range groups {
		b.Run(string(g), func(b *testing.B) {
			srv := groupServer(b, g)
			c, err := calico.NewClient(srv.Config(), calico.Options{})
			if err != nil {
				b.Fatal(err)
			}
			var total, apply, replan time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if err := srv.Reset(b.Context()); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				t0 := time.Now()
				p := mustPlan(b, c, cluster, all)
				t1 := time.Now()
				if _, err := c.Apply(b.Context(), p); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				if p := mustPlan(b, c, cluster, all); !p.Empty() {
					b.Fatalf("second plan not empty:\n%s", p)
				}
				total += t2.Sub(t0)
				apply += t2.Sub(t1)
				replan += time.Since(t2)
			}
			n := float64(len(all) * b.N)
			b.ReportMetric(n/total.Seconds(), "objects/s")
			b.ReportMetric(n/apply.Seconds(), "apply-objects/s")
			b.ReportMetric(float64(replan.Milliseconds())/float64(b.N), "replan-ms")
			b.ReportMetric(float64(len(all)), "objects")
		})
	}
}
