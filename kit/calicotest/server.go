package calicotest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// Options configures Start. The zero value starts a server with both
// groups' CRDs that logs nothing.
type Options struct {
	// Groups selects whose CRDs are installed; empty means GroupV3 and
	// GroupV1. Duplicates are ignored; an unknown group is an error.
	Groups []Group
	// Logger receives start-up and shutdown progress at Debug level; nil
	// discards. The API server's and etcd's own logs are always discarded.
	Logger *slog.Logger
}

// Server is an in-process Kubernetes API server (the apiextensions-apiserver
// on an embedded etcd) serving Calico's CRDs. It serves only
// apiextensions.k8s.io and the installed Calico groups: no core API (Nodes,
// Namespaces), no admission webhooks, and every request made with Config is
// authorized. It is safe for concurrent use.
type Server struct {
	config *rest.Config // loopback config, never handed out
	dyn    dynamic.Interface
	groups []Group
	crds   []*apiextensionsv1.CustomResourceDefinition
	log    *slog.Logger

	mu     sync.Mutex
	closed bool
	api    *apiServer
	etcd   *embed.Etcd
	dir    string
}

// Start starts etcd and the API server on loopback ports, installs the CRDs
// of opts.Groups and returns once every CRD is Established and its resource
// answers requests (typically one to two seconds). ctx bounds start-up only;
// the server runs until Close, which the caller must call.
func Start(ctx context.Context, opts Options) (_ *Server, err error) {
	groups, err := normalizeGroups(opts.Groups)
	if err != nil {
		return nil, err
	}
	crds, err := CRDs(groups...)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	silenceKlog()

	dir, err := os.MkdirTemp("", "calicotest-")
	if err != nil {
		return nil, fmt.Errorf("calicotest: temporary directory: %w", err)
	}
	s := &Server{groups: groups, crds: crds, log: log, dir: dir}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Close())
		}
	}()

	began := time.Now()
	e, etcdURL, err := startEtcd(ctx, filepath.Join(dir, "etcd"))
	if err != nil {
		return nil, err
	}
	s.etcd = e
	log.DebugContext(ctx, "calicotest: etcd ready", "url", etcdURL, "took", time.Since(began))

	t := time.Now()
	api, err := startAPIServer(ctx, dir, etcdURL)
	if err != nil {
		return nil, err
	}
	s.api = api
	s.config = api.config
	log.DebugContext(ctx, "calicotest: API server ready", "host", api.config.Host, "took", time.Since(t))

	s.dyn, err = dynamic.NewForConfig(s.config)
	if err != nil {
		return nil, fmt.Errorf("calicotest: dynamic client: %w", err)
	}
	t = time.Now()
	if err := installCRDs(ctx, s.config, s.dyn, crds); err != nil {
		return nil, err
	}
	log.DebugContext(ctx, "calicotest: CRDs installed", "groups", groups, "crds", len(crds), "took", time.Since(t), "total", time.Since(began))
	return s, nil
}

// Config returns a new copy of the client configuration for the server,
// authenticated as a cluster administrator. QPS and Burst are zero, so
// client-go applies its usual defaults (5 and 10) unless the caller sets
// them, as it would against a real cluster.
func (s *Server) Config() *rest.Config {
	c := rest.CopyConfig(s.config)
	c.QPS, c.Burst = 0, 0
	return c
}

// Groups returns the groups whose CRDs the server serves, GroupV3 first.
func (s *Server) Groups() []Group { return slices.Clone(s.groups) }

// CRDs returns copies of the CustomResourceDefinitions installed on the
// server, in the order of the package function CRDs.
func (s *Server) CRDs() []*apiextensionsv1.CustomResourceDefinition {
	out := make([]*apiextensionsv1.CustomResourceDefinition, len(s.crds))
	for i, crd := range s.crds {
		out[i] = crd.DeepCopy()
	}
	return out
}

// Close stops the API server and etcd and removes their temporary files.
// Calling it again does nothing and returns nil.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	t := time.Now()
	var errs []error
	if s.api != nil {
		if err := s.api.stop(); err != nil {
			errs = append(errs, fmt.Errorf("calicotest: stop API server: %w", err))
		}
	}
	s.log.Debug("calicotest: API server stopped", "took", time.Since(t))
	if s.etcd != nil {
		s.etcd.Close()
	}
	if err := os.RemoveAll(s.dir); err != nil {
		errs = append(errs, fmt.Errorf("calicotest: remove %s: %w", s.dir, err))
	}
	s.log.Debug("calicotest: server closed", "took", time.Since(t))
	return errors.Join(errs...)
}
