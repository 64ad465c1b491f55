package nxostest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestFailNextAndNth(t *testing.T) {
	s, se := start(t)
	s.FailNext(2, http.StatusServiceUnavailable)
	for i := range 2 {
		if st, e := se.fail(http.MethodGet, "/api/mo/sys.json", ""); st != 503 || e.Code != "503" {
			t.Errorf("request %d: %d %+v", i, st, e)
		}
	}
	se.get("/api/mo/sys.json")

	s.FailNth(3, http.StatusInternalServerError)
	var got []int
	for range 4 {
		st, _ := se.do(http.MethodGet, "/api/mo/sys.json", "")
		got = append(got, st)
	}
	if fmt.Sprint(got) != "[200 200 500 200]" {
		t.Errorf("FailNth(3): %v", got)
	}

	// A fault limited to POSTs does not count GETs.
	s.Inject(Fault{Nth: 2, Status: 500, Match: func(r *http.Request) bool { return r.Method == http.MethodPost }})
	se.get("/api/mo/sys.json")
	se.post("sys/bgp", `{"bgpEntity":{}}`)
	se.get("/api/mo/sys.json")
	if st, _ := se.do(http.MethodPost, "/api/mo/sys/bgp.json", `{"bgpEntity":{}}`); st != 500 {
		t.Errorf("second POST: %d", st)
	}
	// A failed POST changes nothing.
	s.FailNext(1, 500)
	se.do(http.MethodPost, "/api/mo/sys.json", leafBody)
	if s.Get("sys/bgp/inst") != nil {
		t.Error("failed POST was applied")
	}
	s.ClearFaults()
}

func TestResetNth(t *testing.T) {
	s, se := start(t)
	s.ResetNth(2)
	se.get("/api/mo/sys.json")
	// A POST: net/http transparently retries idempotent requests on a reused connection.
	_, _, err := DoJSON(context.Background(), se.c, http.MethodPost, s.URL()+"/api/mo/sys/bgp.json", []byte(`{"bgpEntity":{}}`))
	if err == nil {
		t.Fatal("reset request returned an answer")
	}
	if s.Get("sys/bgp") != nil {
		t.Error("reset POST was applied")
	}
	se.get("/api/mo/sys.json")
	reqs := s.Requests()
	if reqs[len(reqs)-2].Status != 0 {
		t.Errorf("reset request logged with status %d", reqs[len(reqs)-2].Status)
	}
}

func TestLatencyHonoursClientContext(t *testing.T) {
	s, se := start(t)
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := DoJSON(ctx, se.c, http.MethodGet, s.URL()+"/api/mo/sys.json", nil)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("latency: %v after %v", err, time.Since(start))
	}
	s.SetLatency(20 * time.Millisecond)
	start = time.Now()
	se.get("/api/mo/sys.json")
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("latency of %v not applied", d)
	}
}

func TestSlowBody(t *testing.T) {
	s, se := start(t)
	s.SetSlowBody(8, 20*time.Millisecond)
	c := *se.c
	c.Timeout = 60 * time.Millisecond
	if _, _, err := DoJSON(context.Background(), &c, http.MethodGet, s.URL()+"/api/mo/sys.json", nil); err == nil {
		t.Error("slow body arrived within the client timeout")
	}
	s.SetSlowBody(4096, time.Millisecond)
	if objs := se.get("/api/mo/sys.json"); len(objs) != 1 {
		t.Errorf("slow body content: %v", objs)
	}
}

func TestBeforeRequestAndLog(t *testing.T) {
	s, se := start(t)
	s.ResetRequests()
	var calls atomic.Int32
	s.BeforeRequest(func(r *http.Request) {
		if calls.Add(1) == 2 {
			s.ExpireTokens() // the session dies between two requests of the client
		}
	})
	se.post("sys/bgp", `{"bgpEntity":{}}`)
	st, _ := se.fail(http.MethodGet, "/api/mo/sys/bgp.json?rsp-subtree=full", "")
	if st != http.StatusForbidden {
		t.Errorf("after hook expired tokens: %d", st)
	}
	s.BeforeRequest(nil)
	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("requests: %+v", reqs)
	}
	if r := reqs[0]; r.Method != "POST" || r.DN != "sys/bgp" || r.Status != 200 || r.Body != `{"bgpEntity":{}}` {
		t.Errorf("POST logged as %+v", r)
	}
	if r := reqs[1]; r.Method != "GET" || r.Path != "/api/mo/sys/bgp.json" || r.Query.Get("rsp-subtree") != "full" || r.Status != 403 {
		t.Errorf("GET logged as %+v", r)
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Error("ResetRequests kept requests")
	}
	// Login bodies (passwords) are never kept.
	login(t, s)
	for _, r := range s.Requests() {
		if strings.Contains(r.Body, "pwd") {
			t.Errorf("login body logged: %+v", r)
		}
	}
}

func TestConcurrentPosts(t *testing.T) {
	s, se := start(t)
	se.post("sys", `{"topSystem":{"children":[{"bgpEntity":{"children":[{"bgpInst":{"children":[{"bgpDom":{"attributes":{"name":"v"}}}]}}]}}]}}`)
	var wg sync.WaitGroup
	const n = 40
	for i := range n {
		wg.Go(func() {
			body := fmt.Sprintf(`{"bgpDom":{"children":[{"bgpPeer":{"attributes":{"addr":"10.0.0.%d","asn":"65000"}}}]}}`, i+1)
			st, _, err := DoJSON(context.Background(), se.c, http.MethodPost, s.URL()+"/api/mo/sys/bgp/inst/dom-v.json", []byte(body))
			if err != nil || st != 200 {
				t.Errorf("POST %d: %d %v", i, st, err)
			}
			se.get("/api/class/bgpPeer.json")
		})
	}
	wg.Wait()
	if got := len(se.get("/api/class/bgpPeerEntry.json")); got != n {
		t.Errorf("%d peer entries after %d concurrent POSTs", got, n)
	}
}
