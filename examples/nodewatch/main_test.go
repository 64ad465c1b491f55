package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

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

// retiredDesignFile writes the case study with rack2's leaves retired and no management URL.
func retiredDesignFile(t *testing.T) string {
	t.Helper()
	d := design.CaseStudy()
	d.Fabric.RetiredLeaves = rack2Leaves
	y, err := d.MarshalYAML()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "retired.yaml")
	if err := os.WriteFile(p, y, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunExitStatus(t *testing.T) {
	t.Cleanup(func() { klog.SetSlogLogger(discard()) })
	kube := writeKubeconfig(t, "ops")
	retired := retiredDesignFile(t)
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
		{"unknown switch", append([]string{"-switch", "Leaf9=https://x", "-kubeconfig", kube}, switches...), creds, exitUsage, `-switch \"Leaf9\": no leaf or retired leaf of that name`},
		{"retired leaf without -switch", append([]string{"-design", retired, "-kubeconfig", kube, "-switch", "Leaf2201=https://127.0.0.1:3"}, switches...), creds, exitUsage,
			`retired leaf \"Leaf2202\" has no URL; give -switch Leaf2202=https://…`},
		{"retired leaves with -switch", append([]string{"-design", retired, "-kubeconfig", kube, "-id", "r1", "-switch", "Leaf2201=https://127.0.0.1:3", "-switch", "Leaf2202=https://127.0.0.1:4"}, switches...),
			creds, exitOK, "leaves=2 retired=2"},
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

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a running command.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestConfigErrorKeepsServingNotReady: with -http-addr, a design file that does not parse keeps
// the process up and not ready, with the reason in the log, /readyz and the metrics, and a fixed
// file is picked up without a restart.
func TestConfigErrorKeepsServingNotReady(t *testing.T) {
	t.Cleanup(func() { klog.SetSlogLogger(discard()) })
	good, err := os.ReadFile(designFile(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "design.yaml")
	if err := os.WriteFile(path, []byte("fabric: [unclosed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-http-addr", "127.0.0.1:0", "-config-retry", "100ms", "-design", path,
			"-kubeconfig", writeKubeconfig(t, "ops"), "-id", "r1"}, &stderr, creds)
	}()
	addrRE := regexp.MustCompile(`serving /metrics, /healthz and /readyz" addr=(\S+)`)
	var base string
	eventually(t, 5*time.Second, "HTTP address logged", func() (bool, string) {
		m := addrRE.FindStringSubmatch(stderr.String())
		if m == nil {
			return false, stderr.String()
		}
		base = "http://" + m[1]
		return true, ""
	})
	eventually(t, 5*time.Second, "not ready, naming the design", func() (bool, string) {
		code, body := get(t, base+"/readyz")
		return code == http.StatusServiceUnavailable && strings.Contains(body, "design.yaml"), fmt.Sprint(code, body)
	})
	if code, body := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d %q, want 200: the process is alive", code, body)
	}
	if got := scrape(t, base+"/metrics")[`nodewatch_config_error{reason="design"}`]; got != 1 {
		t.Errorf(`nodewatch_config_error{reason="design"} = %v, want 1`, got)
	}
	if !strings.Contains(stderr.String(), `level=ERROR msg="nodewatch: not started; not ready, retrying" reason=design`) {
		t.Errorf("no error record naming the reason:\n%s", stderr.String())
	}

	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "ready as standby once the file is fixed", func() (bool, string) {
		code, body := get(t, base+"/readyz")
		return code == http.StatusOK && strings.Contains(body, "standby"), fmt.Sprint(code, body)
	})
	if got, ok := scrape(t, base+"/metrics")[`nodewatch_config_error{reason="design"}`]; ok {
		t.Errorf(`nodewatch_config_error{reason="design"} = %v after the fix, want no series`, got)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit status %d, want %d", code, exitOK)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10 s of cancel")
	}
	if strings.Contains(stderr.String(), secretPassword) {
		t.Errorf("stderr shows the NX-API password:\n%s", stderr.String())
	}
}
