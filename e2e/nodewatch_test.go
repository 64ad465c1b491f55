package e2e

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// Names from the manifests.
const (
	namespace      = "nxcalico-system"
	serviceAccount = "nodewatch"
	leaseName      = "nxcalico-nodewatch"
	secretNS       = "calico-system"
	secretName     = "nxcalico-bgp-password"
)

// NX-API credentials the simulated leaves accept.
const (
	nxUser     = "admin"
	nxPassword = "e2e-nx-api-pass"
	bgpSecret  = "e2e-bgp-secret"
)

// env is everything a nodewatch process needs: the binary, its configuration files and the
// simulated leaves.
type env struct {
	c          *cluster
	bin        string
	dir        string
	kubeconfig string
	design     string
	ca         string
	sims       map[string]*nxostest.Server
}

// TestNodewatchOnKubeAPIServer runs the nodewatch binary, as the manifests deploy it, against a
// real kube-apiserver with RBAC enforced, with the ServiceAccount's own token.
func TestNodewatchOnKubeAPIServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kube-apiserver and builds nodewatch")
	}
	started := time.Now()
	bin := buildNodewatch(t)
	t.Logf("nodewatch built in %s", time.Since(started).Round(time.Millisecond))
	started = time.Now()
	c := startCluster(t)
	t.Logf("kube-apiserver with Calico CRDs up in %s", time.Since(started).Round(time.Millisecond))
	ctx := context.Background()
	admin := c.kube()

	// The namespace of the BGP password Secret comes with Calico; the test makes it.
	if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: secretNS}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	apply(t, c.admin, manifests(t))
	if _, err := admin.CoreV1().Secrets(secretNS).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: secretName},
		StringData: map[string]string{"password": bgpSecret},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, c, bin)
	for i := 1; i <= 2; i++ {
		e.putNode(t, fmt.Sprintf("node%02d", i), 10+i)
	}

	t.Run("reconciles with exactly the manifests' permissions", func(t *testing.T) {
		a := e.start(t, "replica-a")
		defer a.stop(t)
		e.waitNeighbors(t, "node01", "node02")
		a.waitLog(t, `msg="nodewatch: pass done"`)
		if got := e.holder(t); got != "replica-a" {
			t.Errorf("Lease holder %q, want replica-a", got)
		}
		n, err := admin.CoreV1().Nodes().Get(ctx, "node01", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := n.Annotations[node.IPv4AddressAnnotation]; got != "192.168.1.11/24" {
			t.Errorf("node01 %s = %q, want 192.168.1.11/24", node.IPv4AddressAnnotation, got)
		}
		if peers := e.calicoObjects(t, "bgppeers"); len(peers) == 0 {
			t.Error("no BGPPeer created")
		}
		e.waitEvent(t, "default", "Node", "node01", "NodeLabelled")
		e.waitEvent(t, namespace, "Lease", leaseName, "LeafApplied")
		if code, body := a.get(t, "/readyz"); code != 200 || !strings.Contains(body, "leader") {
			t.Errorf("/readyz = %d %q, want 200 leader", code, body)
		}
		m := a.metrics(t)
		for series, min := range map[string]float64{
			`nodewatch_leader`:                         1,
			`nodewatch_passes_total{result="applied"}`: 1,
			`workqueue_adds_total{name="nodewatch"}`:   1,
			`nodewatch_node_lists_total`:               1, // a list, or a streaming list
		} {
			if m[series] < min {
				t.Errorf("%s = %v, want at least %v", series, m[series], min)
			}
		}
		if out := a.stderr.String(); strings.Contains(out, "forbidden") || strings.Contains(out, nxPassword) || strings.Contains(out, bgpSecret) {
			t.Errorf("the log shows a denied request or a secret:\n%s", out)
		}
	})

	var b *proc
	outer := t
	t.Run("leader election hands over when the leader stops", func(t *testing.T) {
		a := e.start(t, "replica-a")
		a.waitLog(t, `msg="nodewatch: leading"`)
		b = e.start(outer, "replica-b") // runs on through the next subtests
		b.waitLog(t, `msg="nodewatch: another replica leads" leader=replica-a`)
		if code, body := b.get(t, "/readyz"); code != 200 || !strings.Contains(body, "standby") {
			t.Errorf("standby /readyz = %d %q, want 200 standby", code, body)
		}
		handover := time.Now()
		if code := a.stop(t); code != 0 {
			t.Errorf("leader exit status %d, want 0", code)
		}
		waitFor(t, 20*time.Second, "replica-b holds the Lease", func() (bool, string) {
			h := e.holder(t)
			return h == "replica-b", h
		})
		t.Logf("handed over in %s", time.Since(handover).Round(time.Millisecond))
		e.putNode(t, "node03", 13)
		e.waitNeighbors(t, "node01", "node02", "node03")
	})
	if b == nil {
		t.Fatal("no second replica")
	}

	t.Run("the Node watch survives a watch expiry", func(t *testing.T) {
		before := b.metrics(t)
		for i := range 5 { // move etcd's revision past the watch's resource version
			if _, err := admin.CoreV1().ConfigMaps(namespace).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("bump-%d", i)}}, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		c.compact(ctx)
		c.proxy.dropAll() // the watch resumes from its resource version, which etcd no longer has
		waitFor(t, 30*time.Second, "410 Gone seen and the Nodes listed again", func() (bool, string) {
			m := b.metrics(t)
			return m[`nodewatch_node_watch_expired_total`] > before[`nodewatch_node_watch_expired_total`] &&
					m[`nodewatch_node_lists_total`] > before[`nodewatch_node_lists_total`],
				fmt.Sprintf("expired %v lists %v", m[`nodewatch_node_watch_expired_total`], m[`nodewatch_node_lists_total`])
		})
		e.putNode(t, "node04", 14)
		e.waitNeighbors(t, "node01", "node02", "node03", "node04")
		t.Logf("expired watches %v, full reads %v", b.metrics(t)[`nodewatch_node_watch_expired_total`], b.metrics(t)[`nodewatch_node_lists_total`])
	})

	t.Run("the Node watch survives a restart of the API server", func(t *testing.T) {
		started := time.Now()
		c.restartServer()
		admin = c.kube()
		t.Logf("API server restarted in %s", time.Since(started).Round(time.Millisecond))
		defer func() {
			if t.Failed() {
				t.Logf("replica-b log:\n%s", b.stderr.String())
			}
		}()
		e.putNode(t, "node05", 15)
		e.waitNeighbors(t, "node01", "node02", "node03", "node04", "node05")
		if b.exited() {
			t.Fatalf("nodewatch exited across the restart:\n%s", b.stderr.String())
		}
		if got := e.holder(t); got != "replica-b" {
			t.Errorf("Lease holder %q after the restart, want replica-b", got)
		}
	})
	b.stop(t)

	t.Run("a design file that does not parse: not ready, an Event on the Pod, a metric", func(t *testing.T) {
		bad := filepath.Join(e.dir, "bad-design.yaml")
		if err := os.WriteFile(bad, []byte("fabric: {asn: [\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		p := e.start(t, "bad-config", "-design", bad, "-config-retry", "1s") // the last -design wins
		defer p.stop(t)
		e.waitEvent(t, namespace, "Pod", "bad-config", "ConfigInvalid")
		if code, body := p.get(t, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "bad-design.yaml") {
			t.Errorf("/readyz = %d %q, want 503 naming the file", code, body)
		}
		if got := p.metrics(t)[`nodewatch_config_error{reason="design"}`]; got != 1 {
			t.Errorf(`nodewatch_config_error{reason="design"} = %v, want 1`, got)
		}
	})

	t.Run("every rule of the roles is needed", func(t *testing.T) {
		v3, v1 := "-calico-group="+string(calico.GroupV3), "-calico-group="+string(calico.GroupV1)
		cases := []struct {
			kind, ns, name string
			rule           int
			group          string
			want           string // the denied operation, as the API server names it
		}{
			{"ClusterRole", "", "nxcalico-nodewatch", 0, v3, `resource "nodes" in API group "" at the cluster scope`},
			{"ClusterRole", "", "nxcalico-nodewatch", 1, v3, `resource "bgp`},
			{"ClusterRole", "", "nxcalico-nodewatch", 2, v3, `resource "caliconodestatuses" in API group "projectcalico.org"`},
			{"ClusterRole", "", "nxcalico-nodewatch", 3, v1, `in API group "crd.projectcalico.org"`},
			{"ClusterRole", "", "nxcalico-nodewatch", 4, v1, `resource "caliconodestatuses" in API group "crd.projectcalico.org"`},
			{"Role", namespace, "nxcalico-nodewatch", 0, v3, `cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "nxcalico-system"`},
			{"Role", namespace, "nxcalico-nodewatch", 1, v3, `cannot create resource "events" in API group "" in the namespace "nxcalico-system"`},
			{"Role", "default", "nxcalico-nodewatch-node-events", 0, v3, `cannot create resource "events" in API group "" in the namespace "default"`},
			{"Role", secretNS, "nxcalico-nodewatch-bgp-password", 0, v3, `cannot get resource "secrets" in API group "" in the namespace "calico-system"`},
		}
		if n := len(clusterRole(t, admin).Rules); n != 5 {
			t.Fatalf("the ClusterRole has %d rules; this test knows 5", n)
		}
		for i, tc := range cases {
			t.Run(fmt.Sprintf("%s %s rule %d", tc.kind, tc.name, tc.rule), func(t *testing.T) {
				restore := withoutRule(t, admin, tc.kind, tc.ns, tc.name, tc.rule)
				defer restore()
				// A new Node, so the pass has leaf changes to report and a Node to label.
				e.putNode(t, fmt.Sprintf("rule%02d", i), 40+i)
				p := e.start(t, fmt.Sprintf("rules-%d", i), tc.group)
				p.waitDenied(t, tc.want)
				p.stop(t)
			})
		}
	})
}

// buildNodewatch builds the nodewatch binary from the repository's root module.
func buildNodewatch(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nodewatch")
	cmd := exec.Command("go", "build", "-o", bin, "./nodewatch")
	cmd.Dir = filepath.Join("..", "examples")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./nodewatch in the examples module: %v\n%s", err, out)
	}
	return bin
}

