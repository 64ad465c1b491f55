package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"

	listersv1 "k8s.io/client-go/listers/core/v1"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/lab"
	"github.com/nxcalico/nxcalico/nxos"
)

// TestPassFailuresAreReported: credentials a switch rejects and a BGP password Secret that does
// not exist fail the pass with a log record, an Event on the Lease and a metric by kind; neither
// shows a secret.
func TestPassFailuresAreReported(t *testing.T) {
	ctx := context.Background()
	base := twoPairDesign()
	n := designNode("node01", "rack1", "192.168.1.11", "2001:192:168:1::11")
	env, err := lab.Start(ctx, intentOf(t, base, []design.Node{n}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Close() })
	idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	k := nodeOf(n)
	putNode(t, env, k)
	if err := idx.Add(k); err != nil {
		t.Fatal(err)
	}
	lister := listersv1.NewNodeLister(idx)
	const wrong = "not-the-nx-api-password"

	t.Run("switch credentials rejected", func(t *testing.T) {
		switches := map[string]*nxos.Client{}
		for name, sim := range env.Sims {
			c, err := nxos.NewClient(nxos.Options{URL: sim.URL(), RootCAs: sim.CertPool(), Timeout: 5 * time.Second,
				Credentials: nxos.Credentials{Username: lab.User, Password: design.NewSecret(wrong)}})
			if err != nil {
				t.Fatal(err)
			}
			switches[name] = c
		}
		var log strings.Builder
		rec := record.NewFakeRecorder(10)
		r := &reconciler{Base: base, Switches: switches, Calico: env.Calico, Core: env.Core, Recorder: rec,
			Logger: textLogger(&log), Lease: leaseConfig{Namespace: leaseNS, Name: "nw"}}
		p := r.pass(ctx, lister)
		if p.Err == nil {
			t.Fatal("pass succeeded with credentials the switches reject")
		}
		if got := testutil.ToFloat64(r.metrics().passErrors.WithLabelValues("switch-auth")); got != 1 {
			t.Errorf(`nodewatch_pass_errors_total{kind="switch-auth"} = %v, want 1 (err %v)`, got, p.Err)
		}
		if got := testutil.ToFloat64(r.metrics().passes.WithLabelValues(resultFailed)); got != 1 {
			t.Errorf(`nodewatch_passes_total{result="failed"} = %v, want 1`, got)
		}
		ev := <-rec.Events
		if !strings.HasPrefix(ev, "Warning PassFailed") || !strings.Contains(ev, "login as") {
			t.Errorf("event %q, want a PassFailed warning naming the refused login", ev)
		}
		if strings.Contains(ev, wrong) || strings.Contains(log.String(), wrong) {
			t.Errorf("the event or the log shows the password:\n%s\n%s", ev, log.String())
		}
	})

	t.Run("BGP password Secret missing", func(t *testing.T) {
		d := twoPairDesign()
		d.Peering.PasswordSecret = &design.SecretRef{Namespace: "calico-system", Name: "absent", Key: "password"}
		rec := record.NewFakeRecorder(10)
		r := &reconciler{Base: d, Switches: env.Switches, Calico: env.Calico, Core: env.Core, Recorder: rec,
			Logger: discard(), Lease: leaseConfig{Namespace: leaseNS, Name: "nw"}}
		p := r.pass(ctx, lister)
		if p.Err == nil {
			t.Fatal("pass succeeded without the BGP password Secret")
		}
		if got := testutil.ToFloat64(r.metrics().passErrors.WithLabelValues("not-found")); got != 1 {
			t.Errorf(`nodewatch_pass_errors_total{kind="not-found"} = %v, want 1 (err %v)`, got, p.Err)
		}
		if ev := <-rec.Events; !strings.HasPrefix(ev, "Warning PassFailed") || !strings.Contains(ev, "absent") {
			t.Errorf("event %q, want a PassFailed warning naming the Secret", ev)
		}
	})
}
