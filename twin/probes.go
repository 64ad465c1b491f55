package twin

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nxcalico/nxcalico/addressing"
)

// probeInterval is the gap between two packets of a flow (20 packets a second).
const probeInterval = 50 * time.Millisecond

// flow is one continuous ping from a pod address to another, counting the answers by sequence
// number.
type flow struct {
	what string
	cmd  *exec.Cmd
	done chan struct{}

	started time.Time

	mu       sync.Mutex
	received map[int]bool
	sent     int
}

var (
	seqRE  = regexp.MustCompile(`icmp_seq=(\d+)`)
	sentRE = regexp.MustCompile(`(\d+) packets transmitted`)
)

// startFlow starts pinging dst from src inside netns until stop.
func startFlow(ctx context.Context, what, netns string, src, dst netip.Addr) (*flow, error) {
	interval := strconv.FormatFloat(probeInterval.Seconds(), 'f', 3, 64)
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", netns, "ping", "-n", "-i", interval, "-W", "1", "-I", src.String(), dst.String())
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("twin: starting the probe %s: %w", what, err)
	}
	f := &flow{what: what, cmd: cmd, done: make(chan struct{}), received: map[int]bool{}, started: time.Now()}
	go func() {
		defer close(f.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if m := seqRE.FindStringSubmatch(line); m != nil && strings.Contains(line, "bytes from") {
				n, _ := strconv.Atoi(m[1])
				f.mu.Lock()
				f.received[n] = true
				f.mu.Unlock()
			}
			if m := sentRE.FindStringSubmatch(line); m != nil {
				n, _ := strconv.Atoi(m[1])
				f.mu.Lock()
				f.sent = n
				f.mu.Unlock()
			}
		}
		_ = cmd.Wait()
	}()
	return f, nil
}

// stop ends the flow (ping prints its summary on SIGINT) and returns the packets sent and lost,
// and when the first and the last lost packet were sent (zero when none was lost). The last
// packet may still be in flight and is not counted.
func (f *flow) stop(ctx context.Context) (sent, lost int, first, last time.Time) {
	_ = f.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-f.done:
	case <-ctx.Done():
		_ = f.cmd.Process.Kill()
		<-f.done
	case <-time.After(3 * time.Second):
		_ = f.cmd.Process.Kill()
		<-f.done
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sent == 0 {
		// Killed before its summary: count up to the last answer.
		for seq := range f.received {
			f.sent = max(f.sent, seq+1)
		}
	}
	sent = f.sent - 1
	for seq := 1; seq <= sent; seq++ {
		if !f.received[seq] {
			lost++
			at := f.started.Add(time.Duration(seq-1) * probeInterval)
			if first.IsZero() {
				first = at
			}
			last = at
		}
	}
	return max(sent, 0), lost, first, last
}

// routeWatch follows the routing table of one namespace and records every prefix that had no
// route left at some moment: each deletion the kernel announces is checked at once against the
// table, so a route that only lost one of its next hops, or was replaced, is not a loss.
type routeWatch struct {
	netns string
	cmd   *exec.Cmd
	done  chan struct{}

	mu   sync.Mutex
	gone map[netip.Prefix]time.Time // first moment without a route
}

// startRouteWatch starts following the routing table of netns.
func startRouteWatch(ctx context.Context, netns string) (*routeWatch, error) {
	cmd := exec.CommandContext(ctx, "ip", "-n", netns, "-o", "monitor", "route")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("twin: watching the routes of %s: %w", netns, err)
	}
	w := &routeWatch{netns: netns, cmd: cmd, done: make(chan struct{}), gone: map[netip.Prefix]time.Time{}}
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			for _, p := range deletedPrefixes(sc.Text()) {
				at := time.Now()
				if has, err := hasRoute(ctx, netns, p); err == nil && !has {
					w.mu.Lock()
					if _, seen := w.gone[p]; !seen {
						w.gone[p] = at
					}
					w.mu.Unlock()
				}
			}
		}
		_ = cmd.Wait()
	}()
	return w, nil
}

// stop ends the watch and returns the prefixes that were without a route.
func (w *routeWatch) stop() map[netip.Prefix]time.Time {
	_ = w.cmd.Process.Kill()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gone
}

// deletedPrefixes reads the prefix of a route deletion announced by "ip -o monitor route": one
// prefix, or for a default route whose family the line does not show, both default routes; none
// for local, broadcast and multicast routes, link-local prefixes and the local table, which are
// not the lab's routing.
func deletedPrefixes(line string) []netip.Prefix {
	rest, ok := strings.CutPrefix(line, "Deleted ")
	if !ok || strings.Contains(line, "table local") {
		return nil
	}
	fields := strings.Fields(rest)
	if len(fields) > 0 {
		switch fields[0] {
		case "local", "broadcast", "multicast", "anycast":
			return nil
		case "blackhole", "unreachable", "prohibit", "unicast":
			fields = fields[1:]
		}
	}
	if len(fields) == 0 {
		return nil
	}
	if fields[0] == "default" {
		for i, f := range fields {
			if f == "via" && i+1 < len(fields) {
				if a, err := netip.ParseAddr(fields[i+1]); err == nil {
					return []netip.Prefix{netip.PrefixFrom(unspecified(addressing.FamilyOf(a)), 0)}
				}
			}
		}
		return []netip.Prefix{netip.PrefixFrom(netip.IPv4Unspecified(), 0), netip.PrefixFrom(netip.IPv6Unspecified(), 0)}
	}
	p, err := parseRouteDst(fields[0])
	if err != nil || p.Addr().IsLinkLocalUnicast() || p.Addr().IsMulticast() {
		return nil
	}
	return []netip.Prefix{p}
}

// parseRouteDst reads a route's destination as iproute2 prints it: a prefix or a host address
// ("default" is read by the callers, which know the family).
func parseRouteDst(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// hasRoute reports whether netns's main table has a route for exactly p.
func hasRoute(ctx context.Context, netns string, p netip.Prefix) (bool, error) {
	fam := "-4"
	if p.Addr().Is6() {
		fam = "-6"
	}
	out, err := run(ctx, "", "ip", "-n", netns, fam, "route", "show", "exact", p.String())
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(string(out)) != "", nil
}

// routeTable reads the prefixes of netns's main table, both families (not link-local).
func routeTable(ctx context.Context, netns string) (map[netip.Prefix]bool, error) {
	out := map[netip.Prefix]bool{}
	for _, f := range addressing.Families {
		fam := "-4"
		if f == addressing.IPv6 {
			fam = "-6"
		}
		raw, err := run(ctx, "", "ip", "-n", netns, "-j", fam, "route", "show")
		if err != nil {
			return nil, err
		}
		var routes []struct {
			Dst  string `json:"dst"`
			Type string `json:"type"`
		}
		if err := json.Unmarshal(raw, &routes); err != nil {
			return nil, fmt.Errorf("twin: reading the routes of %s: %w", netns, err)
		}
		for _, r := range routes {
			if r.Dst == "default" {
				out[netip.PrefixFrom(unspecified(f), 0)] = true
				continue
			}
			p, err := parseRouteDst(r.Dst)
			if err != nil || p.Addr().IsLinkLocalUnicast() || p.Addr().IsMulticast() {
				continue
			}
			out[p] = true
		}
	}
	return out, nil
}