func newEnv(t *testing.T, c *cluster, bin string) *env {
	t.Helper()
	e := &env{c: c, bin: bin, dir: t.TempDir(), sims: map[string]*nxostest.Server{}}
	d := design.CaseStudy()
	d.Cluster.Nodes = nil
	d.Peering.PasswordSecret = &design.SecretRef{Namespace: secretNS, Name: secretName, Key: "password"}
	var ca bytes.Buffer
	for i := range d.Fabric.LeafPairs {
		for j := range d.Fabric.LeafPairs[i].Leaves {
			l := &d.Fabric.LeafPairs[i].Leaves[j]
			sim := nxostest.NewTLSServer(nxostest.WithHostname(l.Name), nxostest.WithCredentials(nxUser, nxPassword))
			sim.SetPeersAlive(true)
			t.Cleanup(sim.Close)
			e.sims[l.Name] = sim
			l.Management = sim.URL()
			_ = pem.Encode(&ca, &pem.Block{Type: "CERTIFICATE", Bytes: sim.Certificate().Raw})
		}
	}
	y, err := d.MarshalYAML()
	if err != nil {
		t.Fatal(err)
	}
	e.design = filepath.Join(e.dir, "design.yaml")
	e.ca = filepath.Join(e.dir, "ca.pem")
	for p, b := range map[string][]byte{e.design: y, e.ca: ca.Bytes()} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// The ServiceAccount's own token, as the kubelet mounts it into the Pod.
	tok, err := c.kube().CoreV1().ServiceAccounts(namespace).CreateToken(context.Background(), serviceAccount,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: new(int64(3600))}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.kubeconfig = filepath.Join(e.dir, "kubeconfig")
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "https://%s", insecure-skip-tls-verify: true}
users:
- name: nodewatch
  user: {token: %q}
