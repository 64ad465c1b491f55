package integration_test

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
)

// TestSyncerRefusesAMisfit checks that a Syncer that does not fit the design fails every run
// before it sends a single request to a switch or the API server.
func TestSyncerRefusesAMisfit(t *testing.T) {
	ctx := testCtx(t)
	plain := derive(t, design.CaseStudy())
	withSecret := derive(t, passwordDesign())
	env := startLab(t, plain)
	tests := []struct {
		name    string
		in      *design.Intent
		modify  func(s *nxcalico.Syncer)
		wantErr []string
	}{
		{
			name:    "missing switch client",
			in:      plain,
			modify:  func(s *nxcalico.Syncer) { delete(s.Switches, "Leaf2102") },
			wantErr: []string{`no switch client for leaf "Leaf2102"`},
		},
		{
			name:    "switch client for a leaf the design does not have",
			in:      plain,
			modify:  func(s *nxcalico.Syncer) { s.Switches["Leaf9999"] = s.Switches["Leaf2101"] },
			wantErr: []string{`switch client "Leaf9999" is not a leaf of the design`},
		},
		{
			name:    "no Calico client",
			in:      plain,
			modify:  func(s *nxcalico.Syncer) { s.Calico = nil },
			wantErr: []string{"no Calico client"},
		},
		{
			name:    "password without a password secret",
			in:      plain,
			modify:  func(s *nxcalico.Syncer) { s.Password = design.NewSecret(clearPassword) },
			wantErr: []string{"a password was given but the design names no password secret"},
		},
		{
			name:    "password secret without a password",
			in:      withSecret,
			modify:  func(s *nxcalico.Syncer) {},
			wantErr: []string{"the design names password secret calico-system/bgp-password#password but no password was given (see ReadPassword)"},
		},
		{
			name:    "rotation without a password",
			in:      plain,
			modify:  func(s *nxcalico.Syncer) { s.RotatePassword = true },
			wantErr: []string{"RotatePassword is set but no password was given"},
		},
		{
			name: "every problem at once",
			in:   withSecret,
			modify: func(s *nxcalico.Syncer) {
				delete(s.Switches, "Leaf2101")
				s.Switches["leaf-x"] = s.Switches["Leaf2102"]
				s.Calico = nil
			},
			wantErr: []string{`no switch client for leaf "Leaf2101"`, `switch client "leaf-x" is not a leaf`, "no Calico client", "no password was given"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := env.Syncer()
			s.Switches = maps.Clone(s.Switches)
			tc.modify(s)
			short, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			runs := map[string]error{}
			_, runs["Plan"] = s.Plan(ctx, tc.in)
			_, runs["Verify"] = s.Verify(ctx, tc.in)
			_, runs["WaitEstablished"] = s.WaitEstablished(short, tc.in, time.Millisecond)
			for run, err := range runs {
				if err == nil {
					t.Errorf("%s: no error", run)
					continue
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s: error does not say %q:\n%v", run, w, err)
					}
				}
				if strings.Contains(err.Error(), clearPassword) {
					t.Errorf("%s: error shows the password", run)
				}
			}
			if short.Err() != nil {
				t.Error("WaitEstablished waited for a Syncer that cannot work")
			}
			for name, sim := range env.Sims {
				if reqs := sim.Requests(); len(reqs) != 0 {
					t.Errorf("leaf %s received %d requests, first %s %s", name, len(reqs), reqs[0].Method, reqs[0].Path)
				}
			}
			if got := calicoNames(t, ctx, env); len(got) != 0 {
				t.Errorf("API server holds %v", got)
			}
			st, err := env.Clientset.ProjectcalicoV3().CalicoNodeStatuses().List(ctx, metav1.ListOptions{})
			if err != nil || len(st.Items) != 0 {
				t.Errorf("CalicoNodeStatuses: %d (%v)", len(st.Items), err)
			}
		})
	}

	t.Run("nil intent and foreign plan", func(t *testing.T) {
		s := env.Syncer()
		if _, err := s.Plan(ctx, nil); err == nil || !strings.Contains(err.Error(), "nil intent") {
			t.Errorf("Plan(nil): %v", err)
		}
		for _, p := range []*nxcalico.Plan{nil, {}} {
			if _, err := s.Apply(ctx, p); err == nil || !strings.Contains(err.Error(), "plan not made by Syncer.Plan") {
				t.Errorf("Apply(%v): %v", p, err)
			}
		}
	})
}

// TestApplyRefusesAPlanItDidNotMake checks that Apply refuses a plan that Syncer.Plan did not make,
// and a plan made before the Syncer's switches, retired leaves, Nodes client or password changed,
// before it sends a single request.
func TestApplyRefusesAPlanItDidNotMake(t *testing.T) {
	ctx := testCtx(t)
	in := derive(t, design.CaseStudy())
	env := startLab(t, in)
	if _, err := env.Syncer().Apply(ctx, &nxcalico.Plan{}); err == nil || !strings.Contains(err.Error(), "not made by Syncer.Plan") {
		t.Errorf("Apply of a zero Plan: %v", err)
	}
	tests := []struct {
		name   string
		modify func(s *nxcalico.Syncer)
		want   string
	}{
		{"retired leaf added", func(s *nxcalico.Syncer) {
			s.Retired = map[string]*nxos.Client{"Leaf2199": s.Switches["Leaf2101"]}
		}, "retired leaves [Leaf2199], the plan was made for []"},
		{"nodes client dropped", func(s *nxcalico.Syncer) { s.Nodes = nil }, "another Nodes client"},
		{"calico client replaced", func(s *nxcalico.Syncer) {
			c, err := calico.NewClient(s.Calico.Config(), calico.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s.Calico = c
		}, "another Calico client"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := env.Syncer()
			plan, err := s.Plan(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, sim := range env.Sims {
				sim.ResetRequests()
			}
			tc.modify(s)
			_, err = s.Apply(ctx, plan)
			if err == nil || !strings.Contains(err.Error(), "changed since the plan was made") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Apply after %s: %v, want it to say %q", tc.name, err, tc.want)
			}
			if strings.Contains(err.Error(), clearPassword) {
				t.Error("the error shows the password")
			}
			for name, sim := range env.Sims {
				if reqs := sim.Requests(); len(reqs) != 0 {
					t.Errorf("leaf %s received %d requests", name, len(reqs))
				}
			}
		})
	}
}
