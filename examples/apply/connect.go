package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/nxos"
)

// switchTimeout bounds each NX-API request.
const switchTimeout = 60 * time.Second

// clients are the configured clients of a run; making them does no I/O.
type clients struct {
	switches map[string]*nxos.Client
	retired  map[string]*nxos.Client // the retired leaves' switches
	kube     *rest.Config
	calico   *calico.Client
	core     kubernetes.Interface // nil when neither Node labels nor a password secret need it
	nodes    *node.Client         // nil unless Node labels are on
}

// connect builds the switch and cluster clients from cfg. Its errors are configuration errors:
// no request has been made.
func (c *command) connect(cfg *config) (*clients, error) {
	cl := &clients{switches: make(map[string]*nxos.Client, len(cfg.switches)), retired: make(map[string]*nxos.Client, len(cfg.retired))}
	for _, l := range cfg.intent.Leaves {
		sw, err := cfg.switchClient(cfg.switches[l.Name])
		if err != nil {
			return nil, fmt.Errorf("leaf %s: %w", l.Name, err)
		}
		cl.switches[l.Name] = sw
	}
	for _, name := range cfg.intent.Fabric.Retired {
		sw, err := cfg.switchClient(cfg.retired[name])
		if err != nil {
			return nil, fmt.Errorf("retired leaf %s: %w", name, err)
		}
		cl.retired[name] = sw
	}
	var err error
	if cl.kube, err = c.kubeConfig(cfg); err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	if cl.calico, err = calico.NewClient(cl.kube, calico.Options{}); err != nil {
		return nil, err
	}
	if cfg.labelNodes || cfg.intent.Cluster.PasswordSecret != nil {
		if cl.core, err = c.coreClient(cl.kube); err != nil {
			return nil, fmt.Errorf("core client: %w", err)
		}
	}
	if cfg.labelNodes {
		if cl.nodes, err = node.NewClient(cl.core, node.Options{}); err != nil {
			return nil, err
		}
	}
	return cl, nil
}

// switchClient returns the NX-API client of the switch at url.
func (cfg *config) switchClient(url string) (*nxos.Client, error) {
	return nxos.NewClient(nxos.Options{
		URL:         url,
		Credentials: cfg.credentials,
		Insecure:    cfg.insecure,
		RootCAs:     cfg.roots,
		Timeout:     switchTimeout,
	})
}

// kubeConfig loads the cluster configuration by client-go's standard rules: -kubeconfig, else
// the files KUBECONFIG lists, else ~/.kube/config, else the in-cluster service account.
func (c *command) kubeConfig(cfg *config) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	// The environment is read through getenv, like the credentials.
	if v := c.getenv(clientcmd.RecommendedConfigPathEnvVar); v != "" {
		rules.Precedence = filepath.SplitList(v)
	} else {
		rules.Precedence = []string{clientcmd.RecommendedHomeFile}
	}
	rules.ExplicitPath = cfg.kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: cfg.context}
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
}

// syncer wires the clients into a Syncer.
func (cl *clients) syncer(cfg *config, progress func(nxcalico.Step)) *nxcalico.Syncer {
	s := &nxcalico.Syncer{
		Switches:     cl.switches,
		Retired:      cl.retired,
		Calico:       cl.calico,
		Concurrency:  cfg.concurrency,
		AllOrNothing: cfg.allOrNothing,
		Handover:     cfg.handover,
		AllowOutage:  cfg.allowOutage,
		Progress:     progress,
	}
	if cfg.labelNodes {
		s.Nodes = cl.nodes
	}
	return s
}

// tlsMode says how a switch's certificate is checked.
func tlsMode(cfg *config, url string) string {
	switch {
	case strings.HasPrefix(url, "http://"):
		return "plain HTTP, no TLS"
	case cfg.insecure:
		return "TLS NOT verified (-insecure)"
	case cfg.caFile != "":
		return "TLS verified: system roots and " + cfg.caFile
	default:
		return "TLS verified: system roots"
	}
}
