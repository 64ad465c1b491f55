// Package twinlab starts a routing twin of a design together with the cluster it needs: an
// in-process Kubernetes API server with Calico's CRDs (package calicotest), a fake core API
// holding the design's Nodes and the BGP password Secret, and the twin itself (package twin: FRR
// leaves behind NX-API fronts, BIRD nodes configured from the cluster). Env.Syncer returns an
// nxcalico.Syncer over the twin's switches and the cluster, so a program drives the twin exactly
// as it drives real switches and a real cluster. The example commands and the twin's end-to-end
// tests run on it.
package twinlab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/twin"
)

// Options tune Start.
type Options struct {
	// API is an API server to use (emptied first) instead of starting one; Close leaves it
	// running.
	API *calicotest.Server
	// Twin are the twin's options; Start fills in Calico and Kube.
	Twin twin.Options
	// Password is the BGP password when the design names a password secret; zero makes a
	// random one. It is stored in the fake core API's Secret and never printed.
	Password design.Secret
}

// Env is a running twin with its cluster.
type Env struct {
	API      *calicotest.Server
	Lab      *twin.Lab
	Core     *fake.Clientset
	Nodes    *node.Client // labels and annotates the Nodes in Core
	Calico   *calico.Client
	Password design.Secret

	ownAPI bool
}

// Start starts the cluster and the twin of in. On error everything started is stopped again.
func Start(ctx context.Context, in *design.Intent, opts Options) (_ *Env, err error) {
	if err := twin.Preflight(); err != nil {
		return nil, err
	}
	e := &Env{API: opts.API, Password: opts.Password}
	defer func() {
		if err != nil {
			err = errors.Join(err, e.Close())
		}
	}()
	if e.API == nil {
		if e.API, err = calicotest.Start(ctx, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}}); err != nil {
			return nil, err
		}
		e.ownAPI = true
	} else if err := e.API.Reset(ctx); err != nil {
		return nil, err
	}
	cfg := e.API.Config()
	cfg.QPS, cfg.Burst = 1000, 1000
	cs, err := clientset.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	if e.Calico, err = calico.NewClient(e.API.Config(), calico.Options{}); err != nil {
		return nil, err
	}
	e.Core = fake.NewClientset()
	if e.Nodes, err = node.NewClient(e.Core, node.Options{}); err != nil {
		return nil, err
	}
	for _, n := range in.Nodes {
		if _, err := e.Core.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name}}, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
	}
	if ref := in.Cluster.PasswordSecret; ref != nil {
		if e.Password.IsZero() {
			b := make([]byte, 12)
			if _, err := rand.Read(b); err != nil {
				return nil, err
			}
			e.Password = design.NewSecret("twin-" + hex.EncodeToString(b))
		}
		sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ref.Namespace, Name: ref.Name}, Data: map[string][]byte{ref.Key: []byte(e.Password.Reveal())}}
		if _, err := e.Core.CoreV1().Secrets(ref.Namespace).Create(ctx, sec, metav1.CreateOptions{}); err != nil {
			return nil, fmt.Errorf("twinlab: creating the password Secret: %w", err)
		}
	} else {
		e.Password = design.Secret{}
	}
	to := opts.Twin
	to.Calico, to.Kube = cs, e.Core
	if to.WatchInterval == 0 {
		to.WatchInterval = 200 * time.Millisecond
	}
	if e.Lab, err = twin.Start(ctx, in, to); err != nil {
		return nil, err
	}
	return e, nil
}

// Syncer returns a Syncer over the twin's switches (NX-API fronts), the cluster's Calico API and
// Nodes, with the design's password.
func (e *Env) Syncer() (*nxcalico.Syncer, error) {
	sw, err := e.Lab.Switches()
	if err != nil {
		return nil, err
	}
	return &nxcalico.Syncer{Switches: sw, Calico: e.Calico, Nodes: e.Nodes, Password: e.Password}, nil
}

// Close stops the twin (every namespace, link and daemon) and the API server Start started. It
// is safe to call more than once.
func (e *Env) Close() error {
	var errs []error
	if e.Lab != nil {
		errs = append(errs, e.Lab.Close())
	}
	if e.ownAPI && e.API != nil {
		errs = append(errs, e.API.Close())
		e.API = nil
	}
	return errors.Join(errs...)
}
