package frr

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// lab creates namespaces, links and processes for one test and removes all of them in
// t.Cleanup, also when the test fails.
type lab struct {
	t      *testing.T
	prefix string
	dir    string
}

var labSeq atomic.Int32

// newLab skips without root or the packages, else returns a lab with a unique name prefix
// ("nxcfrrt-<pid>-<n>") and a runtime directory searchable by user frr.
func newLab(t *testing.T, needBird bool) *lab {
	t.Helper()
	if err := Available(); err != nil {
		t.Skip(err)
	}
	if needBird {
		if _, err := exec.LookPath("bird"); err != nil {
			t.Skip("twin/frr: needs the Debian package bird (bird, birdc): " + InstallHint)
		}
	}
	l := &lab{t: t, prefix: fmt.Sprintf("nxcfrrt-%d-%d", os.Getpid(), labSeq.Add(1))}
	l.dir = t.TempDir()
	// The daemons run as user frr: the directories above their own must be searchable.
	for p := l.dir; p != os.TempDir() && p != "/"; p = filepath.Dir(p) {
		if err := os.Chmod(p, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// ip runs "ip args…" and fails the test on error.
func (l *lab) ip(args ...string) {
	l.t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		l.t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// netns creates a namespace with lo up; removed on cleanup.
func (l *lab) netns(name string) string {
	l.t.Helper()
	ns := l.prefix + "-" + name
	l.ip("netns", "add", ns)
	l.t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	l.ip("-n", ns, "link", "set", "lo", "up")
	return ns
}

// link joins namespaces a and b by a veth with the given addresses (prefix form).
func (l *lab) link(a, b, addrA, addrB string) {
	l.t.Helper()
	ia, ib := uniqueIf("va"), uniqueIf("vb")
	l.ip("link", "add", ia, "netns", a, "type", "veth", "peer", "name", ib, "netns", b)
	l.ip("-n", a, "addr", "add", addrA, "dev", ia)
	l.ip("-n", b, "addr", "add", addrB, "dev", ib)
	l.ip("-n", a, "link", "set", ia, "up")
	l.ip("-n", b, "link", "set", ib, "up")
}

var ifSeq atomic.Int32

// uniqueIf makes a veth name unique in this process (names are per namespace, but the pair is
// created in the test's own namespace first).
func uniqueIf(base string) string { return fmt.Sprintf("%s%d", base, ifSeq.Add(1)) }

// frr starts Daemons in ns; stopped on cleanup.
func (l *lab) frr(ns, name string) *Daemons {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := Start(ctx, DaemonOptions{Netns: ns, Dir: filepath.Join(l.dir, name), Name: name})
	if err != nil {
		l.t.Fatalf("Start %s: %v", name, err)
	}
	l.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := d.Stop(ctx); err != nil {
			l.t.Errorf("Stop %s: %v", name, err)
		}
		if _, err := os.Stat(filepath.Join(l.dir, name)); !os.IsNotExist(err) {
			l.t.Errorf("Stop %s left its directory behind", name)
		}
	})
	return d
}

// bird runs BIRD 1.6 in ns with conf; birdc talks to it through the returned socket.
func (l *lab) bird(ns, name, conf string) (sock, confPath string) {
	l.t.Helper()
	dir := filepath.Join(l.dir, "bird-"+name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		l.t.Fatal(err)
	}
	confPath, sock, pid := filepath.Join(dir, "bird.conf"), filepath.Join(dir, "bird.ctl"), filepath.Join(dir, "bird.pid")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		l.t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", ns, "bird", "-f", "-c", confPath, "-s", sock, "-P", pid)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		l.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	l.t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	l.eventually("BIRD control socket", 10*time.Second, func() (bool, string) {
		_, err := os.Stat(sock)
		return err == nil, fmt.Sprint(err)
	})
	return sock, confPath
}

// eventually polls cond until it holds or timeout passes.
func (l *lab) eventually(what string, timeout time.Duration, cond func() (bool, string)) time.Duration {
	l.t.Helper()
	start := time.Now()
	last := ""
	for time.Since(start) < timeout {
		ok, why := cond()
		if ok {
			return time.Since(start)
		}
		last = why
		time.Sleep(100 * time.Millisecond)
	}
	l.t.Fatalf("%s: not reached in %s: %s", what, timeout, last)
	return 0
}

