package nxos

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

type fleetRig struct {
	sims    map[string]*nxostest.Server
	targets []Target
}

// newFleetRig starts one simulator per name, each to receive cfg (features on
// unless blank), and returns targets in the given order.
func newFleetRig(t *testing.T, cfg *LeafConfig, featuresOn bool, names ...string) *fleetRig {
	t.Helper()
	r := &fleetRig{sims: map[string]*nxostest.Server{}}
	for _, n := range names {
		sim := newSim(t, nxostest.WithHostname(n))
		if featuresOn {
			if err := sim.Load(cfg.Features); err != nil {
				t.Fatal(err)
			}
		}
		r.sims[n] = sim
		r.targets = append(r.targets, Target{Name: n, Client: simClient(t, sim, func(o *Options) { o.Retries = 2 }), Config: cfg})
	}
	return r
}

// recorder collects progress events per switch.
type recorder struct {
	mu     sync.Mutex
	events map[string][]Stage
}

func (r *recorder) add(p Progress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.events == nil {
		r.events = map[string][]Stage{}
	}
	r.events[p.Switch] = append(r.events[p.Switch], p.Stage)
}

func (r *recorder) of(name string) []Stage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.events[name]
}

const neighbor13 = "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.13]"

func TestFleetIsolatesFailures(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	rig := newFleetRig(t, cfg, false, "leaf-d", "leaf-b", "leaf-c", "leaf-a")
	rig.sims["leaf-c"].Inject(nxostest.Fault{Count: 100, Status: http.StatusBadRequest, Match: isConfigPost})
	var rec recorder
	f, err := NewFleet(FleetOptions{Concurrency: 2, Progress: rec.add})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.Apply(context.Background(), rig.targets)
	if err == nil || !strings.Contains(err.Error(), "leaf-c: ") || strings.Contains(err.Error(), "leaf-a") {
		t.Fatalf("joined error = %v, want only leaf-c", err)
	}
	var names []string
	for _, r := range res {
		names = append(names, r.Switch)
		sim := rig.sims[r.Switch]
		if r.Switch == "leaf-c" {
			var ae *APIError
			if !errors.As(r.Err, &ae) || ae.Status != http.StatusBadRequest || r.Applied {
				t.Fatalf("leaf-c result: %+v", r)
			}
			if sim.Get(neighbor13) != nil {
				t.Fatal("leaf-c holds configuration although its POST was refused")
			}
			if got := rec.of(r.Switch); !slices.Equal(got, []Stage{Planned, Failed}) {
				t.Fatalf("leaf-c events = %v", got)
			}
			continue
		}
		if r.Err != nil || !r.Applied || r.Plan.Empty() {
			t.Fatalf("%s result: %+v", r.Switch, r)
		}
		if sim.Get(neighbor13) == nil {
			t.Fatalf("%s lacks the configuration after a fleet apply", r.Switch)
		}
		if got := rec.of(r.Switch); !slices.Equal(got, []Stage{Planned, Applied}) {
			t.Fatalf("%s events = %v", r.Switch, got)
		}
	}
	if !slices.Equal(names, []string{"leaf-a", "leaf-b", "leaf-c", "leaf-d"}) {
		t.Fatalf("results not ordered by name: %v", names)
	}
}

