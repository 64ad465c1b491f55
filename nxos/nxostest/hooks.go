package nxostest

import (
	"net/http"
	"sync"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// CommitHook is called after every accepted configuration change (a POST or DELETE answered with
// 200) with a deep copy of the whole tree from "sys", as Dump returns it. Calls are serialised and
// each receives the tree as it is when the hook runs, so the last call always sees the latest
// configuration. The request's answer waits for the hook, as a switch answers once the change is
// in its configuration.
type CommitHook func(tree *dme.Object)

// PeerStateFunc reports the live session state (bgpPeerEntry.operSt, e.g. "established", "idle")
// of neighbor addr in VRF vrf ("default" for the default domain); ok false means the source has no
// answer and the simulator's own state applies. It is called with the server's locks held: it must
// be quick (answer from a cache, not from the network) and must not call back into the Server.
type PeerStateFunc func(vrf, addr string) (state string, ok bool)

// hookState holds the hooks; the zero value has none and changes nothing.
type hookState struct {
	mu       sync.RWMutex
	commit   CommitHook
	live     PeerStateFunc
	commitMu sync.Mutex // serialises CommitHook calls
}

// SetCommitHook installs h to run after every accepted POST and DELETE; nil removes it.
func (s *Server) SetCommitHook(h CommitHook) {
	s.hooks.mu.Lock()
	s.hooks.commit = h
	s.hooks.mu.Unlock()
}

// SetPeerStateFunc makes bgpPeerEntry state come from f (for example from a real BGP daemon)
// instead of SetPeersAlive: every GET refreshes the entries from f first. SetPeerState still
// overrides f per neighbor, and neighbors f has no answer for keep the simulator's state. nil
// removes it.
func (s *Server) SetPeerStateFunc(f PeerStateFunc) {
	s.hooks.mu.Lock()
	s.hooks.live = f
	s.hooks.mu.Unlock()
	s.resync()
}

// afterCommit runs the commit hook when resp accepted a change, then passes resp on.
func (s *Server) afterCommit(resp response) response {
	if resp.status != http.StatusOK {
		return resp
	}
	s.hooks.mu.RLock()
	h := s.hooks.commit
	s.hooks.mu.RUnlock()
	if h == nil {
		return resp
	}
	s.hooks.commitMu.Lock()
	defer s.hooks.commitMu.Unlock()
	h(s.Dump())
	return resp
}

// refreshLive brings bgpPeerEntry states up to date from the PeerStateFunc before a read.
func (s *Server) refreshLive() {
	s.hooks.mu.RLock()
	live := s.hooks.live != nil
	s.hooks.mu.RUnlock()
	if live {
		s.resync()
	}
}

// liveState asks the PeerStateFunc, if any.
func (s *Server) liveState(vrf, addr string) (string, bool) {
	s.hooks.mu.RLock()
	f := s.hooks.live
	s.hooks.mu.RUnlock()
	if f == nil {
		return "", false
	}
	return f(vrf, addr)
}
