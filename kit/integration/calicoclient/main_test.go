package calicoclient_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/calico"

	"github.com/nxcalico/nxcalico/kit/calicotest"
)

// The package's tests share two in-process API servers, one serving only the projectcalico.org/v3
// CRDs and one serving only the crd.projectcalico.org/v1 CRDs. They start on first use (tests
// that need no server do not wait for them) and stop when the tests end. Tests using them must
// not run in parallel: each empties its server first (see groupServer).
var servers struct {
	once   sync.Once
	byName map[calico.Group]*calicotest.Server
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	var errs []error
	for _, s := range servers.byName {
		errs = append(errs, s.Close())
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintf(os.Stderr, "close Calico API servers: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// startServers starts both servers at once.
func startServers() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	groups := map[calico.Group]calicotest.Group{calico.GroupV3: calicotest.GroupV3, calico.GroupV1: calicotest.GroupV1}
	type started struct {
		g   calico.Group
		s   *calicotest.Server
		err error
	}
	ch := make(chan started, len(groups))
	for g, cg := range groups {
		go func() {
			s, err := calicotest.Start(ctx, calicotest.Options{Groups: []calicotest.Group{cg}})
			ch <- started{g, s, err}
		}()
	}
	servers.byName = make(map[calico.Group]*calicotest.Server)
	for range groups {
		r := <-ch
		if r.err != nil {
			servers.err = errors.Join(servers.err, fmt.Errorf("start %s server: %w", r.g, r.err))
			continue
		}
		servers.byName[r.g] = r.s
	}
}

// groupServer returns the shared server that serves only group g, emptied of every Calico object.
func groupServer(t testing.TB, g calico.Group) *calicotest.Server {
	t.Helper()
	servers.once.Do(startServers)
	if servers.err != nil {
		t.Fatal(servers.err)
	}
	s := servers.byName[g]
	if err := s.Reset(t.Context()); err != nil {
		t.Fatalf("reset %s server: %v", g, err)
	}
	return s
}

// groups are both API groups, for tests that run against each.
var groups = []calico.Group{calico.GroupV3, calico.GroupV1}

// forEachGroup runs test once per API group, as a subtest named after the group, with that
// group's emptied server and a Client for it (group discovered, not forced).
func forEachGroup(t *testing.T, opts calico.Options, test func(t *testing.T, srv *calicotest.Server, c *calico.Client)) {
	for _, g := range groups {
		t.Run(string(g), func(t *testing.T) {
			srv := groupServer(t, g)
			c, err := calico.NewClient(srv.Config(), opts)
			if err != nil {
				t.Fatal(err)
			}
			test(t, srv, c)
		})
	}
}
