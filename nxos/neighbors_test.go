package nxos

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

func TestNeighborsBothFamilies(t *testing.T) {
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	sim := newSim(t, nxostest.WithClock(func() time.Time { return at }))
	c := simClient(t, sim, nil)
	planApply(t, c, cfg)
	sim.SetPeersAlive(true)
	sim.SetPeerState("vrf-001", "2001:192:168:1::11", "active")

	ss, err := c.Neighbors(context.Background(), "vrf-001")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range ss {
		fams := make([]string, len(s.Families))
		for i, f := range s.Families {
			fams[i] = f.Type
		}
		got = append(got, s.Addr.String()+" "+s.State+" "+strings.Join(fams, ","))
		if s.Established() && !s.LastFlap.Equal(at) {
			t.Fatalf("%s: LastFlap = %v, want %v", s.Addr, s.LastFlap, at)
		}
		if s.VRF != "vrf-001" {
			t.Fatalf("%s: VRF = %q", s.Addr, s.VRF)
		}
	}
	want := []string{
		"192.168.1.10 established ipv4-ucast",
		"192.168.1.11 established ipv4-ucast",
		"192.168.1.13 established ipv4-ucast",
		"2001:192:168:1::10 established ipv6-ucast",
		"2001:192:168:1::11 active ipv6-ucast",
		"2001:192:168:1::13 established ipv6-ucast",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("sessions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ss, err := c.Neighbors(context.Background(), "vrf-none"); err != nil || len(ss) != 0 {
		t.Fatalf("sessions of an unknown VRF: %v, %v", ss, err)
	}
}

func TestWaitEstablished(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	sim := newSim(t)
	c := simClient(t, sim, nil)
	planApply(t, c, cfg)
	addrs := []netip.Addr{netip.MustParseAddr("192.168.1.10"), netip.MustParseAddr("2001:192:168:1::13")}

	// Sessions come up while waiting.
	var polls atomic.Int64
	sim.BeforeRequest(func(_ *http.Request) {
		if polls.Add(1) == 3 {
			sim.SetPeersAlive(true)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ss, err := c.WaitEstablished(ctx, "vrf-001", addrs, 5*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || !ss[0].Established() || !ss[1].Established() || polls.Load() < 3 {
		t.Fatalf("sessions = %+v after %d polls", ss, polls.Load())
	}
	sim.BeforeRequest(nil)

	// One stays down (and one is not configured at all): the deadline ends the wait.
	sim.SetPeerState("vrf-001", "192.168.1.10", "idle")
	ctx2, cancel2 := context.WithTimeout(context.Background(), 80*time.Millisecond)
	defer cancel2()
	start := time.Now()
	_, err = c.WaitEstablished(ctx2, "vrf-001", append(addrs, netip.MustParseAddr("192.168.1.77")), 10*time.Millisecond)
	var ne *NotEstablishedError
	if !errors.As(err, &ne) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want *NotEstablishedError wrapping the deadline", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("WaitEstablished overran its deadline")
	}
	if msg := err.Error(); !strings.Contains(msg, "192.168.1.10 idle") || !strings.Contains(msg, "192.168.1.77 no session") || strings.Contains(msg, "2001:192:168:1::13") {
		t.Fatalf("error = %q, want the idle and the missing neighbor only", msg)
	}
	if _, err := c.WaitEstablished(context.Background(), "vrf-001", addrs, -time.Millisecond); err == nil || !strings.Contains(err.Error(), "-1ms") {
		t.Fatalf("a negative poll interval: %v", err)
	}
	if _, err := c.WaitEstablished(context.Background(), "", addrs, 0); err == nil || !strings.Contains(err.Error(), "VRF") {
		t.Fatalf("an empty VRF name: %v", err)
	}
	// A zero poll interval means bgp.DefaultPoll: sessions already up return at the first read.
	sim.SetPeerState("vrf-001", "192.168.1.10", "")
	if ss, err := c.WaitEstablished(context.Background(), "vrf-001", addrs, 0); err != nil || len(ss) != 2 {
		t.Fatalf("zero poll interval: %v, %v", ss, err)
	}
}

func TestWaitEstablishedRetriesAFailedRead(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	sim := newSim(t)
	c := simClient(t, sim, nil)
	planApply(t, c, cfg)
	sim.SetPeersAlive(true)
	addrs := []netip.Addr{netip.MustParseAddr("192.168.1.10")}
	isGet := func(r *http.Request) bool { return r.Method == http.MethodGet }

	// Two reads fail, the third finds the session up.
	sim.Inject(nxostest.Fault{Count: 2, Status: http.StatusServiceUnavailable, Match: isGet})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if ss, err := c.WaitEstablished(ctx, "vrf-001", addrs, time.Millisecond); err != nil || len(ss) != 1 || !ss[0].Established() {
		t.Fatalf("after two failed reads: %v, %v", ss, err)
	}

	// Every read fails: the error names the awaited session and carries the last read's error.
	sim.Inject(nxostest.Fault{Count: 1000, Status: http.StatusBadRequest, Match: isGet})
	short, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	ss, err := c.WaitEstablished(short, "vrf-001", addrs, 10*time.Millisecond)
	var ne *NotEstablishedError
	if !errors.As(err, &ne) || ss != nil {
		t.Fatalf("%v, %v; want no states and a *NotEstablishedError", ss, err)
	}
	var api *APIError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &api) || api.Status != http.StatusBadRequest {
		t.Errorf("error does not unwrap to the deadline and the read's *APIError: %v", err)
	}
	if len(ne.Pending) != 1 || ne.Pending[0].Addr != addrs[0] || !strings.Contains(err.Error(), "192.168.1.10 no session") || !strings.Contains(err.Error(), "last attempt") {
		t.Errorf("error %q, pending %+v", err, ne.Pending)
	}
}
