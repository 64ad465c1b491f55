package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	published = "../../design/testdata/casestudy-as-published.yaml"
	corrected = "../../design/testdata/casestudy.yaml"
	mistakes  = "../../design/testdata/mistakes/every-section.yaml"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.yaml")
	if err := os.WriteFile(typo, []byte("fabric: {asn: 65102}\nclustr: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		status     int
		stdout     string
		stderrHas  []string
		stderrNone bool
	}{
		{name: "usage", args: nil, status: 2, stderrHas: []string{"usage: validate FILE..."}},
		{name: "valid file", args: []string{corrected}, status: 0, stdout: "ok\n", stderrNone: true},
		{name: "published file", args: []string{published}, status: 1, stderrHas: []string{
			"cluster.nodes[0].ipv6: not-in-subnet: 2001:192:168::10 is outside the anycast gateway subnet 2001:192:168:1::/64",
			"peering.nodeRoutes[1]: unreachable-peer: node route 2001:193:168:1::/128 does not cover 2001:193:168:1::4",
		}},
		{name: "values that do not parse and mistakes of the design, in one run", args: []string{mistakes}, status: 1, stderrHas: []string{
			`fabric.asn: invalid-asn: invalid ASN "65102x"`,
			`cluster.nodes[4].ipv4Adress: unknown-field`,
			"cluster.nodes[2].ipv4: not-in-subnet",
			"fabric.leafPairs[0].leaves[1].peeringLoopback.ipv4: loopback-not-host",
			"peering.asOverride: as-override-required",
		}},
		{name: "several files", args: []string{corrected, typo}, status: 1, stdout: corrected + ": ok\n", stderrHas: []string{
			typo + `: clustr: unknown-field: "clustr" is not a field of the top level (did you mean "cluster"?)`,
		}},
		{name: "missing file wins over problems", args: []string{published, filepath.Join(dir, "nope.yaml")}, status: 2, stderrHas: []string{
			published + ": cluster.nodes[0].ipv6: not-in-subnet",
			"nope.yaml: no such file or directory",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tt.args, &stdout, &stderr); got != tt.status {
				t.Errorf("status = %d, want %d; stderr:\n%s", got, tt.status, stderr.String())
			}
			if stdout.String() != tt.stdout {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.stdout)
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
				}
			}
			if tt.stderrNone && stderr.Len() > 0 {
				t.Errorf("stderr = %q, want nothing", stderr.String())
			}
		})
	}
}

func TestRunPrintsOneProblemPerLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	run([]string{published}, &stdout, &stderr)
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3 problems:\n%s", len(lines), stderr.String())
	}
	for _, l := range lines {
		if strings.Count(l, ": ") < 2 {
			t.Errorf("line %q is not path: code: message", l)
		}
	}
}