func TestFleetAllOrNothingRestoresChangedSwitches(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	rig := newFleetRig(t, cfg, true, "leaf-a", "leaf-b", "leaf-c")
	// leaf-a holds an older state: a template property that will be updated and
	// a stale neighbor of ours that will be pruned; restore must bring both back.
	a := rig.sims["leaf-a"]
	for _, o := range []*dme.Object{
		dme.New("bgpPeerCont", "dn", "sys/bgp/inst/dom-default/peercont-CALICO", "name", "CALICO", "asn", "65531", "ttl", "5"),
		dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.99]", "addr", "192.168.1.99", "peerImp", "CALICO").Add(
			dme.New("bgpPeerAf", "type", "ipv4-ucast", "asOverride", "enabled")),
	} {
		if err := a.Load(o); err != nil {
			t.Fatal(err)
		}
	}
	rig.sims["leaf-c"].Inject(nxostest.Fault{Count: 100, Status: http.StatusInternalServerError, Match: isConfigPost})
	before := map[string]map[string]*flatObj{}
	for n, s := range rig.sims {
		before[n] = simState(t, s)
	}

	var rec recorder
	f, _ := NewFleet(FleetOptions{Concurrency: 1, AllOrNothing: true, Progress: rec.add})
	res, err := f.Apply(context.Background(), rig.targets)
	if err == nil || !strings.Contains(err.Error(), "leaf-c: ") {
		t.Fatalf("err = %v, want leaf-c's failure", err)
	}
	for _, r := range res {
		switch r.Switch {
		case "leaf-a", "leaf-b":
			if r.Err != nil || !r.Restored || r.Applied {
				t.Fatalf("%s result: %+v, want restored", r.Switch, r)
			}
			if got := rec.of(r.Switch); !slices.Equal(got, []Stage{Planned, Applied, Restored}) {
				t.Fatalf("%s events = %v", r.Switch, got)
			}
		case "leaf-c":
			var ae *APIError
			if !errors.As(r.Err, &ae) || ae.Status != http.StatusInternalServerError {
				t.Fatalf("leaf-c err = %v", r.Err)
			}
		}
		onlyBefore, onlyAfter, changed := stateDiff(before[r.Switch], simState(t, rig.sims[r.Switch]))
		if len(onlyBefore)+len(onlyAfter)+len(changed) > 0 {
			t.Fatalf("%s differs from its state before the run: missing %v, extra %v, changed %v", r.Switch, onlyBefore, onlyAfter, changed)
		}
	}
}

func TestFleetAllOrNothingPlanFailureChangesNothing(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	rig := newFleetRig(t, cfg, false, "leaf-a", "leaf-b", "leaf-c")
	rig.sims["leaf-b"].Inject(nxostest.Fault{Count: 100, Status: http.StatusBadRequest, Match: func(r *http.Request) bool { return r.Method == http.MethodGet }})
	f, _ := NewFleet(FleetOptions{AllOrNothing: true})
	res, err := f.Apply(context.Background(), rig.targets)
	if err == nil {
		t.Fatal("no error although leaf-b could not be planned")
	}
	for _, r := range res {
		if r.Err == nil || r.Applied {
			t.Fatalf("%s: %+v, want not applied", r.Switch, r)
		}
		if r.Switch != "leaf-b" && !errors.Is(r.Err, ErrNotStarted) {
			t.Fatalf("%s err = %v, want ErrNotStarted", r.Switch, r.Err)
		}
		for _, q := range rig.sims[r.Switch].Requests() {
			if q.Method == http.MethodPost && q.Path != "/api/aaaLogin.json" {
				t.Fatalf("%s received %s %s although a plan failed", r.Switch, q.Method, q.Path)
			}
		}
	}
}

func TestFleetTokenExpiryMidRunRecovers(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2102"]
	names := []string{"leaf-1", "leaf-2", "leaf-3", "leaf-4", "leaf-5"}
	rig := newFleetRig(t, cfg, true, names...)
	for _, sim := range rig.sims {
		sim.BeforeRequest(func(r *http.Request) {
			if isConfigPost(r) {
				sim.ExpireTokens() // every session dies between plan and apply
				sim.BeforeRequest(nil)
			}
		})
	}
	f, _ := NewFleet(FleetOptions{Concurrency: 3})
	res, err := f.Apply(context.Background(), rig.targets)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		sim := rig.sims[r.Switch]
		logins := 0
		for _, q := range sim.Requests() {
			if q.Path == "/api/aaaLogin.json" {
				logins++
			}
		}
		if !r.Applied || logins != 2 || sim.Get(neighbor13) == nil {
			t.Fatalf("%s: applied %v, logins %d, want applied after exactly one re-login", r.Switch, r.Applied, logins)
		}
	}
}

