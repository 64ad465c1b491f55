package harness_test

import (
	"net/http"
	"os"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/nxcalico/nxcalico/kit/calicotest"
	"github.com/nxcalico/nxcalico/kit/calicotest/harness"
)

var srv *calicotest.Server

func TestMain(m *testing.M) {
	os.Exit(harness.Main(m, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV1}}, &srv))
}

var pools = schema.GroupVersionResource{Group: "crd.projectcalico.org", Version: "v1", Resource: "ippools"}

func TestMainSharesAServerAndResetEmptiesIt(t *testing.T) {
	if srv == nil {
		t.Fatal("Main did not set the server")
	}
	dc, err := dynamic.NewForConfig(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	pool := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "crd.projectcalico.org/v1", "kind": "IPPool",
		"metadata": map[string]any{"name": "pool1"},
		"spec":     map[string]any{"cidr": "10.244.0.0/16"},
	}}
	if _, err := dc.Resource(pools).Create(t.Context(), pool, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil {
		t.Fatalf("create: %v", err)
	}
	harness.Reset(t, srv)
	list, err := dc.Resource(pools).List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 0 {
		t.Errorf("%d IPPools after Reset, want 0", len(list.Items))
	}
}

func TestStartClosesWhenTheTestEnds(t *testing.T) {
	var cfg *rest.Config
	t.Run("inner", func(t *testing.T) {
		s := harness.Start(t, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}})
		cfg = s.Config()
		if code := healthz(t, cfg); code != http.StatusOK {
			t.Fatalf("healthz while the test runs: %d, want 200", code)
		}
	})
	if code := healthz(t, cfg); code != 0 {
		t.Errorf("healthz after the test ended: status %d, want a connection error", code)
	}
}

// healthz returns the status of GET /healthz, or 0 if nothing answers.
func healthz(t *testing.T, cfg *rest.Config) int {
	t.Helper()
	c, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Timeout = 5 * time.Second
	resp, err := c.Get(cfg.Host + "/healthz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
