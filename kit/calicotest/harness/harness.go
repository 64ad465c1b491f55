package harness

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/kit/calicotest"
)

// StartTimeout bounds how long Main and Start wait for a server to come up.
const StartTimeout = 2 * time.Minute

// Main starts one Server with opts, stores it in *srv, runs the tests of m,
// closes the server and returns the exit code for os.Exit. If the server
// cannot start, Main reports why on standard error, runs no test and returns
// 1. Use it from TestMain:
//
//	var srv *calicotest.Server
//
//	func TestMain(m *testing.M) { os.Exit(harness.Main(m, calicotest.Options{}, &srv)) }
//
// Tests sharing the server should call srv.Reset before they create objects.
func Main(m *testing.M, opts calicotest.Options, srv **calicotest.Server) int {
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	s, err := calicotest.Start(ctx, opts)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "harness: start Calico API server: %v\n", err)
		return 1
	}
	*srv = s
	code := m.Run()
	if err := s.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "harness: close Calico API server: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Start starts a Server with opts for a single test and closes it when the
// test ends. It fails the test if the server cannot start. Each server costs
// about a second and 150 MB: prefer one shared server through Main.
func Start(tb testing.TB, opts calicotest.Options) *calicotest.Server {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), StartTimeout)
	defer cancel()
	s, err := calicotest.Start(ctx, opts)
	if err != nil {
		tb.Fatalf("start Calico API server: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close Calico API server: %v", err)
		}
	})
	return s
}

// Reset empties srv (see calicotest.Server.Reset) and fails the test if it
// cannot.
func Reset(tb testing.TB, srv *calicotest.Server) {
	tb.Helper()
	if err := srv.Reset(tb.Context()); err != nil {
		tb.Fatalf("reset Calico API server: %v", err)
	}
}