func neighbor(t *testing.T, d *Daemons, addr string) (Neighbor, bool) {
	t.Helper()
	ns, err := d.Neighbors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Addr.String() == addr {
			return n, true
		}
	}
	return Neighbor{}, false
}

func routes(t *testing.T, d *Daemons, f addressing.Family) []Route {
	t.Helper()
	rs, err := d.Routes(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func hasRoute(rs []Route, prefix string, from netip.Addr) (Route, bool) {
	for _, r := range rs {
		if r.Prefix.String() == prefix && (!from.IsValid() || r.Peer == from) {
			return r, true
		}
	}
	return Route{}, false
}

// caseStudyLeaf returns the DME tree nxos.Render gives Leaf2101 of the case study.
func caseStudyLeaf(t *testing.T) *dme.Object {
	t.Helper()
	for _, lt := range renderedTrees(t, "casestudy", design.CaseStudy()) {
		if lt.leaf == "Leaf2101" {
			return lt.tree
		}
	}
	t.Fatal("no Leaf2101")
	return nil
}

// nodeBird is BIRD's configuration of the case study's node "master" (AS 65531, 192.168.1.10)
// peering with Leaf2101's loopback, announcing static routes, and accepting everything.
func nodeBird(static []string) string {
	var b strings.Builder
	b.WriteString("router id 192.168.1.10;\nprotocol device { scan time 2; }\nprotocol kernel { export none; }\n")
	b.WriteString("protocol static pods {\n")
	for _, s := range static {
		b.WriteString("  route " + s + " unreachable;\n")
	}
	b.WriteString("}\n")
	b.WriteString(`protocol bgp leaf {
  local 192.168.1.10 as 65531;
  neighbor 192.168.100.1 as 65102;
  multihop;
  import all;
  export where proto = "pods";
  connect retry time 1;
  connect delay time 1;
  error wait time 1,5;
}
`)
	return b.String()
}

func birdc(t *testing.T, ns, sock string, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"netns", "exec", ns, "birdc", "-s", sock}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("birdc %v: %v: %s", args, err, out)
	}
	return string(out)
}

