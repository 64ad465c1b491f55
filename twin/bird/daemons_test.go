package bird

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	apiv3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/addressing"
)

// needDaemons skips the test unless this machine can run BIRD in namespaces.
func needDaemons(t *testing.T) {
	t.Helper()
	if err := Available(); err != nil {
		t.Skipf("twin: %v", err)
	}
}

// ipCmd runs an ip command or fails the test.
func ipCmd(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// testNetns creates network namespaces named nxcbirdt-<pid>-<suffix>, removed in t.Cleanup.
func testNetns(t *testing.T, suffixes ...string) []string {
	t.Helper()
	var names []string
	for _, s := range suffixes {
		n := fmt.Sprintf("nxcbirdt-%d-%s", os.Getpid(), s)
		_ = exec.Command("ip", "netns", "del", n).Run() // left over from a killed run
		ipCmd(t, "netns", "add", n)
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", n).Run() })
		ipCmd(t, "-n", n, "link", "set", "lo", "up")
		names = append(names, n)
	}
	return names
}

// peerConf is the plain BIRD configuration of the far end (AS 65002): it announces a default
// route and 10.77.0.0/24 (fd77::/64), and accepts everything.
const peerConfV4 = `router id 10.99.0.2;
protocol device { scan time 2; }
protocol direct { interface "*"; }
protocol static {
  route 0.0.0.0/0 blackhole;
  route 10.77.0.0/24 blackhole;
}
protocol bgp node {
  local as 65002;
  neighbor 10.99.0.1 as 65001;
  connect retry time 1;
  import all;
  export where proto = "static1";
}
`

const peerConfV6 = `router id 10.99.0.2;
protocol device { scan time 2; }
protocol direct { interface "*"; }
protocol static {
  route ::/0 blackhole;
  route fd77::/64 blackhole;
}
protocol bgp node {
  local as 65002;
  neighbor fd99::1 as 65001;
  connect retry time 1;
  import all;
  export where proto = "static1";
}
`

// peerPair returns the node's resources: pools 10.244.0.0/16 and fd00:244::/48, a BGPFilter that
// imports only the default route, and one global BGPPeer per family to the far end.
func peerPair() (Node, Resources) {
	asn := numorstring.ASNumber(65001)
	mesh := false
	n := Node{
		Name: "node-a", IPv4: netip.MustParseAddr("10.99.0.1"), IPv6: netip.MustParseAddr("fd99::1"),
		IPv4Subnet: netip.MustParsePrefix("10.99.0.0/24"), IPv6Subnet: netip.MustParsePrefix("fd99::/64"),
		Labels: map[string]string{"rack": "a"},
		Blocks: []netip.Prefix{netip.MustParsePrefix("10.244.5.0/26"), netip.MustParsePrefix("fd00:244::/122")},
	}
	pool := func(name, cidr string) apiv3.IPPool {
		return apiv3.IPPool{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: apiv3.IPPoolSpec{CIDR: cidr, VXLANMode: apiv3.VXLANModeNever, IPIPMode: apiv3.IPIPModeNever}}
	}
	peer := func(name, ip string) apiv3.BGPPeer {
		return apiv3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: apiv3.BGPPeerSpec{
			PeerIP: ip, ASNumber: 65002, NodeSelector: "rack == 'a'", Filters: []string{"default-only"}}}
	}
	r := Resources{
		Config: &apiv3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "default"},
			Spec: apiv3.BGPConfigurationSpec{ASNumber: &asn, NodeToNodeMeshEnabled: &mesh}},
		Pools: []apiv3.IPPool{pool("v4", "10.244.0.0/16"), pool("v6", "fd00:244::/48")},
		Filters: []apiv3.BGPFilter{{ObjectMeta: metav1.ObjectMeta{Name: "default-only"}, Spec: apiv3.BGPFilterSpec{
			ImportV4: []apiv3.BGPFilterRuleV4{{CIDR: "0.0.0.0/0", MatchOperator: apiv3.Equal, Action: apiv3.Accept}, {Action: apiv3.Reject}},
			ImportV6: []apiv3.BGPFilterRuleV6{{CIDR: "::/0", MatchOperator: apiv3.Equal, Action: apiv3.Accept}, {Action: apiv3.Reject}},
		}}},
		Peers: []apiv3.BGPPeer{peer("far-v4", "10.99.0.2"), peer("far-v6", "fd99::2")},
	}
	return n, r
}

// plainConfig wraps a hand-written configuration for Start.
func plainConfig(f addressing.Family, text string) *Config {
	return &Config{family: f, text: text, redacted: text}
}

