// Package lab starts a complete simulated environment for a design: one NX-API REST simulator
// per leaf (TLS, verified against the simulator's own CA), a real Kubernetes API server with
// Calico's CRDs in-process, a fake core API holding the design's Nodes, and a calico-node
// stand-in that reports sessions from the simulated leaves. The case-study command and the
// end-to-end tests run on it.
package lab

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	"github.com/nxcalico/nxcalico/kit/nodesim"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// Credentials the simulated switches accept. The password holds the characters that broke
// naive login bodies.
const (
	User     = "admin"
	Password = `lab-"pass"\word`
)

// Lab is a running simulated environment.
type Lab struct {
	Sims      map[string]*nxostest.Server // by leaf name
	Switches  map[string]*nxos.Client     // by leaf name
	API       *calicotest.Server
	Calico    *calico.Client
	Clientset clientset.Interface // projectcalico.org/v3, for reading objects back
	Core      *fake.Clientset     // Nodes (the in-process server serves no core API)
	Nodes     *node.Client        // labels and annotates the Nodes in Core
	Reporter  *nodesim.Reporter

	ownAPI bool // Close stops API only when the lab started it
}

// Options configures StartWith.
type Options struct {
	// API, when set, is a running API server the lab uses instead of starting one, so that
	// tests can share one server per binary; Close leaves it running and emptying it between
	// uses is the caller's job (calicotest.Server.Reset).
	API *calicotest.Server
}

// Start brings up the environment for the leaves and nodes of in. Leaves get simulators that
// answer with established sessions for every configured neighbor. Close stops everything.
func Start(ctx context.Context, in *design.Intent) (*Lab, error) {
	return StartWith(ctx, in, Options{})
}

// StartWith is Start with options: with opts.API set, the lab runs on that API server instead of
// starting its own.
func StartWith(ctx context.Context, in *design.Intent, opts Options) (_ *Lab, err error) {
	l := &Lab{Sims: map[string]*nxostest.Server{}, Switches: map[string]*nxos.Client{}}
	defer func() {
		if err != nil {
			l.Close()
		}
	}()
	for _, leaf := range in.Leaves {
		sim := nxostest.NewTLSServer(nxostest.WithHostname(leaf.Name), nxostest.WithCredentials(User, Password))
		sim.SetPeersAlive(true)
		l.Sims[leaf.Name] = sim
		c, err := nxos.NewClient(nxos.Options{
			URL:         sim.URL(),
			Credentials: nxos.Credentials{Username: User, Password: design.NewSecret(Password)},
			RootCAs:     sim.CertPool(),
			Timeout:     10 * time.Second,
		})
		if err != nil {
			return nil, fmt.Errorf("lab: client for %s: %w", leaf.Name, err)
		}
		l.Switches[leaf.Name] = c
	}
	if l.API = opts.API; l.API == nil {
		if l.API, err = calicotest.Start(ctx, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}}); err != nil {
			return nil, fmt.Errorf("lab: starting the Kubernetes API server: %w", err)
		}
		l.ownAPI = true
	}
	if l.Calico, err = calico.NewClient(l.API.Config(), calico.Options{}); err != nil {
		return nil, err
	}
	// The clientset reads objects back for checks and for the calico-node stand-in: a loopback
	// server needs no client-side rate limit (client-go's default, 5 QPS, would slow every check).
	readCfg := l.API.Config()
	readCfg.QPS, readCfg.Burst = 1000, 1000
	if l.Clientset, err = clientset.NewForConfig(readCfg); err != nil {
		return nil, err
	}
	var nodes []*corev1.Node
	for _, n := range in.Nodes {
		nodes = append(nodes, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name}})
	}
	l.Core = fake.NewClientset()
	for _, n := range nodes {
		if _, err := l.Core.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
	}
	if l.Nodes, err = node.NewClient(l.Core, node.Options{}); err != nil {
		return nil, err
	}
	l.Reporter = &nodesim.Reporter{Calico: l.Clientset, Core: l.Core, Leaves: Leaves(in, l.Sims)}
	return l, nil
}

// Leaves describes the simulated leaves of in for the calico-node stand-in.
func Leaves(in *design.Intent, sims map[string]*nxostest.Server) []nodesim.Leaf {
	var out []nodesim.Leaf
	for _, leaf := range in.Leaves {
		var lbs []netip.Addr
		for _, p := range []netip.Prefix{leaf.Loopback.IPv4, leaf.Loopback.IPv6} {
			if p.IsValid() {
				lbs = append(lbs, p.Addr())
			}
		}
		out = append(out, nodesim.Leaf{Name: leaf.Name, Pair: leaf.Pair, VRF: in.Fabric.VRF, ASN: in.Fabric.ASN.String(), Sim: sims[leaf.Name], Loopbacks: lbs})
	}
	return out
}

// Syncer returns a Syncer wired to the environment.
func (l *Lab) Syncer() *nxcalico.Syncer {
	return &nxcalico.Syncer{Switches: l.Switches, Calico: l.Calico, Nodes: l.Nodes}
}

// Close stops every simulator and the API server when the lab started it.
func (l *Lab) Close() error {
	for _, s := range l.Sims {
		s.Close()
	}
	var errs []error
	if l.API != nil && l.ownAPI {
		errs = append(errs, l.API.Close())
	}
	return errors.Join(errs...)
}
