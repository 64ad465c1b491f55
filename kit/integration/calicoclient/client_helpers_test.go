package calicoclient_test

import (
	"errors"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/nxcalico/nxcalico/calico"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// desiredObjects renders d or fails the test.
func desiredObjects(tb testing.TB, d *design.Design) *calico.Objects {
	tb.Helper()
	objs, err := calico.Render(renderIntent(tb, d))
	if err != nil {
		tb.Fatalf("render: %v", err)
	}
	return objs
}

// raw reads and writes a server's Calico objects directly, as another client of the cluster
// would, independently of Client.
type raw struct {
	tb  testing.TB
	g   calico.Group
	dyn dynamic.Interface
}

// rawClient returns a raw client for group g of srv.
func rawClient(tb testing.TB, srv *calicotest.Server, g calico.Group) *raw {
	tb.Helper()
	dyn, err := dynamic.NewForConfig(srv.Config())
	if err != nil {
		tb.Fatal(err)
	}
	return &raw{tb: tb, g: g, dyn: dyn}
}

func (r *raw) res(resource string) dynamic.NamespaceableResourceInterface {
	gv := r.g.GroupVersion()
	return r.dyn.Resource(schema.GroupVersionResource{Group: gv.Group, Version: gv.Version, Resource: resource})
}

// get returns the object, or nil when it does not exist.
func (r *raw) get(resource, name string) *unstructured.Unstructured {
	r.tb.Helper()
	u, err := r.res(resource).Get(r.tb.Context(), name, metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		r.tb.Fatalf("get %s %q: %v", resource, name, err)
	}
	return u
}

// names lists the names of every object of resource, sorted.
func (r *raw) names(resource string) []string {
	r.tb.Helper()
	l, err := r.res(resource).List(r.tb.Context(), metav1.ListOptions{})
	if err != nil {
		r.tb.Fatalf("list %s: %v", resource, err)
	}
	var out []string
	for _, it := range l.Items {
		out = append(out, it.GetName())
	}
	slices.Sort(out)
	return out
}

// apply server-side applies content (apiVersion and kind filled in for the group) as manager,
// with force, the way another tool would take fields over.
func (r *raw) apply(resource, kind, manager string, content map[string]any) *unstructured.Unstructured {
	r.tb.Helper()
	content["apiVersion"] = string(r.g)
	content["kind"] = kind
	u := &unstructured.Unstructured{Object: content}
	body, err := u.MarshalJSON()
	if err != nil {
		r.tb.Fatal(err)
	}
	force := true
	got, err := r.res(resource).Patch(r.tb.Context(), u.GetName(), types.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: manager, Force: &force})
	if err != nil {
		r.tb.Fatalf("apply %s %q as %q: %v", kind, u.GetName(), manager, err)
	}
	return got
}

// mergePatch merge-patches an object as manager (an Update operation, as kubectl edit makes).
func (r *raw) mergePatch(resource, name, manager, patch string) {
	r.tb.Helper()
	if _, err := r.res(resource).Patch(r.tb.Context(), name, types.MergePatchType, []byte(patch),
		metav1.PatchOptions{FieldManager: manager}); err != nil {
		r.tb.Fatalf("merge-patch %s %q as %q: %v", resource, name, manager, err)
	}
}

// countingConfig returns a copy of cfg whose requests are counted in n.
func countingConfig(cfg *rest.Config, n *atomic.Int64) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			n.Add(1)
			return rt.RoundTrip(req)
		})
	})
	return c
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// mustPlan plans or fails the test.
func mustPlan(tb testing.TB, c *calico.Client, cluster string, desired []calico.Object) *calico.Plan {
	tb.Helper()
	p, err := c.Plan(tb.Context(), cluster, desired)
	if err != nil {
		tb.Fatalf("plan: %v", err)
	}
	return p
}

// mustApply plans and applies desired or fails the test.
func mustApply(tb testing.TB, c *calico.Client, cluster string, desired []calico.Object) (*calico.Plan, *calico.Result) {
	tb.Helper()
	p := mustPlan(tb, c, cluster, desired)
	res, err := c.Apply(tb.Context(), p)
	if err != nil {
		tb.Fatalf("apply: %v", err)
	}
	return p, res
}

// refs returns the ObjectRefs of objs.
func refs(tb testing.TB, objs []calico.Object) []calico.ObjectRef {
	tb.Helper()
	out := make([]calico.ObjectRef, len(objs))
	for i, o := range objs {
		out[i] = calico.ObjectRef{Kind: kindOf(tb, o).name, Name: o.GetName()}
	}
	return out
}

// statusCode is the HTTP status of an API error, 0 for other errors.
func statusCode(err error) int32 {
	var s apierrors.APIStatus
	if errors.As(err, &s) {
		return s.Status().Code
	}
	return 0
}