func TestFleetCancellationStopsPendingWork(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	names := []string{"leaf-1", "leaf-2", "leaf-3", "leaf-4"}
	rig := newFleetRig(t, cfg, true, names...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, _ := NewFleet(FleetOptions{Concurrency: 1, Progress: func(p Progress) {
		if p.Switch == "leaf-1" && p.Stage == Applied {
			cancel()
		}
	}})
	res, err := f.Apply(ctx, rig.targets)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !res[0].Applied || rig.sims["leaf-1"].Get(neighbor13) == nil {
		t.Fatalf("leaf-1 was not applied: %+v", res[0])
	}
	for _, r := range res[1:] {
		if !errors.Is(r.Err, context.Canceled) || r.Applied {
			t.Fatalf("%s: %+v, want not started", r.Switch, r)
		}
		if n := len(rig.sims[r.Switch].Requests()); n != 0 {
			t.Fatalf("%s received %d requests after cancellation", r.Switch, n)
		}
	}
}

func TestFleetPlanOnlyChangesNothing(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	rig := newFleetRig(t, cfg, true, "leaf-a", "leaf-b")
	f, _ := NewFleet(FleetOptions{})
	res, err := f.Plan(context.Background(), rig.targets)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Plan.Empty() || r.Applied {
			t.Fatalf("%s: %+v", r.Switch, r)
		}
		for _, q := range rig.sims[r.Switch].Requests() {
			if q.Method == http.MethodPost && q.Path != "/api/aaaLogin.json" {
				t.Fatalf("%s: Fleet.Plan sent %s %s", r.Switch, q.Method, q.Path)
			}
		}
	}
}

func TestFleetAppliesGivenPlansWithoutReading(t *testing.T) {
	cfg := caseStudy(t, nil, "")["Leaf2101"]
	rig := newFleetRig(t, cfg, true, "leaf-a", "leaf-b")
	f, _ := NewFleet(FleetOptions{})
	planned, err := f.Plan(context.Background(), rig.targets)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rig.targets {
		rig.targets[i].Plan = planned[i].Plan
		rig.sims[rig.targets[i].Name].ResetRequests()
	}
	res, err := f.Apply(context.Background(), rig.targets)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if !r.Applied || r.Plan != planned[i].Plan {
			t.Errorf("%s: not applied from the given plan: %+v", r.Switch, r)
		}
		var methods []string
		for _, q := range rig.sims[r.Switch].Requests() {
			methods = append(methods, q.Method)
		}
		if !slices.Equal(methods, []string{http.MethodPost}) {
			t.Errorf("%s: requests %v, want the one POST of the given plan", r.Switch, methods)
		}
		again, err := rig.targets[i].Client.Plan(context.Background(), cfg)
		if err != nil || !again.Empty() {
			t.Errorf("%s: plan after apply: %v, %v", r.Switch, again, err)
		}
	}
	wrong := rig.targets[0]
	wrong.Plan = &Plan{Leaf: "Leaf2102"}
	if _, err := f.Apply(context.Background(), []Target{wrong}); err == nil || !strings.Contains(err.Error(), `plan is for "Leaf2102"`) {
		t.Errorf("mismatched plan: %v", err)
	}
}

func TestFleetRejectsBadTargets(t *testing.T) {
	f, _ := NewFleet(FleetOptions{})
	cfg := smallLeaf()
	c := newTestClient(t, "http://127.0.0.1:1", "admin", "pw", nil)
	_, err := f.Apply(context.Background(), []Target{{Name: "a", Client: c, Config: cfg}, {Name: "a", Client: c, Config: cfg}, {Name: "b", Config: cfg}, {Client: c}})
	for _, want := range []string{`"a": duplicate Name`, `"b": nil Client`, "target 3: empty Name", `"": nil Config`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %s", err, want)
		}
	}
	if _, err := NewFleet(FleetOptions{Concurrency: -1}); err == nil || !strings.Contains(err.Error(), "-1") {
		t.Fatalf("negative concurrency: %v", err)
	}
}

