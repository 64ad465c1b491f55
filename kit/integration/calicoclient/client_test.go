package calicoclient_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/change"

	"github.com/nxcalico/nxcalico/design"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
)

func TestNewClientOptions(t *testing.T) {
	cfg := &rest.Config{Host: "https://192.0.2.1:6443"}
	tests := []struct {
		name      string
		opts      calico.Options
		wantErr   string
		wantQPS   float32
		wantBurst int
	}{
		{name: "defaults", wantQPS: calico.DefaultQPS, wantBurst: calico.DefaultBurst},
		{name: "explicit rate", opts: calico.Options{QPS: 20, Burst: 40}, wantQPS: 20, wantBurst: 40},
		{name: "no client-side limit", opts: calico.Options{QPS: -1}, wantQPS: -1, wantBurst: calico.DefaultBurst},
		{name: "negative concurrency", opts: calico.Options{Concurrency: -2}, wantErr: "Options.Concurrency -2"},
		{name: "negative burst", opts: calico.Options{Burst: -1}, wantErr: "Options.Burst -1"},
		{name: "unknown group", opts: calico.Options{Group: "projectcalico.org/v1"}, wantErr: `Options.Group "projectcalico.org/v1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := calico.NewClient(cfg, tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := c.Config()
			if got.QPS != tt.wantQPS || got.Burst != tt.wantBurst {
				t.Errorf("QPS/Burst = %v/%d, want %v/%d", got.QPS, got.Burst, tt.wantQPS, tt.wantBurst)
			}
			if cfg.QPS != 0 || cfg.Burst != 0 {
				t.Errorf("the caller's rest.Config was modified: %v/%d", cfg.QPS, cfg.Burst)
			}
		})
	}
	if _, err := calico.NewClient(nil, calico.Options{}); err == nil {
		t.Error("NewClient(nil) succeeded")
	}
}

func TestDiscoveryAndForcedGroup(t *testing.T) {
	for _, g := range groups {
		t.Run(string(g), func(t *testing.T) {
			srv := groupServer(t, g)
			c, err := calico.NewClient(srv.Config(), calico.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := c.Group(t.Context()); err != nil || got != g {
				t.Errorf("discovered %q, %v; want %q", got, err, g)
			}
			// Forcing the group the server lacks fails on the first request, naming it.
			other := calico.GroupV1
			if g == calico.GroupV1 {
				other = calico.GroupV3
			}
			forced, err := calico.NewClient(srv.Config(), calico.Options{Group: other})
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := forced.Group(t.Context()); got != other {
				t.Errorf("forced group = %q, want %q", got, other)
			}
			_, err = forced.Current(t.Context(), "prod")
			if err == nil || !strings.Contains(err.Error(), string(other)) {
				t.Errorf("Current on a server without %s: %v", other, err)
			}
		})
	}
}

// testPeer is a small valid BGPPeer for tests.
func testPeer(name, ip string) *v3.BGPPeer {
	p := v3.NewBGPPeer()
	p.Name = name
	p.Spec.PeerIP = ip
	p.Spec.ASNumber = 65000
	return p
}

func TestPlanValidatesEverythingBeforeAnyRequest(t *testing.T) {
	srv := groupServer(t, calico.GroupV3)
	var requests atomic.Int64
	c, err := calico.NewClient(countingConfig(srv.Config(), &requests), calico.Options{})
	if err != nil {
		t.Fatal(err)
	}
	foreign := testPeer("foreign", "192.0.2.2")
	foreign.Labels = map[string]string{calico.ManagedByLabel: "other"}
	namespaced := testPeer("namespaced", "192.0.2.3")
	namespaced.Namespace = "default"
	stale := testPeer("stale", "192.0.2.4")
	stale.ResourceVersion = "42"
	badLabel := testPeer("bad-label", "192.0.2.5")
	badLabel.Labels = map[string]string{"rack": "no spaces allowed"}
	var nilPeer *v3.BGPPeer
	desired := []calico.Object{
		testPeer("ok", "192.0.2.1"),
		testPeer("", "192.0.2.9"),
		testPeer("Not_A_Name", "192.0.2.10"),
		foreign,
		namespaced,
		stale,
		badLabel,
		testPeer("ok", "192.0.2.11"),
		nil,
		nilPeer,
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm"}},
	}
	_, err = c.Plan(t.Context(), "prod", desired)
	if err == nil {
		t.Fatal("Plan accepted invalid objects")
	}
	for _, want := range []string{
		`desired[1] BGPPeer: metadata.name is empty`,
		`desired[2] BGPPeer "Not_A_Name": metadata.name:`,
		`desired[3] BGPPeer "foreign": metadata.labels[nxcalico.io/managed-by] is "other", but the plan is for cluster "prod"`,
		`desired[4] BGPPeer "namespaced": metadata.namespace "default"`,
		`desired[5] BGPPeer "stale": metadata.resourceVersion "42"`,
		`desired[6] BGPPeer "bad-label": metadata.labels[rack] "no spaces allowed"`,
		`desired[7] BGPPeer "ok": same kind and name as desired[0]`,
		`desired[8]: nil object`,
		`desired[9]: nil object`,
		`desired[10] "cm": type *v1.ConfigMap is not a kind nxcalico applies`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent before validation failed, want 0", n)
	}

	for _, cluster := range []string{"", "not a label value"} {
		if _, err := c.Plan(t.Context(), cluster, nil); err == nil || !strings.Contains(err.Error(), "cluster name") {
			t.Errorf("Plan with cluster %q: %v, want a cluster name error", cluster, err)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent for invalid cluster names, want 0", n)
	}
}

func TestPlanAddsManagedByLabelWithoutModifyingTheInput(t *testing.T) {
	srv := groupServer(t, calico.GroupV3)
	c, err := calico.NewClient(srv.Config(), calico.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p0 := testPeer("unlabelled", "192.0.2.1")
	p, err := c.Plan(t.Context(), "prod", []calico.Object{p0})
	if err != nil {
		t.Fatal(err)
	}
	if p0.Labels != nil {
		t.Errorf("Plan modified the caller's object: labels %v", p0.Labels)
	}
	if got := p.Changes[0].Desired.GetLabels()[calico.ManagedByLabel]; got != "prod" {
		t.Errorf("planned object label %q, want prod", got)
	}
	if _, err := c.Apply(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	cur, err := c.Current(t.Context(), "prod")
	if err != nil || len(cur) != 1 || cur[0].GetName() != "unlabelled" {
		t.Errorf("Current = %v, %v; want the one peer", cur, err)
	}
}

func TestCancelledContext(t *testing.T) {
	srv := groupServer(t, calico.GroupV3)
	c, err := calico.NewClient(srv.Config(), calico.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(t.Context())
	cause := errors.New("operator pressed ^C")
	cancel(cause)
	objs := desiredObjects(t, design.CaseStudy())
	if _, err := c.Plan(ctx, "prod", objs.All()); !errors.Is(err, cause) {
		t.Errorf("Plan with a cancelled context: %v, want the cause %v", err, cause)
	}
	if _, err := c.Status(ctx, "prod", []string{"node01"}); !errors.Is(err, cause) {
		t.Errorf("Status with a cancelled context: %v, want the cause %v", err, cause)
	}
}

func TestApplyRejectsForeignPlans(t *testing.T) {
	srv := groupServer(t, calico.GroupV3)
	c, err := calico.NewClient(srv.Config(), calico.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Apply(t.Context(), nil); err == nil {
		t.Error("Apply(nil) succeeded")
	}
	handMade := &calico.Plan{Cluster: "prod", Group: calico.GroupV3, Changes: []calico.Change{{Action: change.Create, Object: calico.ObjectRef{Kind: "BGPPeer", Name: "x"}, Desired: testPeer("x", "192.0.2.1")}}}
	if _, err := c.Apply(t.Context(), handMade); err == nil || !strings.Contains(err.Error(), "not made by Client.Plan") {
		t.Errorf("Apply of a hand-made plan: %v", err)
	}
	p, err := c.Plan(t.Context(), "prod", []calico.Object{testPeer("x", "192.0.2.1")})
	if err != nil {
		t.Fatal(err)
	}
	p.Group = calico.GroupV1
	if _, err := c.Apply(t.Context(), p); err == nil || !strings.Contains(err.Error(), "plan was made against crd.projectcalico.org/v1") {
		t.Errorf("Apply of a plan for the other group: %v", err)
	}
}
