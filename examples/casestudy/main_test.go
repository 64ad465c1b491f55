package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunWritesArtifactsAndEstablishesEverySession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"-out", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"[1] Validate the reference design",
		"cluster prod AS 65531: 3 nodes on 1 leaf pair(s), 2 leaves; 12 eBGP sessions expected",
		"wrote 11 files to " + dir,
		"Leaf2101  NX-API at https://",
		"leaf Leaf2101: applied: ",
		"node02  IPv6    Leaf2102  2001:192:168:1::13  2001:193:168:1::5  established  Established  yes",
		"    no changes\n",
		"12/12 sessions established; second plan empty.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not contain %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "  no\n") {
		t.Errorf("a session is shown down:\n%s", out)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
	for _, p := range []string{"nxos/Leaf2101.json", "nxos/Leaf2102.cli", "calico/calico.yaml", "nodes/node01.sh", "topology.mmd"} {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil || fi.Size() == 0 {
			t.Errorf("artifact %s: %v", p, err)
		}
	}
}

func TestRunExitStatus(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		code      int
		errSubstr string
	}{
		{name: "unknown flag", args: []string{"-nope"}, code: 2, errSubstr: "flag provided but not defined: -nope"},
		{name: "argument", args: []string{"extra"}, code: 2, errSubstr: `unexpected argument "extra"`},
		{name: "bad duration", args: []string{"-timeout", "soon"}, code: 2, errSubstr: "invalid value"},
		{name: "deadline before start-up", args: []string{"-timeout", "1ns"}, code: 1, errSubstr: "casestudy: FAILED after"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.errSubstr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.code, tc.errSubstr)
			}
		})
	}
}
