package nxos

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/nxos/dme"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

const (
	benchSwitches = 200
	benchLatency  = 20 * time.Millisecond
)

// benchFleet starts n blank simulated switches with latency and returns their targets.
func benchFleet(b *testing.B, cfg *LeafConfig, n int) ([]*nxostest.Server, []Target) {
	b.Helper()
	sims := make([]*nxostest.Server, n)
	targets := make([]Target, n)
	for i := range sims {
		sims[i] = nxostest.NewServer()
		sims[i].SetLatency(benchLatency)
		targets[i] = Target{Name: fmt.Sprintf("leaf-%03d", i), Client: simClient(b, sims[i], nil), Config: cfg}
	}
	return sims, targets
}

func closeAll(sims []*nxostest.Server) {
	for _, s := range sims {
		s.Close()
	}
}

func countRequests(sims []*nxostest.Server) int {
	n := 0
	for _, s := range sims {
		n += len(s.Requests())
	}
	return n
}

// applyPerObject is the baseline the way per-resource tools work: for every
// top-level object of the features and the configuration (each child of
// topSystem), one GET of its DN and one POST of that object to its DN.
func applyPerObject(ctx context.Context, c *Client, cfg *LeafConfig) error {
	for _, root := range []*dme.Object{cfg.Features, cfg.Config} {
		for _, o := range root.Children {
			rn, err := o.RN()
			if err != nil {
				return err
			}
			dn := "sys/" + rn
			if _, err := c.Get(ctx, dn, url.Values{"rsp-subtree": {"full"}}); err != nil {
				return err
			}
			if err := c.Post(ctx, dn, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// BenchmarkFleetApply applies the case-study leaf to 200 simulated switches
// with 20 ms latency per request, once with Fleet (one GET, one features POST,
// one configuration POST per switch) and once with the per-object baseline,
// both with DefaultConcurrency switches at a time, and reports both wall times,
// their ratio and the requests per switch.
func BenchmarkFleetApply(b *testing.B) {
	cfg := caseStudy(b, nil, "")["Leaf2101"]
	ctx := context.Background()
	var fleetTime, baseTime time.Duration
	var fleetReq, baseReq int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sims, targets := benchFleet(b, cfg, benchSwitches)
		f, _ := NewFleet(FleetOptions{})
		b.StartTimer()
		start := time.Now()
		if _, err := f.Apply(ctx, targets); err != nil {
			b.Fatal(err)
		}
		fleetTime += time.Since(start)
		b.StopTimer()
		fleetReq += countRequests(sims)
		for _, s := range sims[:3] {
			if s.Get(neighbor13) == nil {
				b.Fatal("fleet apply left a switch without configuration")
			}
		}
		closeAll(sims)

		sims, targets = benchFleet(b, cfg, benchSwitches)
		b.StartTimer()
		start = time.Now()
		sem := make(chan struct{}, DefaultConcurrency)
		var wg sync.WaitGroup
		errs := make([]error, len(targets))
		for j, t := range targets {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				errs[j] = applyPerObject(ctx, t.Client, t.Config)
			}()
		}
		wg.Wait()
		baseTime += time.Since(start)
		b.StopTimer()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		baseReq += countRequests(sims)
		if p, err := targets[0].Client.Plan(ctx, cfg); err != nil || !p.Empty() {
			b.Fatalf("per-object baseline did not reach the desired state: %v\n%s", err, p)
		}
		closeAll(sims)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(fleetTime.Milliseconds())/n, "fleet-ms")
	b.ReportMetric(float64(baseTime.Milliseconds())/n, "perobject-ms")
	b.ReportMetric(float64(baseTime)/float64(fleetTime), "speedup")
	b.ReportMetric(float64(fleetReq)/n/benchSwitches, "fleet-req/switch")
	b.ReportMetric(float64(baseReq)/n/benchSwitches, "perobject-req/switch")
}
