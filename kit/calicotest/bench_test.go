package calicotest_test

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/kit/calicotest"
)

// BenchmarkStart measures Start (etcd, API server, CRDs Established and
// serving) followed by Close, and reports the process's resident memory
// with the server up.
func BenchmarkStart(b *testing.B) {
	for _, bc := range []struct {
		name   string
		groups []calicotest.Group
	}{
		{"v3", []calicotest.Group{calicotest.GroupV3}},
		{"both", nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var rss float64
			for b.Loop() {
				srv, err := calicotest.Start(context.Background(), calicotest.Options{Groups: bc.groups})
				if err != nil {
					b.Fatal(err)
				}
				rss = statusMB(b, "VmRSS")
				if err := srv.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(rss, "rss-MB")
			b.ReportMetric(statusMB(b, "VmHWM"), "peak-rss-MB")
		})
	}
}

func BenchmarkReset(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if err := shared.Reset(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// statusMB reads a memory field of /proc/self/status in megabytes, or 0
// where there is no such file.
func statusMB(b *testing.B, field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				b.Fatalf("parse %s %q: %v", field, rest, err)
			}
			return kb / 1024
		}
	}
	return 0
}
