package twin_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/twin"
)

func derive(t testing.TB, d *design.Design) *design.Intent {
	t.Helper()
	in, err := design.Derive(d)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// needTwin skips the test when the machine cannot run a twin, naming what is missing.
func needTwin(t testing.TB) {
	t.Helper()
	if err := twin.Preflight(); err != nil {
		t.Skip(err)
	}
}

// testPrefix is a namespace prefix unique to this test process.
func testPrefix(tag string) string {
	return fmt.Sprintf("nxk%s%d", tag, os.Getpid()%100000)
}

func testContext(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// namespacesWith lists the named network namespaces starting with prefix.
func namespacesWith(t testing.TB, prefix string) []string {
	t.Helper()
	entries, err := os.ReadDir("/run/netns")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, e.Name())
		}
	}
	return out
}
