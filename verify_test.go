package nxcalico_test

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// unreadableSyncer is a Syncer for the case study whose switches (simulators) refuse every read.
// Its Calico client points at a closed loopback port: Verify fails on the leaves before it would
// ask the cluster.
func unreadableSyncer(t *testing.T, in *design.Intent) *nxcalico.Syncer {
	t.Helper()
	cc, err := calico.NewClient(&rest.Config{Host: "https://127.0.0.1:1"}, calico.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := &nxcalico.Syncer{Switches: map[string]*nxos.Client{}, Calico: cc}
	for _, l := range in.Leaves {
		sim := nxostest.NewServer()
		t.Cleanup(sim.Close)
		sim.Inject(nxostest.Fault{Count: 1 << 20, Status: http.StatusBadRequest,
			Match: func(r *http.Request) bool { return r.Method == http.MethodGet }})
		s.Switches[l.Name], err = nxos.NewClient(nxos.Options{URL: sim.URL(), RootCAs: sim.CertPool(),
			Credentials: nxos.Credentials{Username: "admin", Password: design.NewSecret("admin")},
			RetryMin:    time.Millisecond, RetryMax: time.Millisecond, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestWaitEstablishedGivesUpWithATypedError(t *testing.T) {
	in := derive(t, design.CaseStudy())
	s := unreadableSyncer(t, in)

	if _, err := s.WaitEstablished(context.Background(), in, -time.Second); err == nil || !strings.Contains(err.Error(), "poll interval -1s is negative") {
		t.Errorf("negative poll: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	v, err := s.WaitEstablished(ctx, in, 20*time.Millisecond)
	var ne *nxcalico.NotEstablishedError
	if v != nil || !errors.As(err, &ne) {
		t.Fatalf("%v, %v; want no verification and a *NotEstablishedError", v, err)
	}
	if ne.Last != nil || ne.Pending != nil {
		t.Errorf("last %v, pending %v: no verification succeeded", ne.Last, ne.Pending)
	}
	var api *nxos.APIError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &api) || api.Status != http.StatusBadRequest {
		t.Errorf("error does not unwrap to the deadline and the leaf's refusal: %v", err)
	}
	for _, w := range []string{"no verification succeeded", "last attempt", "leaf Leaf2101"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not say %q: %v", w, err)
		}
	}
}

func TestNotEstablishedErrorNamesTheSessionsDown(t *testing.T) {
	row := func(node string, up bool) nxcalico.SessionState {
		s := nxcalico.SessionState{Node: node, Leaf: "Leaf2101", Family: addressing.IPv4,
			NodeAddr: netip.MustParseAddr("192.168.1.10"), LeafAddr: netip.MustParseAddr("192.168.100.1"),
			LeafState: "idle", NodeState: "Active"}
		if up {
			s.LeafState, s.NodeState = "established", "Established"
		}
		return s
	}
	last := &nxcalico.Verification{}
	for i := range 8 {
		last.Sessions = append(last.Sessions, row("node0"+string(rune('0'+i)), i == 0))
	}
	if !last.Sessions[0].Established() || last.Sessions[1].Established() {
		t.Fatal("Established does not follow both ends")
	}
	ne := &nxcalico.NotEstablishedError{Last: last, Pending: last.Down(), Err: context.Canceled}
	want := "nxcalico: 7 of 8 sessions not established (node01–Leaf2101 IPv4, node02–Leaf2101 IPv4, node03–Leaf2101 IPv4, node04–Leaf2101 IPv4, node05–Leaf2101 IPv4 and 2 more): context canceled"
	if ne.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", ne, want)
	}
	if !errors.Is(ne, context.Canceled) {
		t.Error("does not unwrap to the context's error")
	}
	half := nxcalico.SessionState{LeafState: "established"}
	if half.Established() {
		t.Error("a session up on the leaf only counts as established")
	}
}
