package twin

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/design"
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
	if err := Preflight(); err != nil {
		t.Skip(err)
	}
}

// testPrefix is a namespace prefix unique to this test process.
func testPrefix(tag string) string {
	return fmt.Sprintf("nxt%s%d", tag, os.Getpid()%100000)
}

func testContext(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