contexts:
- name: e2e
  context: {cluster: e2e, user: nodewatch, namespace: %s}
current-context: e2e
`, c.proxy.addr(), tok.Status.Token, namespace)
	if err := os.WriteFile(e.kubeconfig, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// putNode creates a Node labelled for rack1 with InternalIPs 192.168.1.<host> and
// 2001:192:168:1::<host>.
func (e *env) putNode(t *testing.T, name string, host int) {
	t.Helper()
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{node.LeafPairLabel: "rack1"}},
		Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: fmt.Sprintf("192.168.1.%d", host)},
			{Type: corev1.NodeInternalIP, Address: fmt.Sprintf("2001:192:168:1::%d", host)},
		}},
	}
	if _, err := e.c.kube().CoreV1().Nodes().Create(context.Background(), n, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// waitNeighbors waits until both leaves hold exactly the neighbors of the named nodes.
func (e *env) waitNeighbors(t *testing.T, nodes ...string) {
	t.Helper()
	var want []string
	for _, n := range nodes {
		host, _ := strconv.Atoi(strings.TrimLeft(n, "node"))
		want = append(want, fmt.Sprintf("192.168.1.%d", 10+host), fmt.Sprintf("2001:192:168:1::%d", 10+host))
	}
	slices.Sort(want)
	waitFor(t, 60*time.Second, fmt.Sprintf("leaves peer with %v", nodes), func() (bool, string) {
		for name, sim := range e.sims {
			if got := neighbors(sim); !slices.Equal(got, want) {
				return false, fmt.Sprintf("%s: %v", name, got)
			}
		}
		return true, ""
	})
}

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
	slices.Sort(out)
	return out
}

func (e *env) holder(t *testing.T) string {
	t.Helper()
	l, err := e.c.kube().CoordinationV1().Leases(namespace).Get(context.Background(), leaseName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

func (e *env) calicoObjects(t *testing.T, resource string) []string {
	t.Helper()
	dyn, err := dynamic.NewForConfig(e.c.admin)
	if err != nil {
		t.Fatal(err)
	}
	list, err := dyn.Resource(schema.GroupVersionResource{Group: "projectcalico.org", Version: "v3", Resource: resource}).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range list.Items {
		out = append(out, o.GetName())
	}
	return out
}

func (e *env) waitEvent(t *testing.T, ns, kind, name, reason string) {
	t.Helper()
	waitFor(t, 30*time.Second, fmt.Sprintf("Event %s on %s %s", reason, kind, name), func() (bool, string) {
		list, err := e.c.kube().CoreV1().Events(ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		var seen []string
		for _, ev := range list.Items {
			if strings.Contains(ev.Message, nxPassword) || strings.Contains(ev.Message, bgpSecret) {
				t.Fatalf("Event %s shows a secret: %q", ev.Reason, ev.Message)
			}
			if ev.InvolvedObject.Kind == kind && ev.InvolvedObject.Name == name && ev.Reason == reason {
				return true, ""
			}
			seen = append(seen, ev.InvolvedObject.Kind+"/"+ev.InvolvedObject.Name+" "+ev.Reason)
		}
		return false, fmt.Sprint(seen)
	})
}

// proc is a running nodewatch process.
type proc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	base   string // http://address of /metrics, /healthz, /readyz
	done   chan struct{}
	code   int
}

// start runs nodewatch as the Deployment does: the design file, the switches' CA, the NX-API
// credentials in the environment, the Pod's name, and the ServiceAccount's kubeconfig. Its Lease
// timings let a restart of the API server pass without losing the Lease.
func (e *env) start(t *testing.T, id string, extra ...string) *proc {
	t.Helper()
	args := append([]string{
		"-design", e.design, "-ca", e.ca, "-kubeconfig", e.kubeconfig, "-id", id,
		"-http-addr", "127.0.0.1:0", "-debounce", "100ms",
		"-lease-duration", "60s", "-lease-renew-deadline", "50s", "-lease-retry-period", "500ms",
	}, extra...)
	cmd := exec.Command(e.bin, args...)
	cmd.Env = []string{"NXOS_USERNAME=" + nxUser, "NXOS_PASSWORD=" + nxPassword,
		"POD_NAME=" + id, "POD_NAMESPACE=" + namespace, "HOME=" + e.dir}
	p := &proc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	t.Cleanup(func() {
		if !p.exited() {
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("nodewatch %s log:\n%s", id, p.stderr.String())
		}
	})
	addr := p.waitLog(t, `serving /metrics, /healthz and /readyz" addr=(\S+)`)
	p.base = "http://" + addr
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, as the kubelet does, and returns the exit status.
func (p *proc) stop(t *testing.T) int {
	t.Helper()
	if p.exited() {
		return p.code
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("nodewatch did not stop within 30 s of SIGTERM:\n%s", p.stderr.String())
	}
	return p.code
}

