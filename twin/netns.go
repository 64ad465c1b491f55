package twin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nxcalico/nxcalico/addressing"
)

// netnsDir is where iproute2 keeps named network namespaces.
const netnsDir = "/run/netns"

// run runs a command and returns its standard output; the error carries its standard error.
func run(ctx context.Context, stdin string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = strings.TrimSpace(out.String())
		}
		return out.Bytes(), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, msg)
	}
	return out.Bytes(), nil
}

// ipBatch runs iproute2 commands (one per line, without the leading "ip") inside netns, or in the
// host namespace when netns is empty (only namespace management is ever run there).
func ipBatch(ctx context.Context, netns string, lines []string) error {
	if len(lines) == 0 {
		return nil
	}
	args := []string{"-batch", "-"}
	if netns != "" {
		args = append([]string{"-n", netns}, args...)
	}
	_, err := run(ctx, strings.Join(lines, "\n")+"\n", "ip", args...)
	return err
}

// inNetns runs a program inside netns.
func inNetns(ctx context.Context, netns string, name string, args ...string) ([]byte, error) {
	return run(ctx, "", "ip", append([]string{"netns", "exec", netns, name}, args...)...)
}

// sysctl sets kernel parameters inside netns.
func sysctl(ctx context.Context, netns string, kv ...string) error {
	_, err := inNetns(ctx, netns, "sysctl", append([]string{"-q", "-w"}, kv...)...)
	return err
}

