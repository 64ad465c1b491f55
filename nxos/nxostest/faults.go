package nxostest

import (
	"net/http"
	"sync"
	"time"
)

// Fault describes a failure to inject into matching requests.
type Fault struct {
	// Nth is the first matching request (1 = the next one) the fault hits.
	Nth int
	// Count is how many consecutive matching requests fail from the Nth on (default 1).
	Count int
	// Status is the HTTP status answered (e.g. 500, 503) with an NX-OS error body.
	Status int
	// Reset closes the connection without an answer instead of sending Status.
	Reset bool
	// Match limits the fault to some requests (nil matches every request).
	Match func(*http.Request) bool
}

type activeFault struct {
	Fault
	seen, fired int
}

type faultState struct {
	mu        sync.Mutex
	list      []*activeFault
	delay     time.Duration
	chunk     int
	chunkWait time.Duration
	before    func(*http.Request)
}

// Inject adds a fault. Faults are consulted in the order they were injected;
// the first one that hits a request decides its fate.
func (s *Server) Inject(f Fault) {
	if f.Nth < 1 {
		f.Nth = 1
	}
	if f.Count < 1 {
		f.Count = 1
	}
	if f.Status == 0 && !f.Reset {
		f.Status = http.StatusInternalServerError
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = append(s.faults.list, &activeFault{Fault: f})
}

// FailNext makes the next n requests fail with status (500, 503, …) and an NX-OS error body.
func (s *Server) FailNext(n, status int) { s.Inject(Fault{Nth: 1, Count: n, Status: status}) }

// FailNth makes the nth request from now (1 = the next) fail with status.
func (s *Server) FailNth(nth, status int) { s.Inject(Fault{Nth: nth, Count: 1, Status: status}) }

// ResetNth closes the connection of the nth request from now without an answer.
func (s *Server) ResetNth(nth int) { s.Inject(Fault{Nth: nth, Count: 1, Reset: true}) }

// ClearFaults removes every pending fault, the latency, the slow body and the hook.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = nil
	s.faults.delay = 0
	s.faults.chunk = 0
	s.faults.before = nil
}

// SetLatency delays every request by d before it is handled (0 disables).
// The wait ends early when the client gives up.
func (s *Server) SetLatency(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.delay = d
}

// SetSlowBody writes every answer chunk bytes at a time with wait between
// chunks (chunk <= 0 disables), to exercise client read timeouts.
func (s *Server) SetSlowBody(chunk int, wait time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.chunk, s.faults.chunkWait = chunk, wait
}

// BeforeRequest sets a function run at the start of every request (nil removes
// it), e.g. to change state between two requests of the code under test.
func (s *Server) BeforeRequest(f func(*http.Request)) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.before = f
}

func (f *faultState) hook() func(*http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.before
}

func (f *faultState) latency() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.delay
}

func (f *faultState) slowBody() (int, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.chunk, f.chunkWait
}

// match counts r against every pending fault and returns the one that hits it.
func (f *faultState) match(r *http.Request) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var hit *activeFault
	for _, a := range f.list {
		if a.Match != nil && !a.Match(r) {
			continue
		}
		a.seen++
		if hit == nil && a.seen >= a.Nth && a.fired < a.Count {
			a.fired++
			hit = a
		}
	}
	kept := f.list[:0]
	for _, a := range f.list {
		if a.fired < a.Count {
			kept = append(kept, a)
		}
	}
	f.list = kept
	if hit == nil {
		return Fault{}, false
	}
	return hit.Fault, true
}