func mustTranslate(t *testing.T, tree *dme.Object, o Options) *Config {
	t.Helper()
	c, err := Translate(tree, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func apply(t *testing.T, d *Daemons, c *Config) time.Duration {
	t.Helper()
	start := time.Now()
	if err := d.Apply(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

// TestDaemonsWithNode runs the case study's Leaf2101 in FRR against a BIRD node: the session
// comes up loopback to node address (ebgp-multihop, update-source); the leaf accepts only what
// CALICO-in allows and the node receives only the default route (CALICO-out); adding a neighbor
// by Apply does not reset the running session; maximum-prefix warns when its action is log and
// tears the session down when it is shut.
func TestDaemonsWithNode(t *testing.T) {
	l := newLab(t, true)
	leafNS, nodeNS := l.netns("leaf"), l.netns("node")
	l.link(leafNS, nodeNS, "192.168.1.1/24", "192.168.1.10/24")
	l.ip("-n", leafNS, "addr", "add", "192.168.100.1/32", "dev", "lo")
	l.ip("-n", nodeNS, "route", "add", "192.168.100.1/32", "via", "192.168.1.1")

	d := l.frr(leafNS, "Leaf2101")
	if rss, err := d.Memory(); err != nil || rss <= 0 {
		t.Fatalf("Memory: %d, %v", rss, err)
	}
	tree := caseStudyLeaf(t)
	took := apply(t, d, mustTranslate(t, tree, Options{Hostname: "Leaf2101"}))
	t.Logf("first Apply: %s", took)
	sock, confPath := l.bird(nodeNS, "master", nodeBird([]string{"10.244.1.0/26", "10.244.2.0/27", "172.16.0.0/24"}))
	node := netip.MustParseAddr("192.168.1.10")
	up := l.eventually("session to 192.168.1.10 Established", 30*time.Second, func() (bool, string) {
		n, ok := neighbor(t, d, "192.168.1.10")
		return ok && n.Established, fmt.Sprintf("%+v", n)
	})
	t.Logf("session Established %s after BIRD started", up)
	l.eventually("pod block received", 10*time.Second, func() (bool, string) {
		_, ok := hasRoute(routes(t, d, addressing.IPv4), "10.244.1.0/26", node)
		return ok, "10.244.1.0/26 missing"
	})
	rs := routes(t, d, addressing.IPv4)
	if r, _ := hasRoute(rs, "10.244.1.0/26", node); !slices.Equal(r.ASPath, []uint32{65531}) {
		t.Errorf("10.244.1.0/26 AS path %v, want [65531]", r.ASPath)
	}
	for _, p := range []string{"10.244.2.0/27", "172.16.0.0/24"} {
		if _, ok := hasRoute(rs, p, node); ok {
			t.Errorf("the leaf accepted %s, which CALICO-in (10.244.0.0/16 le 26, 10.96.0.0/12 le 32) denies", p)
		}
	}
	l.eventually("node receives the default route", 10*time.Second, func() (bool, string) {
		out := birdc(t, nodeNS, sock, "show", "route", "protocol", "leaf")
		return strings.Contains(out, "0.0.0.0/0"), out
	})
	if out := birdc(t, nodeNS, sock, "show", "route", "protocol", "leaf"); len(birdPrefixes(out)) != 1 {
		t.Errorf("the node received more than the default route (CALICO-out):\n%s", out)
	}

	// Add a neighbor: the established session must not be reset.
	before, _ := neighbor(t, d, "192.168.1.10")
	added := tree.Clone()
	dom := findDom(t, added, "vrf-001")
	dom.Add(dme.New("bgpPeer", "addr", "192.168.1.20", "peerImp", "CALICO").Add(dme.New("bgpPeerAf", "type", "ipv4-ucast")))
	took = apply(t, d, mustTranslate(t, added, Options{Hostname: "Leaf2101"}))
	t.Logf("Apply adding a neighbor: %s", took)
	took = apply(t, d, mustTranslate(t, added, Options{Hostname: "Leaf2101"}))
	t.Logf("Apply of an unchanged configuration: %s", took)
	time.Sleep(time.Second)
	after, _ := neighbor(t, d, "192.168.1.10")
	if _, ok := neighbor(t, d, "192.168.1.20"); !ok {
		t.Error("Apply did not add neighbor 192.168.1.20")
	}
	if !after.Established || after.EstablishedCount != before.EstablishedCount || after.DroppedCount != before.DroppedCount || after.Uptime < before.Uptime {
		t.Errorf("Apply reset the session to 192.168.1.10: before %+v, after %+v", before, after)
	}

	// maximum-prefix 260 with action log: more routes only warn.
	setMaxPfxAction(t, added, "log")
	apply(t, d, mustTranslate(t, added, Options{Hostname: "Leaf2101"}))
	var many []string
	for i := range 300 {
		many = append(many, fmt.Sprintf("10.244.%d.%d/26", 10+i/4, 64*(i%4)))
	}
	if err := os.WriteFile(confPath, []byte(nodeBird(many)), 0o600); err != nil {
		t.Fatal(err)
	}
	birdc(t, nodeNS, sock, "configure")
	l.eventually("300 prefixes received with warning-only", 20*time.Second, func() (bool, string) {
		n, _ := neighbor(t, d, "192.168.1.10")
		return n.Established && n.PrefixesReceived >= 300, fmt.Sprintf("%+v", n)
	})
	// Action shut: the session goes down.
	setMaxPfxAction(t, added, "shut")
	apply(t, d, mustTranslate(t, added, Options{Hostname: "Leaf2101"}))
	l.eventually("session torn down by maximum-prefix", 20*time.Second, func() (bool, string) {
		n, _ := neighbor(t, d, "192.168.1.10")
		return !n.Established && n.DroppedCount > after.DroppedCount, fmt.Sprintf("%+v", n)
	})
	n, _ := neighbor(t, d, "192.168.1.10")
	t.Logf("after maximum-prefix: state %s, last reset %q", n.State, n.LastReset)
}

func findDom(t *testing.T, tree *dme.Object, vrf string) *dme.Object {
	t.Helper()
	inst := child(child(tree, "bgpEntity"), "bgpInst")
	if d := child(inst, "bgpDom", "name", vrf); d != nil {
		return d
	}
	t.Fatalf("no bgpDom %s", vrf)
	return nil
}

// setMaxPfxAction sets the action of every template's maximum-prefix.
func setMaxPfxAction(t *testing.T, tree *dme.Object, action string) {
	t.Helper()
	def := findDom(t, tree, "default")
	for _, pc := range children(def, "bgpPeerCont") {
		for _, af := range children(pc, "bgpPeerAf") {
			if mp := child(af, "bgpMaxPfxP"); mp != nil {
				mp.Set("action", action)
			}
		}
	}
}

// TestDaemonsFabricColoring runs three leaves of the shared-loopback test design (Leaf2101 and
// Leaf2102 of rack 1, Leaf2103 of rack 2, all reusing 192.168.100.1/.2) on one fabric segment:
// rack 1's partner leaf learns the colored loopback, rack 2 never learns rack 1's copy of the same
// address, and the default route, exported with the VRF's own route target, crosses racks.
func TestDaemonsFabricColoring(t *testing.T) {
	l := newLab(t, false)
	trees := map[string]*dme.Object{}
	for _, lt := range allTrees(t)["nxos-shared4"] {
		trees[lt.leaf] = lt.tree
	}
	names := []string{"Leaf2101", "Leaf2102", "Leaf2103"}
	fab := l.netns("fab")
	l.ip("-n", fab, "link", "add", "br0", "type", "bridge")
	l.ip("-n", fab, "link", "set", "br0", "up")
	ds := map[string]*Daemons{}
	addr := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, 255, 0, byte(i + 1)}) }
	for i, name := range names {
		ns := l.netns(strings.ToLower(name))
		ia, ib := uniqueIf("f"), uniqueIf("f")
		l.ip("link", "add", ia, "netns", ns, "type", "veth", "peer", "name", ib, "netns", fab)
		l.ip("-n", ns, "addr", "add", addr(i).String()+"/24", "dev", ia)
		l.ip("-n", ns, "link", "set", ia, "up")
		l.ip("-n", fab, "link", "set", ib, "master", "br0", "up")
		ds[name] = l.frr(ns, name)
		opts := Options{Hostname: name, FabricLocal: addr(i)}
		for j := range names {
			if j != i {
				opts.FabricPeers = append(opts.FabricPeers, addr(j))
			}
		}
		apply(t, ds[name], mustTranslate(t, trees[name], opts))
	}
	took := l.eventually("all fabric sessions Established", 30*time.Second, func() (bool, string) {
		for _, name := range names {
			ns, err := ds[name].Neighbors(context.Background())
			if err != nil {
				return false, err.Error()
			}
			for _, n := range ns {
				if n.PeerGroup == fabricGroup && !n.Established {
					return false, name + ": " + n.Addr.String() + " " + n.State
				}
			}
		}
		return true, ""
	})
	t.Logf("6 fabric sessions Established %s after the last Apply", took)
	leaf2101 := addr(0)
	l.eventually("Leaf2102 learns Leaf2101's colored loopback", 15*time.Second, func() (bool, string) {
		r, ok := hasRoute(routes(t, ds["Leaf2102"], addressing.IPv4), "192.168.100.1/32", leaf2101)
		return ok && slices.Contains(r.ExtCommunities, "RT:2101:2102"), fmt.Sprintf("%+v", r)
	})
	l.eventually("Leaf2103 learns the default route across racks", 15*time.Second, func() (bool, string) {
		r, ok := hasRoute(routes(t, ds["Leaf2103"], addressing.IPv4), "0.0.0.0/0", leaf2101)
		return ok && slices.Contains(r.ExtCommunities, "RT:65102:1"), fmt.Sprintf("%+v", r)
	})
	for _, f := range addressing.Families {
		for _, r := range routes(t, ds["Leaf2103"], f) {
			if r.Peer.IsValid() && slices.Contains([]string{"192.168.100.1/32", "192.168.100.2/32", "2001:193:168:1::4/128", "2001:193:168:1::5/128"}, r.Prefix.String()) {
				t.Errorf("Leaf2103 (rack 2) learned rack 1's copy of the shared loopback %s from %s (%v)", r.Prefix, r.Peer, r.ExtCommunities)
			}
		}
	}
}

// birdPrefixes returns the prefixes of "birdc show route" output.
func birdPrefixes(out string) []string {
	var ps []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			if _, err := netip.ParsePrefix(f[0]); err == nil {
				ps = append(ps, f[0])
			}
		}
	}
	return ps
}
