package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	"github.com/nxcalico/nxcalico/kit/calicotest/harness"
	"github.com/nxcalico/nxcalico/kit/lab"
)

// srv is the API server every test of this binary shares; each test empties it first.
var srv *calicotest.Server

func TestMain(m *testing.M) {
	os.Exit(harness.Main(m, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}}, &srv))
}

// testCtx is a context that ends with the test, bounded so a hang fails instead of blocking.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// derive validates and derives d, failing the test when it is not valid.
func derive(t *testing.T, d *design.Design) *design.Intent {
	t.Helper()
	in, err := design.Derive(d)
	if err != nil {
		t.Fatalf("Derive: %v", err)
	}
	return in
}

// startLab empties the shared API server and starts simulated leaves and Nodes for in.
func startLab(t *testing.T, in *design.Intent) *lab.Lab {
	t.Helper()
	harness.Reset(t, srv)
	env, err := lab.StartWith(testCtx(t), in, lab.Options{API: srv})
	if err != nil {
		t.Fatalf("lab.StartWith: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Close(); err != nil {
			t.Errorf("lab.Close: %v", err)
		}
	})
	return env
}

// bgpPeerNames lists the BGPPeers on the API server, sorted.
func bgpPeerNames(ctx context.Context, env *lab.Lab) ([]string, error) {
	list, err := env.Clientset.ProjectcalicoV3().BGPPeers().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(list.Items))
	for _, p := range list.Items {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	return names, nil
}

// configPost is one configuration POST a simulated leaf received, with the BGPPeers that existed on
// the API server at the moment it arrived (listed before the leaf handled it).
type configPost struct {
	Leaf  string
	Peers []string
	Err   error
	// Removes: the POST deletes a BGP neighbor (Apply sends removals in POSTs of their own).
	Removes bool
}

// postRecorder records, for every configuration POST to any simulated leaf, which BGPPeers
// existed when the POST arrived. Reading the API server inside the simulator's request hook makes
// the order exact: no clock comparison and no watch delay is involved.
type postRecorder struct {
	mu    sync.Mutex
	posts []configPost
}

func recordPosts(t *testing.T, env *lab.Lab) *postRecorder {
	t.Helper()
	rec := &postRecorder{}
	for name, sim := range env.Sims {
		sim.BeforeRequest(func(r *http.Request) {
			if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/api/mo/") || strings.Contains(r.URL.Path, "aaa") {
				return
			}
			body, rerr := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			peers, err := bgpPeerNames(r.Context(), env)
			rec.mu.Lock()
			rec.posts = append(rec.posts, configPost{Leaf: name, Peers: peers, Err: errors.Join(err, rerr),
				Removes: deletesNeighbor(body)})
			rec.mu.Unlock()
		})
		t.Cleanup(func() { sim.BeforeRequest(nil) })
	}
	return rec
}

func (r *postRecorder) list() []configPost {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.posts)
}

// deletesNeighbor reports whether a DME POST body deletes a bgpPeer.
func deletesNeighbor(body []byte) bool {
	var root any
	if json.Unmarshal(body, &root) != nil {
		return false
	}
	var walk func(v any, class string) bool
	walk = func(v any, class string) bool {
		switch t := v.(type) {
		case map[string]any:
			if attrs, ok := t["attributes"].(map[string]any); ok && class == "bgpPeer" && attrs["status"] == "deleted" {
				return true
			}
			for k, c := range t {
				next := class
				if k != "attributes" && k != "children" {
					next = k
				}
				if walk(c, next) {
					return true
				}
			}
		case []any:
			for _, c := range t {
				if walk(c, class) {
					return true
				}
			}
		}
		return false
	}
	return walk(root, "")
}

// startApplied starts a lab of in and brings it to in with the lab's Syncer.
func startApplied(t *testing.T, ctx context.Context, in *design.Intent) *lab.Lab {
	t.Helper()
	env := startLab(t, in)
	s := env.Syncer()
	p, err := s.Plan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	return env
}