// parallel runs f for 0..n-1 with at most width at once and joins the errors.
func parallel(ctx context.Context, n, width int, f func(ctx context.Context, i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	sem := make(chan struct{}, width)
	for i := 0; i < n; i++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			errs[i] = ctx.Err()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = f(ctx, i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// The kernel parameters of the namespaces, set before any address is added (so that addresses
// skip duplicate address detection).
var (
	// An IPv4 address removed while another of its subnet stays (a node changing address) must
	// not take that one with it: secondary addresses are promoted.
	baseSysctls = []string{"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
		"net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
		"net.ipv4.conf.all.promote_secondaries=1", "net.ipv4.conf.default.promote_secondaries=1"}
	// Leaves route. A failed leaf's links go down and come back with their addresses, as a
	// switch's do.
	leafSysctls = append(slices.Clone(baseSysctls), "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
		"net.ipv6.conf.all.keep_addr_on_down=1", "net.ipv6.conf.default.keep_addr_on_down=1")
	// A node's uplinks stand in for the members of its vPC port-channel: when a leaf fails, its
	// link loses carrier and traffic must move to the other leaf's link, as a bond moves it to
	// the surviving member. The kernel then skips next hops on a link without carrier.
	nodeSysctls = append(slices.Clone(baseSysctls),
		"net.ipv4.conf.all.ignore_routes_with_linkdown=1", "net.ipv4.conf.default.ignore_routes_with_linkdown=1",
		"net.ipv6.conf.all.ignore_routes_with_linkdown=1", "net.ipv6.conf.default.ignore_routes_with_linkdown=1")
)

// build creates the topology's namespaces, links, addresses, routes and sysctls. On error the
// caller removes what was created (teardown).
//
// With portsUp the leaves' ports to the nodes come up at once (a lab without daemons); else they
// come up when the leaf's configuration holds the gateway SVI (see syncPorts).
func (t *Topology) build(ctx context.Context, portsUp bool) error {
	var add []string
	for _, ns := range t.Namespaces() {
		add = append(add, "netns add "+ns)
	}
	if err := ipBatch(ctx, "", add); err != nil {
		return fmt.Errorf("twin: creating the namespaces: %w", err)
	}
	// Sysctls first, so that addresses added later skip duplicate address detection.
	nss := t.Namespaces()
	if err := parallel(ctx, len(nss), 8, func(ctx context.Context, i int) error {
		kv := baseSysctls
		switch {
		case i >= 1 && i <= len(t.Leaves):
			kv = leafSysctls
		case i > len(t.Leaves):
			kv = nodeSysctls
		}
		if err := sysctl(ctx, nss[i], kv...); err != nil {
			return fmt.Errorf("twin: sysctls in %s: %w", nss[i], err)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := ipBatch(ctx, t.Fabric.Netns, []string{
		"link set lo up",
		"link add " + fabricBridge + " type bridge",
		"link set " + fabricBridge + " up",
	}); err != nil {
		return fmt.Errorf("twin: fabric bridge: %w", err)
	}
	if err := parallel(ctx, len(t.Leaves), 4, func(ctx context.Context, i int) error {
		return ipBatch(ctx, t.Leaves[i].Netns, t.leafLines(i, portsUp, nil))
	}); err != nil {
		return fmt.Errorf("twin: leaves: %w", err)
	}
	var fab []string
	for _, l := range t.Leaves {
		fab = append(fab, "link set "+l.FabricDev+" master "+fabricBridge, "link set "+l.FabricDev+" up")
	}
	if err := ipBatch(ctx, t.Fabric.Netns, fab); err != nil {
		return fmt.Errorf("twin: fabric ports: %w", err)
	}
	if err := parallel(ctx, len(t.Nodes), 4, func(ctx context.Context, i int) error {
		return ipBatch(ctx, t.Nodes[i].Netns, t.nodeLines(i))
	}); err != nil {
		return fmt.Errorf("twin: nodes: %w", err)
	}
	return nil
}

// leafLines is leaf i's iproute2 batch; with portsUp (a lab without daemons) its loopback
// addresses are set and its ports to the nodes come up. Ports in moved exist already (cables
// taken over from a leaf that left): they join the bridge.
func (t *Topology) leafLines(i int, portsUp bool, moved map[string]bool) []string {
	l := &t.Leaves[i]
	lines := []string{"link set lo up"}
	// With daemons, the loopback addresses come with the leaf's configuration (syncLoopbacks).
	for _, p := range []string{prefixString(l.Loopback.IPv4), prefixString(l.Loopback.IPv6)} {
		if p != "" && portsUp {
			lines = append(lines, "addr add "+p+" dev lo")
		}
	}
	lines = append(lines,
		"link add "+gatewayBridge+" type bridge",
		"link set "+gatewayBridge+" address "+GatewayMAC,
	)
	for _, f := range addressing.Families {
		if p := l.Gateway.Get(f); p.IsValid() {
			lines = append(lines, "addr add "+p.String()+" dev "+gatewayBridge+nodad(f))
		}
	}
	lines = append(lines, "link set "+gatewayBridge+" up")
	for _, p := range l.Ports {
		if !moved[p.LeafDev] {
			lines = append(lines, "link add "+p.LeafDev+" type veth peer name "+p.NodeDev+" netns "+t.Node(p.Node).Netns)
		}
		lines = append(lines, "link set "+p.LeafDev+" master "+gatewayBridge)
		if portsUp {
			lines = append(lines, "link set "+p.LeafDev+" up")
		}
	}
	lines = append(lines, "link add "+fabricPort+" type veth peer name "+l.FabricDev+" netns "+t.Fabric.Netns)
	for _, f := range addressing.Families {
		if a := l.Fabric.Get(f); a.IsValid() {
			lines = append(lines, "addr add "+netipPrefix(a, t.fabricBits(f))+" dev "+fabricPort+nodad(f))
		}
	}
	return append(lines, "link set "+fabricPort+" up")
}

// nodeLines is node i's iproute2 batch.
func (t *Topology) nodeLines(i int) []string {
	n := &t.Nodes[i]
	lines := []string{"link set lo up"}
	var gw addressing.PrefixPair
	if len(n.Uplinks) > 0 {
		gw = t.Leaf(n.Uplinks[0].Leaf).Gateway
	}
	for _, u := range n.Uplinks {
		for _, f := range addressing.Families {
			if a, g := n.Addr.Get(f), gw.Get(f); a.IsValid() && g.IsValid() {
				lines = append(lines, "addr add "+netipPrefix(a, g.Bits())+" dev "+u.Dev+nodad(f))
			}
		}
		lines = append(lines, "link set "+u.Dev+" up")
	}
	for _, a := range slices.Concat(n.Pods, n.Services) {
		lines = append(lines, "addr add "+netipPrefix(a, a.BitLen())+" dev lo")
	}
	for _, b := range n.Blocks {
		if b.Bits() < b.Addr().BitLen() {
			lines = append(lines, "route add blackhole "+b.String())
		}
	}
	for _, r := range n.Routes {
		line := "route replace " + r.Prefix.String()
		if len(r.Devs) == 1 {
			line += " via " + r.Via.String() + " dev " + r.Devs[0]
		} else {
			for _, d := range r.Devs {
				line += " nexthop via " + r.Via.String() + " dev " + d
			}
		}
		lines = append(lines, line)
	}
	return lines
}

// fabricBits is the prefix length of the fabric subnet of family f.
func (t *Topology) fabricBits(f addressing.Family) int {
	if f == addressing.IPv6 {
		return t.Fabric.IPv6.Bits()
	}
	return t.Fabric.IPv4.Bits()
}

func nodad(f addressing.Family) string {
	if f == addressing.IPv6 {
		return " nodad"
	}
	return ""
}

// teardown kills every process left in the topology's namespaces (all of them started by the
// lab) and deletes the namespaces; it ignores what is already gone and can run twice.
func teardown(ctx context.Context, prefix string) error {
	entries, err := os.ReadDir(netnsDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("twin: listing %s: %w", netnsDir, err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			names = append(names, e.Name())
		}
	}
	killIn(ctx, names)
	var errs []error
	for _, ns := range names {
		if _, err := run(ctx, "", "ip", "netns", "del", ns); err != nil {
			if _, statErr := os.Stat(netnsDir + "/" + ns); statErr == nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// killIn stops the processes inside the namespaces: SIGTERM, then SIGKILL after a grace period.
func killIn(ctx context.Context, names []string) {
	var pids []int
	for _, ns := range names {
		out, err := run(ctx, "", "ip", "netns", "pids", ns)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(out)) {
			if pid, err := strconv.Atoi(f); err == nil && pid > 1 && pid != os.Getpid() {
				pids = append(pids, pid)
			}
		}
	}
	if len(pids) == 0 {
		return
	}
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.NewTimer(2 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		alive := pids[:0]
		for _, pid := range pids {
			if syscall.Kill(pid, 0) == nil {
				alive = append(alive, pid)
			}
		}
		pids = alive
		if len(pids) == 0 {
			return
		}
		select {
		case <-tick.C:
			continue
		case <-deadline.C:
		case <-ctx.Done():
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		return
	}
}
