package e2e

import (
	"context"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	kubeapiservertesting "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"

	"github.com/nxcalico/nxcalico/kit/calicotest"
)

// cluster is an embedded etcd and a kube-apiserver behind a TCP proxy: clients use the proxy's
// fixed address, so the API server can be restarted (on a new port) under them, and the proxy
// can cut every connection at once.
type cluster struct {
	t       *testing.T
	etcd    *embed.Etcd
	etcdURL string
	server  kubeapiservertesting.TestServer
	proxy   *proxy
	admin   *rest.Config // system:masters, through the proxy
}

// startCluster starts etcd and the API server (RBAC enforced, the watch cache off so that a
// compaction expires a watch as it does on a cluster whose watch window has passed) and installs
// Calico's CRDs of both groups.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	c := &cluster{t: t}
	c.startEtcd()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.proxy = newProxy(ln)
	t.Cleanup(c.proxy.close)
	c.startServer()
	t.Cleanup(func() { c.server.TearDownFn() })

	ext, err := apiextensionsclient.NewForConfig(c.admin)
	if err != nil {
		t.Fatal(err)
	}
	crds, err := calicotest.CRDs(calicotest.GroupV3, calicotest.GroupV1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, crd := range crds {
		if _, err := ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, crd, metav1.CreateOptions{}); err != nil {
			t.Fatalf("CRD %s: %v", crd.Name, err)
		}
	}
	waitFor(t, time.Minute, "Calico CRDs established", func() (bool, string) {
		list, err := ext.ApiextensionsV1().CustomResourceDefinitions().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		n := 0
		for _, crd := range list.Items {
			for _, cond := range crd.Status.Conditions {
				if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
					n++
				}
			}
		}
		return n == len(crds), ""
	})
	return c
}

func (c *cluster) startEtcd() {
	cfg := embed.NewConfig()
	cfg.Name = "e2e"
	cfg.Dir = c.t.TempDir()
	cfg.UnsafeNoFsync = true
	cfg.TickMs, cfg.ElectionMs = 10, 100
	cfg.Logger, cfg.LogLevel = "zap", "error"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	local := url.URL{Scheme: "http", Host: "127.0.0.1:0"}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{local}, []url.URL{local}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{local}, []url.URL{local}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		c.t.Fatal(err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(time.Minute):
		c.t.Fatal("etcd did not start within a minute")
	}
	c.etcd, c.etcdURL = e, "http://"+e.Clients[0].Addr().String()
	c.t.Cleanup(e.Close)
}

// startServer starts a kube-apiserver on etcd and points the proxy at it.
func (c *cluster) startServer() {
	c.t.Helper()
	storage := storagebackend.NewDefaultConfig("/registry", nil)
	storage.Transport.ServerList = []string{c.etcdURL}
	opts := kubeapiservertesting.NewDefaultTestServerOptions()
	opts.DisableInvariantChecks = true
	s, err := kubeapiservertesting.StartTestServer(quietT{c.t}, opts, []string{
		"--authorization-mode=RBAC",
		"--watch-cache=false",
	}, storage)
	if err != nil {
		c.t.Fatalf("starting kube-apiserver: %v", err)
	}
	c.server = s
	c.proxy.setBackend(s.ClientConfig.Host)
	admin := rest.CopyConfig(s.ClientConfig)
	admin.Host = "https://" + c.proxy.addr()
	c.admin = admin
}

// restartServer stops the API server and starts a new one on the same etcd; the proxy's
// connections are cut as the old server goes, as a real restart would.
func (c *cluster) restartServer() {
	c.t.Helper()
	c.proxy.setBackend("https://127.0.0.1:1") // refused: the server is down for its clients
	c.proxy.dropAll()                         // else its shutdown waits for their watches
	c.server.TearDownFn()
	c.startServer()
}

// compact compacts etcd at its current revision: every watch that resumes from an older
// resource version is then answered 410 Gone.
func (c *cluster) compact(ctx context.Context) {
	c.t.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{c.etcdURL}, DialTimeout: 10 * time.Second})
	if err != nil {
		c.t.Fatal(err)
	}
	defer cli.Close()
	resp, err := cli.Get(ctx, "compact-probe")
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := cli.Compact(ctx, resp.Header.Revision, clientv3.WithCompactPhysical()); err != nil {
		c.t.Fatal(err)
	}
}

func (c *cluster) kube() kubernetes.Interface {
	k, err := kubernetes.NewForConfig(c.admin)
	if err != nil {
		c.t.Fatal(err)
	}
	return k
}

// quietT is the testing.TB the test server logs through; its start-up chatter is dropped.
type quietT struct{ *testing.T }

func (quietT) Logf(string, ...any) {}
func (quietT) Log(...any)          {}

// proxy forwards TCP connections to the current backend address.
type proxy struct {
	ln      net.Listener
	mu      sync.Mutex
	backend string
	conns   map[net.Conn]bool
}

func newProxy(ln net.Listener) *proxy {
	p := &proxy{ln: ln, conns: map[net.Conn]bool{}}
	go p.serve()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) setBackend(hostURL string) {
	u, err := url.Parse(hostURL)
	if err != nil {
		panic(err)
	}
	p.mu.Lock()
	p.backend = u.Host
	p.mu.Unlock()
}

func (p *proxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		backend := p.backend
		p.mu.Unlock()
		out, err := net.DialTimeout("tcp", backend, 5*time.Second)
		if err != nil {
			in.Close()
			continue
		}
		p.track(in, out)
		go p.pipe(in, out)
		go p.pipe(out, in)
	}
}

func (p *proxy) track(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		p.conns[c] = true
	}
}

func (p *proxy) pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// dropAll closes every connection, as a load balancer or a restarting server does.
func (p *proxy) dropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *proxy) close() {
	p.ln.Close()
	p.dropAll()
}

// waitFor polls cond every 50 ms until it holds or within passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(50 * time.Millisecond)
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
