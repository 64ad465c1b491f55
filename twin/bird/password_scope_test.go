package bird

import (
	"strings"
	"testing"
)

// A change of one BGPPeer's password changes the protocol of that peer only: BIRD restarts just
// the sessions the change is for, which is what lets a password be introduced one leaf at a time.
func TestPasswordOfOnePeerTouchesOnlyItsProtocol(t *testing.T) {
	c := fileCluster(t, "shared4")
	n := c.nodes[0]
	before, _ := mustGenerate(t, n, c.res)
	res := c.res
	res.Peers = append(res.Peers[:0:0], res.Peers...)
	changed := res.Peers[0].DeepCopy()
	if changed.Spec.Password == nil {
		t.Fatal("the test design's peers have no password")
	}
	changed.Spec.Password = nil
	res.Peers[0] = *changed
	after, _ := mustGenerate(t, n, res)
	b, a := protocols(before.String()), protocols(after.String())
	var differ []string
	for name, text := range b {
		if a[name] != text {
			differ = append(differ, name)
		}
	}
	if len(differ) != 1 {
		t.Fatalf("removing the password of BGPPeer %s changed protocols %v, want exactly one", changed.Name, differ)
	}
	if strings.Contains(a[differ[0]], "password") {
		t.Errorf("protocol %s still has a password:\n%s", differ[0], a[differ[0]])
	}
}

// protocols splits a BIRD configuration into its protocol blocks, by name.
func protocols(cfg string) map[string]string {
	out := map[string]string{}
	for _, block := range strings.Split(cfg, "\nprotocol ")[1:] {
		f := strings.Fields(block)
		name := f[0]
		if f[0] == "bgp" && len(f) > 1 {
			name = f[1]
		}
		out[name] = block
	}
	return out
}