// waitLog waits until the log matches the regular expression and returns its first group.
func (p *proc) waitLog(t *testing.T, expr string) string {
	t.Helper()
	re := regexp.MustCompile(expr)
	var m []string
	waitFor(t, 60*time.Second, "log matching "+expr, func() (bool, string) {
		m = re.FindStringSubmatch(p.stderr.String())
		if m == nil && p.exited() {
			t.Fatalf("nodewatch exited with status %d:\n%s", p.code, p.stderr.String())
		}
		return m != nil, "(log shown on failure)"
	})
	if len(m) > 1 {
		return m[1]
	}
	return m[0]
}

// waitDenied waits until the log reports a request the API server denied with want in its
// message (the log quotes the message, so its quotes appear escaped).
func (p *proc) waitDenied(t *testing.T, want string) {
	t.Helper()
	waitFor(t, 60*time.Second, "a denied request: "+want, func() (bool, string) {
		log := strings.ReplaceAll(p.stderr.String(), `\"`, `"`)
		if p.exited() {
			t.Fatalf("nodewatch exited with status %d:\n%s", p.code, log)
		}
		return strings.Contains(log, "is forbidden: User \"system:serviceaccount:"+namespace+":"+serviceAccount+"\"") && strings.Contains(log, want), "(log shown on failure)"
	})
}

