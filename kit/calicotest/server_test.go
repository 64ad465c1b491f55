package calicotest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"

	"github.com/nxcalico/nxcalico/kit/calicotest"
)

// servedResources returns the resources discovery lists for group g, or an
// error if the group is not served (HTTP 404).
func servedResources(t *testing.T, cfg *rest.Config, g calicotest.Group) ([]string, error) {
	t.Helper()
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	list, err := dc.ServerResourcesForGroupVersion(string(g) + "/" + g.Version())
	if err != nil {
		return nil, err
	}
	var names []string
	for _, r := range list.APIResources {
		if !strings.Contains(r.Name, "/") { // skip subresources such as ippools/status
			names = append(names, r.Name)
		}
	}
	slices.Sort(names)
	return names, nil
}

func TestStartGroups(t *testing.T) {
	tests := []struct {
		name   string
		groups []calicotest.Group
		want   []calicotest.Group
		absent []calicotest.Group
	}{
		{"v3 alone", []calicotest.Group{calicotest.GroupV3}, []calicotest.Group{calicotest.GroupV3}, []calicotest.Group{calicotest.GroupV1}},
		{"v1 alone, listed twice", []calicotest.Group{calicotest.GroupV1, calicotest.GroupV1}, []calicotest.Group{calicotest.GroupV1}, []calicotest.Group{calicotest.GroupV3}},
		{"both by default", nil, []calicotest.Group{calicotest.GroupV3, calicotest.GroupV1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := shared // started by TestMain with the zero Options
			if tt.groups != nil {
				var err error
				out := captureOutput(t, func() {
					srv, err = calicotest.Start(t.Context(), calicotest.Options{Groups: tt.groups})
				})
				if err != nil {
					t.Fatalf("Start: %v", err)
				}
				defer srv.Close()
				if out != "" {
					t.Errorf("Start wrote to stdout/stderr:\n%s", out)
				}
			}
			if got := srv.Groups(); !slices.Equal(got, tt.want) {
				t.Errorf("Groups() = %v, want %v", got, tt.want)
			}
			for _, g := range tt.want {
				got, err := servedResources(t, srv.Config(), g)
				if err != nil {
					t.Errorf("discovery of %s: %v", g, err)
				} else if !slices.Equal(got, resources) {
					t.Errorf("%s serves %v, want %v", g, got, resources)
				}
			}
			for _, g := range tt.absent {
				if _, err := servedResources(t, srv.Config(), g); !apierrors.IsNotFound(err) {
					t.Errorf("discovery of %s: error %v, want NotFound", g, err)
				}
			}
			if got, want := len(srv.CRDs()), 8*len(tt.want); got != want {
				t.Errorf("len(CRDs()) = %d, want %d", got, want)
			}
			if tt.groups == nil {
				return
			}
			// Close quietly, twice, and leave nothing listening.
			cfg := srv.Config()
			var err1, err2 error
			out := captureOutput(t, func() {
				err1 = srv.Close()
				err2 = srv.Close()
			})
			if err1 != nil || err2 != nil {
				t.Errorf("Close() = %v, then %v; want nil, nil", err1, err2)
			}
			if out != "" {
				t.Errorf("Close wrote to stdout/stderr:\n%s", out)
			}
			client, err := rest.HTTPClientFor(cfg)
			if err != nil {
				t.Fatal(err)
			}
			client.Timeout = 5 * time.Second
			if resp, err := client.Get(cfg.Host + "/healthz"); err == nil {
				resp.Body.Close()
				t.Errorf("GET %s/healthz after Close: status %d, want a connection error", cfg.Host, resp.StatusCode)
			}
		})
	}
}

func TestStartRejectsUnknownGroup(t *testing.T) {
	_, err := calicotest.Start(t.Context(), calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3, "projectcalico.org/v3"}})
	if err == nil {
		t.Fatal("Start accepted group \"projectcalico.org/v3\"")
	}
	for _, want := range []string{"Options.Groups", `"projectcalico.org/v3"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestStartHonoursContext(t *testing.T) {
	// Deadlines that end start-up in different phases (etcd, the API server and its post-start
	// hooks, the CRDs): each must give a deadline error, and none may take the process down.
	for _, d := range []time.Duration{100 * time.Millisecond, 400 * time.Millisecond, 900 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(t.Context(), d)
		srv, err := calicotest.Start(ctx, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}})
		cancel()
		if err == nil {
			srv.Close()
			continue // this machine was faster than the deadline
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Start with a %s deadline: error = %v, want context.DeadlineExceeded", d, err)
		}
	}
}

func TestConfigIsACopyWithDefaultRateLimits(t *testing.T) {
	a := shared.Config()
	a.Host = "https://changed.invalid"
	a.QPS = 99
	b := shared.Config()
	if b.Host == a.Host || b.QPS != 0 || b.Burst != 0 {
		t.Errorf("Config() = host %q qps %v burst %d after changing an earlier copy; want the server's host and zero QPS/Burst", b.Host, b.QPS, b.Burst)
	}
	resp, err := mustHTTPClient(t, b).Get(b.Host + "/readyz?verbose")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /readyz: status %d, want 200\n%s", resp.StatusCode, body)
	}
}

func mustHTTPClient(t *testing.T, cfg *rest.Config) *http.Client {
	t.Helper()
	c, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
