package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/klog/v2"

	"github.com/nxcalico/nxcalico/design"
)

const secretPassword = "pa55-w0rd-never-shown"

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

var creds = env(map[string]string{envUser: "admin", envPassword: secretPassword})

// writeKubeconfig writes a kubeconfig whose context names namespace ns and whose server refuses
// connections.
func writeKubeconfig(t *testing.T, ns string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u
  user: {token: "t"}
contexts:
- name: x
  context: {cluster: c, user: u, namespace: ` + ns + `}
current-context: x
`
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// designFile writes the two-pair design with management URLs and one node (which nodewatch
// ignores).
func designFile(t *testing.T) string {
	t.Helper()
	d := twoPairDesign()
	for i := range d.Fabric.LeafPairs {
		for j := range d.Fabric.LeafPairs[i].Leaves {
			l := &d.Fabric.LeafPairs[i].Leaves[j]
			l.Management = "https://" + strings.ToLower(l.Name) + ".example.net"
		}
	}
	d.Cluster.Nodes = design.CaseStudy().Cluster.Nodes[:1]
	y, err := d.MarshalYAML()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "design.yaml")
	if err := os.WriteFile(p, y, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunExitStatus(t *testing.T) {
	t.Cleanup(func() { klog.SetSlogLogger(discard()) })
	kube := writeKubeconfig(t, "ops")
	switches := []string{"-switch", "Leaf2101=https://127.0.0.1:1", "-switch", "Leaf2102=https://127.0.0.1:2"}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		args   []string
		getenv func(string) string
		want   int
		stderr string // a part of stderr
	}{
		{"help", []string{"-h"}, creds, exitOK, "usage: nodewatch"},
		{"unknown flag", []string{"-bogus"}, creds, exitUsage, "flag provided but not defined"},
		{"argument", []string{"extra"}, creds, exitUsage, `unexpected argument "extra"`},
		{"malformed -switch", []string{"-switch", "Leaf2101"}, creds, exitUsage, `want NAME=URL, got "Leaf2101"`},
		{"negative resync", []string{"-resync", "-1s"}, creds, exitUsage, "must not be negative"},
		{"no credentials", switches, env(nil), exitUsage, "NXOS_USERNAME and NXOS_PASSWORD"},
		{"no password", switches, env(map[string]string{envUser: "admin"}), exitUsage, "NXOS_PASSWORD"},
		{"no management URL", []string{"-kubeconfig", kube}, creds, exitUsage, `leaf \"Leaf2101\" has no management URL`},
		{"unknown switch", append([]string{"-switch", "Leaf9=https://x", "-kubeconfig", kube}, switches...), creds, exitUsage, `-switch \"Leaf9\": no leaf of that name`},
		{"missing design file", []string{"-design", filepath.Join(t.TempDir(), "none.yaml")}, creds, exitUsage, "none.yaml"},
		{"missing CA file", append([]string{"-ca", filepath.Join(t.TempDir(), "ca.pem")}, switches...), creds, exitUsage, "ca.pem"},
		{"missing kubeconfig", append([]string{"-kubeconfig", filepath.Join(t.TempDir(), "kc")}, switches...), creds, exitUsage, "kubeconfig"},
		{"shut down while campaigning", append([]string{"-kubeconfig", kube, "-id", "r1"}, switches...), creds, exitOK, "nodewatch: stopped"},
		{"design file with management URLs", []string{"-design", designFile(t), "-kubeconfig", kube, "-id", "r1"}, creds, exitOK, "leaves=4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got := run(cancelled, tt.args, &stderr, tt.getenv)
			klog.SetSlogLogger(discard())
			if got != tt.want {
				t.Errorf("exit status %d, want %d; stderr:\n%s", got, tt.want, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr.String())
			}
			if strings.Contains(stderr.String(), secretPassword) {
				t.Errorf("stderr shows the NX-API password:\n%s", stderr.String())
			}
		})
	}
}

func TestSetupDefaults(t *testing.T) {
	opts, err := parseFlags([]string{"-kubeconfig", writeKubeconfig(t, "ops"), "-design", designFile(t)}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := setup(opts, creds, discard())
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	if r.Lease.Namespace != "ops" || r.Lease.Name != "nxcalico-nodewatch" || r.Lease.ID != host {
		t.Errorf("lease = %+v, want ops/nxcalico-nodewatch as %q", r.Lease, host)
	}
	if len(r.Base.Cluster.Nodes) != 0 {
		t.Errorf("the design file's nodes were kept: %v", r.Base.Cluster.Nodes)
	}
	if got := r.Switches["Leaf2202"].URL(); got != "https://leaf2202.example.net" {
		t.Errorf("Leaf2202 URL = %q, want the design's management URL", got)
	}
	if len(r.Switches) != 4 {
		t.Errorf("%d switch clients, want 4", len(r.Switches))
	}
}