// waitFor polls cond every 100ms until it holds or the context ends.
func waitFor(ctx context.Context, t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	last := ""
	for {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not reached: %s", what, last)
		case <-tick.C:
		}
	}
}

func protocol(ps []Protocol, name string, f addressing.Family) (Protocol, bool) {
	for _, p := range ps {
		if p.Name == name && p.Family == f {
			return p, true
		}
	}
	return Protocol{}, false
}

// linkPair joins the namespaces a and b by a veth pair: a's end has 10.99.0.1/24 and fd99::1/64,
// b's end 10.99.0.2/24 and fd99::2/64.
func linkPair(t *testing.T, a, b string) {
	t.Helper()
	veth := fmt.Sprintf("nxcbt%d", os.Getpid()%100000)
	ipCmd(t, "link", "add", veth+"a", "netns", a, "type", "veth", "peer", "name", veth+"b", "netns", b)
	for _, side := range []struct{ ns, dev, v4, v6 string }{{a, veth + "a", "10.99.0.1/24", "fd99::1/64"}, {b, veth + "b", "10.99.0.2/24", "fd99::2/64"}} {
		ipCmd(t, "-n", side.ns, "addr", "add", side.v4, "dev", side.dev)
		ipCmd(t, "-n", side.ns, "addr", "add", side.v6, "dev", side.dev, "nodad")
		ipCmd(t, "-n", side.ns, "link", "set", side.dev, "up")
	}
}

// startDaemons starts BIRD with v4 and v6 as opts say, stopped in t.Cleanup.
func startDaemons(ctx context.Context, t *testing.T, opts DaemonOptions, v4, v6 *Config) *Daemons {
	t.Helper()
	d, err := Start(ctx, opts, v4, v6)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop(context.Background()) })
	return d
}

// established is a waitFor condition: d's BGP protocols named in names (one per family) are all
// Established.
func established(ctx context.Context, d *Daemons, names map[addressing.Family]string) func() (bool, string) {
	return func() (bool, string) {
		ps, err := d.Protocols(ctx)
		if err != nil {
			return false, err.Error()
		}
		var states []string
		all := true
		for f, name := range names {
			p, ok := protocol(ps, name, f)
			states = append(states, fmt.Sprintf("%s %s: %q %q", f, name, p.BGPState, p.Info))
			all = all && ok && p.Established
		}
		return all, strings.Join(states, "; ")
	}
}

// waitRoute waits until d holds a route of family f to prefix learned from the protocol from, and
// returns all of d's routes of f at that moment.
func waitRoute(ctx context.Context, t *testing.T, what string, d *Daemons, f addressing.Family, prefix, from string) []Route {
	t.Helper()
	var got []Route
	waitFor(ctx, t, what, func() (bool, string) {
		rs, err := d.Routes(ctx, f)
		if err != nil {
			return false, err.Error()
		}
		got = rs
		return slices.ContainsFunc(rs, func(r Route) bool { return r.Prefix.String() == prefix && r.From == from }), fmt.Sprint(rs)
	})
	return got
}

// pause waits for d, failing the test when ctx ends first.
func pause(ctx context.Context, t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-ctx.Done():
		t.Fatalf("pausing %s: %v", d, ctx.Err())
	case <-time.After(d):
	}
}

