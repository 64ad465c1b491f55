package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/klog/v2"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/lab"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

func TestMain(m *testing.M) {
	klog.SetSlogLogger(discard()) // leader election and reflectors log through klog
	setupProcessMetrics()         // before any workqueue exists, as run does
	os.Exit(m.Run())
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// twoPairDesign is the case study with a second leaf pair, rack2 (Leaf2201/Leaf2202, loopbacks
// 192.168.100.3–4 and 2001:193:168:1::6–7, color 2201:2202), and no nodes.
func twoPairDesign() *design.Design {
	d := design.CaseStudy()
	d.Cluster.Nodes = nil
	lb := func(v4, v6 string) design.Loopback {
		return design.Loopback{ID: 1002, IPv4: netip.MustParsePrefix(v4), IPv6: netip.MustParsePrefix(v6), Tag: 6789}
	}
	d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, design.LeafPair{
		Name:             "rack2",
		RouteTargetColor: design.MustParseRouteTarget("2201:2202"),
		Leaves: []design.Leaf{
			{Name: "Leaf2201", RouterID: netip.MustParseAddr("10.2.2.1"), PeeringLoopback: lb("192.168.100.3/32", "2001:193:168:1::6/128")},
			{Name: "Leaf2202", RouterID: netip.MustParseAddr("10.2.2.2"), PeeringLoopback: lb("192.168.100.4/32", "2001:193:168:1::7/128")},
		},
	})
	return d
}

var (
	rack1Leaves = []string{"Leaf2101", "Leaf2102"}
	rack2Leaves = []string{"Leaf2201", "Leaf2202"}
)

// testLogger logs to the test's output (seen with -v or on failure).
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// neighbors returns the addresses of the BGP neighbors a simulated leaf holds in vrf-001, sorted.
func neighbors(sim *nxostest.Server) []string {
	dom := sim.Get("sys/bgp/inst/dom-vrf-001")
	if dom == nil {
		return nil
	}
	var out []string
	for _, c := range dom.Children {
		if c.Class == "bgpPeer" {
			out = append(out, c.Get("addr"))
		}
	}
	sort.Strings(out)
	return out
}

// addrs returns the sorted address strings of design nodes, both families.
func addrs(nodes ...design.Node) []string {
	var out []string
	for _, n := range nodes {
		for _, a := range []netip.Addr{n.IPv4, n.IPv6} {
			if a.IsValid() {
				out = append(out, a.String())
			}
		}
	}
	sort.Strings(out)
	return out
}

// requests returns the requests the leaves' simulators received since their last reset, as
// "Leaf METHOD path" lines.
func requests(env *lab.Lab, leaves []string) []string {
	var out []string
	for _, l := range leaves {
		for _, r := range env.Sims[l].Requests() {
			out = append(out, l+" "+r.Method+" "+r.Path)
		}
	}
	return out
}

func posts(env *lab.Lab, leaves []string) int {
	n := 0
	for _, l := range leaves {
		for _, r := range env.Sims[l].Requests() {
			if r.Method == "POST" && !strings.Contains(r.Path, "aaa") {
				n++
			}
		}
	}
	return n
}

func resetRequests(env *lab.Lab) {
	for _, s := range env.Sims {
		s.ResetRequests()
	}
}

// eventually polls cond every 20 ms until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s; last: %s", what, within, state)
		}
		<-tick.C
	}
}

