package calicotest_test

import (
	"os"
	"testing"

	"github.com/nxcalico/nxcalico/kit/calicotest"
	"github.com/nxcalico/nxcalico/kit/calicotest/harness"
)

// shared is the one server, with both groups, that most tests use.
var shared *calicotest.Server

func TestMain(m *testing.M) {
	os.Exit(harness.Main(m, calicotest.Options{}, &shared))
}