func TestDaemonsSession(t *testing.T) {
	needDaemons(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ns := testNetns(t, "a", "b")
	linkPair(t, ns[0], ns[1])
	// The node's IPAM block as calico-node's IPAM would program it, and a route outside every
	// pool that must never be exported.
	ipCmd(t, "-n", ns[0], "route", "add", "blackhole", "10.244.5.0/26")
	ipCmd(t, "-n", ns[0], "route", "add", "blackhole", "172.16.9.0/24")
	ipCmd(t, "-n", ns[0], "-6", "route", "add", "blackhole", "fd00:244::/122")
	ipCmd(t, "-n", ns[0], "-6", "route", "add", "blackhole", "fd16:9::/64")

	n, r := peerPair()
	v4, v6 := mustGenerate(t, n, r)
	dir := t.TempDir()
	start := time.Now()
	node := startDaemons(ctx, t, DaemonOptions{Netns: ns[0], Dir: dir, Name: "node-a"}, v4, v6)
	far := startDaemons(ctx, t, DaemonOptions{Netns: ns[1], Dir: dir, Name: "far"}, plainConfig(addressing.IPv4, peerConfV4), plainConfig(addressing.IPv6, peerConfV6))
	nodeNames := map[addressing.Family]string{addressing.IPv4: "Node_10_99_0_2", addressing.IPv6: "Node_fd99__2"}

	phase(t, "both families are Established on both ends", func(t *testing.T) {
		waitFor(ctx, t, "node sessions Established", established(ctx, node, nodeNames))
		waitFor(ctx, t, "far sessions Established", established(ctx, far, map[addressing.Family]string{addressing.IPv4: "node", addressing.IPv6: "node"}))
		t.Logf("both families Established on both ends %v after the daemons started", time.Since(start).Round(time.Millisecond))
	})

	// before is the node's IPv4 session to the far end, before Configure.
	var before Protocol
	phase(t, "the node's IPv4 protocol is a BGP session to the far end's address and AS", func(t *testing.T) {
		ps, err := node.Protocols(ctx)
		if err != nil {
			t.Fatal(err)
		}
		before, _ = protocol(ps, "Node_10_99_0_2", addressing.IPv4)
		if before.Neighbor != netip.MustParseAddr("10.99.0.2") || before.NeighborAS != 65002 || before.Proto != "BGP" {
			t.Errorf("node's IPv4 protocol = %+v, want BGP neighbor 10.99.0.2 AS 65002", before)
		}
	})

	t.Run("the far end learns the node's block and nothing outside the pools", func(t *testing.T) {
		for _, c := range []struct {
			f            addressing.Family
			block, alien string
		}{{addressing.IPv4, "10.244.5.0/26", "172.16.9.0/24"}, {addressing.IPv6, "fd00:244::/122", "fd16:9::/64"}} {
			t.Run(c.f.String(), func(t *testing.T) {
				for _, r := range waitRoute(ctx, t, "far end learns "+c.block, far, c.f, c.block, "node") {
					if r.From != "node" {
						continue
					}
					if r.Prefix.String() != c.block {
						t.Errorf("%s: far end learned %s from the node; want only the block %s (not %s, outside every pool)", c.f, r.Prefix, c.block, c.alien)
					}
					if !slices.Equal(r.ASPath, []uint32{65001}) {
						t.Errorf("%s: %s AS path %v, want [65001]", c.f, r.Prefix, r.ASPath)
					}
				}
			})
		}
	})

	t.Run("the BGPFilter lets only the default route in", func(t *testing.T) {
		for _, c := range []struct {
			f             addressing.Family
			def, filtered string
		}{{addressing.IPv4, "0.0.0.0/0", "10.77.0.0/24"}, {addressing.IPv6, "::/0", "fd77::/64"}} {
			t.Run(c.f.String(), func(t *testing.T) {
				for _, r := range waitRoute(ctx, t, "node learns "+c.def, node, c.f, c.def, nodeNames[c.f]) {
					if r.Prefix.String() == c.filtered {
						t.Errorf("%s: node accepted %s from %s; the BGPFilter imports only %s", c.f, r.Prefix, r.From, c.def)
					}
					if r.Prefix.String() == c.def && (!r.Reachable || len(r.NextHops) != 1) {
						t.Errorf("%s: default route %+v, want reachable via the far end", c.f, r)
					}
				}
			})
		}
	})

	t.Run("Configure with an added peer keeps the running session", func(t *testing.T) {
		r.Peers = append(r.Peers, apiv3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: "second"}, Spec: apiv3.BGPPeerSpec{PeerIP: "10.99.0.3", ASNumber: 65003}})
		v4b, v6b := mustGenerate(t, n, r)
		pause(ctx, t, 1100*time.Millisecond) // so that a restarted session would show another "since" second
		if err := node.Configure(ctx, v4b, v6b); err != nil {
			t.Fatal(err)
		}
		ps, err := node.Protocols(ctx)
		if err != nil {
			t.Fatal(err)
		}
		after, _ := protocol(ps, "Node_10_99_0_2", addressing.IPv4)
		if !after.Established || after.Since != before.Since {
			t.Errorf("after Configure with an added peer the running session is %q since %s; want still Established since %s", after.BGPState, after.Since, before.Since)
		}
		if _, ok := protocol(ps, "Global_10_99_0_3", addressing.IPv4); !ok {
			t.Errorf("after Configure no protocol Global_10_99_0_3")
		}
	})

	t.Run("Memory reports the node's resident size", func(t *testing.T) {
		if rss, err := node.Memory(); err != nil || rss <= 0 {
			t.Errorf("Memory() = %d, %v", rss, err)
		} else {
			t.Logf("node bird+bird6 resident: %d KiB", rss/1024)
		}
	})

	t.Run("Stop removes the runtime directory and is idempotent", func(t *testing.T) {
		if err := node.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if err := node.Stop(ctx); err != nil {
			t.Errorf("second Stop: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "bird-node-a")); !os.IsNotExist(err) {
			t.Errorf("runtime directory left after Stop: %v", err)
		}
	})
}