// TestFleetLogsNoSecretsAndPrintsNothing runs a fleet through faults (5xx,
// connection reset, expired sessions, a refused switch) with debug logging on
// and the global logger and stdout/stderr redirected.
func TestFleetLogsNoSecretsAndPrintsNothing(t *testing.T) {
	const bgpPassword = `n0de"pa\ss`
	const apiPassword = `api"pa\ss`
	cfg := caseStudy(t, nil, bgpPassword)["Leaf2101"]
	var logs bytes.Buffer
	var logMu sync.Mutex
	lg := slog.New(slog.NewJSONHandler(lockedWriter{&logs, &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))

	var tokMu sync.Mutex
	var tokens []string
	var targets []Target
	sims := map[string]*nxostest.Server{}
	for i, name := range []string{"leaf-1", "leaf-2", "leaf-3", "leaf-4"} {
		sim := newSim(t, nxostest.WithCredentials("admin", apiPassword))
		sims[name] = sim
		sim.BeforeRequest(func(r *http.Request) {
			if ck, err := r.Cookie(cookieName); err == nil {
				tokMu.Lock()
				tokens = append(tokens, ck.Value)
				tokMu.Unlock()
			}
		})
		switch i {
		case 0:
			sim.Inject(nxostest.Fault{Count: 2, Status: http.StatusServiceUnavailable, Match: isConfigPost})
		case 1:
			sim.Inject(nxostest.Fault{Reset: true, Match: isConfigPost})
		case 2:
			sim.Inject(nxostest.Fault{Nth: 3, Count: 1, Status: http.StatusForbidden})
		case 3:
			sim.Inject(nxostest.Fault{Count: 100, Status: http.StatusBadRequest, Match: isConfigPost})
		}
		c := simClient(t, sim, func(o *Options) {
			o.Logger = lg
			o.Credentials = Credentials{Username: "admin", Password: design.NewSecret(apiPassword)}
		})
		targets = append(targets, Target{Name: name, Client: c, Config: cfg})
	}

	var global bytes.Buffer
	log.SetOutput(&global)
	defer log.SetOutput(os.Stderr)
	stdout, stderr := os.Stdout, os.Stderr
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout, os.Stderr = pw, pw
	captured := make(chan []byte)
	go func() { b, _ := io.ReadAll(pr); captured <- b }()

	f, _ := NewFleet(FleetOptions{Logger: lg})
	res, ferr := f.Apply(context.Background(), targets)

	os.Stdout, os.Stderr = stdout, stderr
	_ = pw.Close()
	if out := <-captured; len(out) > 0 || global.Len() > 0 {
		t.Fatalf("output written: stdout/stderr %q, global log %q", out, global.String())
	}
	if ferr == nil || res[3].Err == nil || res[0].Err != nil || res[1].Err != nil || res[2].Err != nil {
		t.Fatalf("unexpected outcome: %v", ferr)
	}
	stored := sims["leaf-1"].Get("sys/bgp/inst/dom-default/peercont-CALICO").Get("password")
	if stored == "" {
		t.Fatal("the run did not configure the BGP password")
	}
	text := logs.String()
	if !strings.Contains(text, `"level":"DEBUG"`) || !strings.Contains(text, "nxapi retry") {
		t.Fatalf("debug log lacks request and retry records:\n%s", text)
	}
	tokMu.Lock()
	needles := append(slices.Clone(tokens), bgpPassword, apiPassword, stored, `n0de\"pa`, `api\"pa`, cookieName)
	tokMu.Unlock()
	if len(needles) < 8 {
		t.Fatalf("only %d tokens seen", len(needles)-6)
	}
	if n, ok := hasAny(text, needles...); ok {
		t.Fatalf("debug log contains secret %q", n)
	}
	if n, ok := hasAny(ferr.Error(), needles...); ok {
		t.Fatalf("fleet error contains secret %q", n)
	}
	for _, r := range res {
		if n, ok := hasAny(r.Plan.String(), needles...); ok {
			t.Fatalf("%s plan text contains secret %q", r.Switch, n)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
