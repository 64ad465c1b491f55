package node

import (
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design/designtest"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
)

// scriptRoutes parses the route commands of a node script back into routes.
func scriptRoutes(t *testing.T, script string) []design.Route {
	t.Helper()
	var routes []design.Route
	for _, line := range strings.Split(script, "\n") {
		if line == "" || strings.HasPrefix(line, "#") || line == "set -eu" {
			continue
		}
		f := strings.Fields(line)
		if f[0] != "ip" {
			t.Fatalf("unexpected command %q", line)
		}
		six := len(f) > 1 && f[1] == "-6"
		if six {
			f = append(f[:1], f[2:]...)
		}
		if len(f) != 8 || f[1] != "route" || f[2] != "replace" || f[4] != "via" || f[6] != "dev" {
			t.Fatalf("line %q is no `ip [-6] route replace <prefix> via <gw> dev <if>`", line)
		}
		r := design.Route{Prefix: netip.MustParsePrefix(f[3]), Via: netip.MustParseAddr(f[5]), Dev: f[7]}
		if six != (addressing.PrefixFamily(r.Prefix) == addressing.IPv6) {
			t.Errorf("line %q: -6 must be used exactly for IPv6 routes", line)
		}
		routes = append(routes, r)
	}
	return routes
}

func TestScriptHasExactlyTheIntentRoutes(t *testing.T) {
	reach := designtest.UniqueLoopbacks()
	reach.Peering.NodeReachability = design.ReachableBy
	explicit := designtest.UniqueLoopbacks()
	explicit.Peering.NodeRoutes = []netip.Prefix{netip.MustParsePrefix("10.255.0.0/24"), netip.MustParsePrefix("fd00:255::/64")}
	designs := map[string]*design.Design{"reachableBy": reach, "explicit routes": explicit}
	for name, d := range testDesigns() {
		designs[name] = d
	}
	for name, d := range designs {
		t.Run(name, func(t *testing.T) {
			in := derive(t, d)
			for i := range in.Nodes {
				n := &in.Nodes[i]
				s := Script(n)
				if !strings.HasPrefix(s, "#!/bin/sh\n") || !strings.Contains(s, "\nset -eu\n") {
					t.Errorf("%s: script lacks the shebang or set -eu:\n%s", n.Name, s)
				}
				if !strings.Contains(s, "node "+n.Name+" (leaf pair "+n.Pair+")") {
					t.Errorf("%s: header does not name the node and pair:\n%s", n.Name, s)
				}
				got := scriptRoutes(t, s)
				if len(got) != len(n.Routes) {
					t.Fatalf("%s: %d routes in the script, %d in the intent:\n%s", n.Name, len(got), len(n.Routes), s)
				}
				for j := range got {
					if got[j] != n.Routes[j] {
						t.Errorf("%s: route %d is %+v, want %+v", n.Name, j, got[j], n.Routes[j])
					}
				}
			}
		})
	}
}

func TestScriptQuotesTheInterface(t *testing.T) {
	n := &design.NodeIntent{Name: "n1\nrm -rf /", Pair: "p", Routes: []design.Route{{
		Prefix: netip.MustParsePrefix("10.0.0.1/32"), Via: netip.MustParseAddr("10.1.0.1"), Dev: "eth0; reboot 'now'",
	}}}
	s := Script(n)
	if !strings.Contains(s, `dev 'eth0; reboot '\''now'\'''`+"\n") {
		t.Errorf("interface not single-quoted:\n%s", s)
	}
	if strings.Contains(s, "\nrm -rf") {
		t.Errorf("node name broke out of its comment:\n%s", s)
	}
	if sh, err := exec.LookPath("sh"); err == nil {
		// Parse only (-n): the script must be valid shell.
		cmd := exec.Command(sh, "-n")
		cmd.Stdin = strings.NewReader(s)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sh -n: %v: %s", err, out)
		}
	}
}
