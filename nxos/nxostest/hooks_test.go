package nxostest

import (
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

func TestCommitHook(t *testing.T) {
	s, se := start(t)
	var mu sync.Mutex
	var trees []*dme.Object
	s.SetCommitHook(func(tree *dme.Object) {
		mu.Lock()
		trees = append(trees, tree)
		mu.Unlock()
	})
	se.post("sys", leafBody)
	if len(trees) != 1 || trees[0].Class != "topSystem" {
		t.Fatalf("after one POST: %d trees", len(trees))
	}
	hasPeer := func(tree *dme.Object, addr string) bool {
		var walk func(o *dme.Object) bool
		walk = func(o *dme.Object) bool {
			if o.Class == "bgpPeer" && o.Get("addr") == addr {
				return true
			}
			for _, c := range o.Children {
				if walk(c) {
					return true
				}
			}
			return false
		}
		return walk(tree)
	}
	if !hasPeer(trees[0], "192.168.1.10") {
		t.Error("hook tree lacks the posted neighbor")
	}
	// The hook gets a copy: changing it leaves the switch alone.
	trees[0].Children = nil
	if s.Get("sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]") == nil {
		t.Error("changing the hook's tree changed the switch")
	}
	// A rejected POST runs no hook.
	if st, _ := se.fail(http.MethodPost, "/api/mo/sys/bgp/inst/dom-nope/peer-[1.1.1.1].json", `{"bgpPeer":{"attributes":{"addr":"1.1.1.1"}}}`); st == http.StatusOK {
		t.Fatal("POST under a missing parent was accepted")
	}
	if len(trees) != 1 {
		t.Errorf("rejected POST ran the hook: %d calls", len(trees))
	}
	// A DELETE runs it with the neighbor gone.
	if st, out := se.do(http.MethodDelete, "/api/mo/sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10].json", ""); st != http.StatusOK {
		t.Fatalf("DELETE: %d %s", st, out)
	}
	if len(trees) != 2 || hasPeer(trees[1], "192.168.1.10") {
		t.Errorf("after DELETE: %d calls, neighbor still there: %v", len(trees), len(trees) == 2 && hasPeer(trees[1], "192.168.1.10"))
	}
	// Without a hook nothing is called.
	s.SetCommitHook(nil)
	se.post("sys", leafBody)
	if len(trees) != 2 {
		t.Errorf("removed hook still called: %d calls", len(trees))
	}
}

func TestPeerStateFunc(t *testing.T) {
	s, se := start(t)
	se.post("sys", leafBody)
	var mu sync.Mutex
	live := map[string]string{"vrf-001|192.168.1.10": "established"}
	s.SetPeerStateFunc(func(vrf, addr string) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		st, ok := live[vrf+"|"+addr]
		return st, ok
	})
	query := "/api/class/bgpPeerEntry.json?query-target-filter=" + url.QueryEscape(`eq(bgpPeerEntry.operSt,"established")`)
	if got := dns(se.get(query)); got != "bgpPeerEntry:sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/ent-[192.168.1.10]" {
		t.Errorf("established from the live source: %s", got)
	}
	// A change of the live state shows on the next read, without any write.
	mu.Lock()
	live["vrf-001|192.168.1.10"] = "active"
	mu.Unlock()
	if got := se.get(query); len(got) != 0 {
		t.Errorf("after the live session went down: %s", dns(got))
	}
	objs := se.get("/api/mo/sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/ent-[192.168.1.10].json")
	if len(objs) != 1 || objs[0].Get("operSt") != "active" || objs[0].Get("prevOperSt") != "established" {
		t.Errorf("entry read by DN: %v", objs)
	}
	// Neighbors the source does not know keep the simulator's state; SetPeerState still wins.
	if got := entry(s, "vrf-001", "2001:192:168:1::10").Get("operSt"); got != "idle" {
		t.Errorf("unknown to the source: %q", got)
	}
	s.SetPeerState("vrf-001", "192.168.1.10", "connect")
	if got := entry(s, "vrf-001", "192.168.1.10").Get("operSt"); got != "connect" {
		t.Errorf("SetPeerState over the live source: %q", got)
	}
}