func (p *proc) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(p.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// metrics scrapes /metrics: the samples by series as exposed.
func (p *proc) metrics(t *testing.T) map[string]float64 {
	t.Helper()
	code, body := p.get(t, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(body, "\n") {
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

func clusterRole(t *testing.T, k kubernetes.Interface) *rbacv1.ClusterRole {
	t.Helper()
	r, err := k.RbacV1().ClusterRoles().Get(context.Background(), "nxcalico-nodewatch", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// withoutRule removes one rule from a ClusterRole or Role and returns the function that puts it
// back.
func withoutRule(t *testing.T, k kubernetes.Interface, kind, ns, name string, i int) func() {
	t.Helper()
	ctx := context.Background()
	switch kind {
	case "ClusterRole":
		r := clusterRole(t, k)
		all := r.Rules
		r.Rules = slices.Delete(slices.Clone(all), i, i+1)
		if _, err := k.RbacV1().ClusterRoles().Update(ctx, r, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		return func() {
			r := clusterRole(t, k)
			r.Rules = all
			if _, err := k.RbacV1().ClusterRoles().Update(ctx, r, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	default:
		r, err := k.RbacV1().Roles(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		all := r.Rules
		r.Rules = slices.Delete(slices.Clone(all), i, i+1)
		if _, err := k.RbacV1().Roles(ns).Update(ctx, r, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		return func() {
			r, err := k.RbacV1().Roles(ns).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r.Rules = all
			if _, err := k.RbacV1().Roles(ns).Update(ctx, r, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a running process's writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