// watchStarted returns a channel that receives once per Node watch the fake clientset opens, so
// a test changes Nodes only once the informer is watching (the fake tracker does not replay
// events between the informer's list and its watch).
func watchStarted(env *lab.Lab) <-chan struct{} {
	ch := make(chan struct{}, 16)
	env.Core.PrependWatchReactor("nodes", func(a k8stesting.Action) (bool, watch.Interface, error) {
		wa, ok := a.(k8stesting.WatchActionImpl)
		if !ok {
			return false, nil, nil
		}
		w, err := env.Core.Tracker().Watch(a.GetResource(), a.GetNamespace(), wa.ListOptions)
		if err == nil {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
		return true, w, err
	})
	return ch
}

// putNode creates or replaces a Kubernetes Node with labels and addresses.
func putNode(t *testing.T, env *lab.Lab, n *corev1.Node) {
	t.Helper()
	ctx := context.Background()
	cur, err := env.Core.CoreV1().Nodes().Get(ctx, n.Name, metav1.GetOptions{})
	if err != nil {
		if _, err := env.Core.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		return
	}
	cur = cur.DeepCopy()
	cur.Labels = n.Labels
	cur.Status.Addresses = n.Status.Addresses
	if _, err := env.Core.CoreV1().Nodes().Update(ctx, cur, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// nodeOf is the Kubernetes Node of a design node: the rack label, its addresses as InternalIPs,
// plus an InternalIP outside the gateway subnets and an ExternalIP that the address rule ignores.
func nodeOf(n design.Node) *corev1.Node {
	as := []string{"10.0.0." + fmt.Sprint(len(n.Name)), "ExternalIP:203.0.113.7"}
	for _, a := range []netip.Addr{n.IPv4, n.IPv6} {
		if a.IsValid() {
			as = append(as, a.String())
		}
	}
	return k8sNode(n.Name, n.LeafPair, as...)
}

// intentOf derives the intent of the base design with these nodes.
func intentOf(t *testing.T, base *design.Design, nodes []design.Node) *design.Intent {
	t.Helper()
	d := *base
	d.Cluster.Nodes = slices.Clone(nodes)
	in, err := design.Derive(&d)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// skippedCode returns the problem code a pass skipped the node with, "" when it did not.
func skippedCode(p pass, node string) design.Code {
	for _, s := range p.Skipped {
		if s.Node == node {
			return s.Code
		}
	}
	return ""
}

// eventOn waits up to 5 s for the newest Event with reason on the object of that kind and name
// (Events on cluster-scoped objects are in the default namespace, the Lease's in leaseNS).
func eventOn(t *testing.T, env *lab.Lab, kind, name, reason string) corev1.Event {
	t.Helper()
	return eventSaying(t, env, kind, name, reason, "")
}

// eventSaying is eventOn for the latest such Event whose message contains text.
func eventSaying(t *testing.T, env *lab.Lab, kind, name, reason, text string) corev1.Event {
	t.Helper()
	var found corev1.Event
	eventually(t, 5*time.Second, fmt.Sprintf("Event %s on %s %s saying %q", reason, kind, name, text), func() (bool, string) {
		var seen []string
		for _, ns := range []string{"default", leaseNS} {
			list, err := env.Core.CoreV1().Events(ns).List(context.Background(), metav1.ListOptions{})
			if err != nil {
				return false, err.Error()
			}
			for _, e := range list.Items {
				seen = append(seen, e.InvolvedObject.Kind+"/"+e.InvolvedObject.Name+" "+e.Reason)
				if e.InvolvedObject.Kind == kind && e.InvolvedObject.Name == name && e.Reason == reason &&
					strings.Contains(e.Message, text) && (found.Name == "" || e.LastTimestamp.After(found.LastTimestamp.Time)) {
					found = e
				}
			}
		}
		return found.Name != "", fmt.Sprint(seen)
	})
	return found
}

// scrape GETs a Prometheus text endpoint and returns its samples by series, as exposed:
// "name" or "name{label="value",…}" (labels in the exposition's order).
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// get GETs url and returns the status code and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// assertNoSecretInEvents fails when any Event shows the NX-API password.
func assertNoSecretInEvents(t *testing.T, env *lab.Lab) {
	t.Helper()
	for _, ns := range []string{"default", leaseNS} {
		list, err := env.Core.CoreV1().Events(ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list.Items {
			if strings.Contains(e.Message, lab.Password) {
				t.Errorf("Event %s shows the NX-API password: %q", e.Reason, e.Message)
			}
		}
	}
}

// textLogger logs to w.
func textLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
