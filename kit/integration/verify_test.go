package integration_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/lab"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// applied starts a lab for the case study and applies it, returning the lab and its Syncer.
func applied(t *testing.T) (*design.Intent, *lab.Lab, *nxcalico.Syncer) {
	t.Helper()
	in := derive(t, design.CaseStudy())
	env := startApplied(t, testCtx(t), in)
	return in, env, env.Syncer()
}

// report makes the calico-node stand-in write every node's status; the first Verify creates the
// CalicoNodeStatus objects it fills.
func report(t *testing.T, ctx context.Context, env *lab.Lab, s *nxcalico.Syncer, in *design.Intent) {
	t.Helper()
	if _, err := s.Verify(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := env.Reporter.Report(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyShowsADownSession(t *testing.T) {
	ctx := testCtx(t)
	in, env, s := applied(t)
	env.Sims["Leaf2102"].SetPeerState("vrf-001", "192.168.1.11", "idle")
	report(t, ctx, env, s, in)

	v, err := s.Verify(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if v.Established() || len(v.Sessions) != 12 {
		t.Fatalf("%d sessions, established %v", len(v.Sessions), v.Established())
	}
	down := v.Down()
	if len(down) != 1 {
		t.Fatalf("down sessions %+v, want node01–Leaf2102 IPv4 only", down)
	}
	d := down[0]
	if d.Node != "node01" || d.Leaf != "Leaf2102" || d.Family.String() != "IPv4" || d.NodeAddr.String() != "192.168.1.11" ||
		d.LeafAddr.String() != "192.168.100.2" || d.LeafState != "idle" || d.NodeState != "Active" || d.Established() {
		t.Errorf("down session %+v", d)
	}
	row := "node01  IPv4    Leaf2102  192.168.1.11        192.168.100.2      idle         Active       no"
	if !strings.Contains(v.String(), row) {
		t.Errorf("table has no row %q:\n%s", row, v)
	}
	if n := strings.Count(v.String(), "  yes\n"); n != 11 {
		t.Errorf("table shows %d sessions up, want 11:\n%s", n, v)
	}

	short, cancel := context.WithTimeout(ctx, 400*time.Millisecond)
	defer cancel()
	w, err := s.WaitEstablished(short, in, 50*time.Millisecond)
	if err == nil {
		t.Fatal("WaitEstablished succeeded with a session down")
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "1 of 12 sessions not established (node01–Leaf2102 IPv4)") {
		t.Errorf("WaitEstablished error: %v", err)
	}
	if w == nil || len(w.Down()) != 1 {
		t.Errorf("WaitEstablished returned %v, want the last verification", w)
	}
	var ne *nxcalico.NotEstablishedError
	if !errors.As(err, &ne) || ne.Last != w || len(ne.Pending) != 1 || ne.Pending[0].Node != "node01" || ne.ReadErr != nil {
		t.Errorf("WaitEstablished error %v, want a *NotEstablishedError naming node01's session and no read error", err)
	}

	// The neighbor comes back: the next report and verification see it.
	env.Sims["Leaf2102"].SetPeerState("vrf-001", "192.168.1.11", "")
	if err := env.Reporter.Report(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := s.WaitEstablished(ctx, in, 10*time.Millisecond); err != nil || !v.Established() {
		t.Errorf("after the neighbor came back: %v", err)
	}
}

func TestVerifyNamesAnUnreadableLeaf(t *testing.T) {
	ctx := testCtx(t)
	in, env, s := applied(t)
	report(t, ctx, env, s, in)
	env.Sims["Leaf2102"].Inject(nxostest.Fault{Nth: 1, Count: 1000, Status: http.StatusBadRequest,
		Match: func(r *http.Request) bool { return r.Method == http.MethodGet }})

	if _, err := s.Verify(ctx, in); err == nil || !strings.Contains(err.Error(), "reading leaf sessions: leaf Leaf2102") {
		t.Errorf("Verify: %v", err)
	}
	// A poll longer than the deadline: the only attempt ends well before it.
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	v, err := s.WaitEstablished(short, in, time.Hour)
	if err == nil || v != nil {
		t.Fatalf("WaitEstablished: %v, %v", v, err)
	}
	for _, w := range []string{"no verification succeeded", "last attempt", "leaf Leaf2102", "400"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not say %q: %v", w, err)
		}
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error does not wrap the deadline: %v", err)
	}
}
