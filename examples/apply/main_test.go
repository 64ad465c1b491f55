package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
	"github.com/nxcalico/nxcalico/kit/lab"
	"github.com/nxcalico/nxcalico/node"
)

// bgpPassword is the BGP password the tests keep in the cluster's Secret; no output may show it.
const bgpPassword = "bgp-Secret-4242"

// credentials is an environment with the lab's switch credentials.
func credentials(extra ...string) map[string]string {
	env := map[string]string{envUsername: lab.User, envPassword: lab.Password}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

// result is the outcome of one run.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

// runCommand runs the command with env as the whole environment; core, when set, replaces the
// Kubernetes core client (the in-process API server serves no Nodes or Secrets).
func runCommand(t *testing.T, env map[string]string, core kubernetes.Interface, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	start := time.Now()
	var code int
	if core == nil {
		code = run(t.Context(), args, getenv, &stdout, &stderr)
	} else {
		c := &command{getenv: getenv, stdout: &stdout, stderr: &stderr,
			coreClient: func(*rest.Config) (kubernetes.Interface, error) { return core, nil }}
		code = c.run(t.Context(), args)
	}
	res := result{code: code, stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	// No run may ever show a password, whatever it did.
	for _, secret := range []string{lab.Password, bgpPassword} {
		if strings.Contains(res.stdout, secret) || strings.Contains(res.stderr, secret) {
			t.Errorf("output shows the password %q:\nstdout:\n%s\nstderr:\n%s", secret, res.stdout, res.stderr)
		}
	}
	return res
}

// writeDesign writes d as a design file and returns its path.
func writeDesign(t *testing.T, d *design.Design) string {
	t.Helper()
	b, err := d.MarshalYAML()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "design.yaml")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeKubeconfig writes a kubeconfig for cfg (server, CA, bearer token) with one context, "lab".
func writeKubeconfig(t *testing.T, cfg *rest.Config) string {
	t.Helper()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["lab"] = &clientcmdapi.Cluster{
		Server:                   cfg.Host,
		CertificateAuthorityData: cfg.CAData,
		TLSServerName:            cfg.ServerName,
	}
	kc.AuthInfos["lab"] = &clientcmdapi.AuthInfo{
		Token:                 cfg.BearerToken,
		ClientCertificateData: cfg.CertData,
		ClientKeyData:         cfg.KeyData,
	}
	kc.Contexts["lab"] = &clientcmdapi.Context{Cluster: "lab", AuthInfo: "lab"}
	kc.CurrentContext = "lab"
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeCA writes the simulators' certificates as a PEM bundle.
func writeCA(t *testing.T, l *lab.Lab) string {
	t.Helper()
	var b bytes.Buffer
	seen := map[string]bool{}
	for _, s := range l.Sims {
		c := s.Certificate()
		if seen[string(c.Raw)] {
			continue
		}
		seen[string(c.Raw)] = true
		if err := pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// switchArgs returns a -switch flag for every leaf of the lab.
func switchArgs(l *lab.Lab, in *design.Intent) []string {
	var args []string
	for _, leaf := range in.Leaves {
		args = append(args, "-switch", leaf.Name+"="+l.Sims[leaf.Name].URL())
	}
	return args
}

func startLab(t *testing.T, in *design.Intent) *lab.Lab {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	l, err := lab.Start(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	return l
}

func derive(t *testing.T, d *design.Design) *design.Intent {
	t.Helper()
	in, err := design.Derive(d)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// neighbors counts the node neighbors the leaf's simulator holds in the VRF.
func neighbors(l *lab.Lab, in *design.Intent, leaf *design.LeafIntent) int {
	n := 0
	for _, nb := range leaf.Neighbors {
		if l.Sims[leaf.Name].Get("sys/bgp/inst/dom-"+in.Fabric.VRF+"/peer-["+nb.Addr.String()+"]") != nil {
			n++
		}
	}
	return n
}

func calicoPeers(t *testing.T, l *lab.Lab) int {
	t.Helper()
	list, err := l.Clientset.ProjectcalicoV3().BGPPeers().List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return len(list.Items)
}

func wantContains(t *testing.T, what, text string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(text, s) {
			t.Errorf("%s does not contain %q:\n%s", what, s, text)
		}
	}
}

// TestLab runs the command against simulated leaves and an in-process API server: a plan that
// changes nothing, TLS failures, then apply with a BGP password from the cluster, verification,
// and a second plan that finds nothing to do.
func TestLab(t *testing.T) {
	withPassword := design.CaseStudy()
	withPassword.Peering.PasswordSecret = &design.SecretRef{Namespace: "calico-system", Name: "bgp", Key: "password"}
	in := derive(t, withPassword)
	l := startLab(t, in)
	if _, err := l.Core.CoreV1().Secrets("calico-system").Create(t.Context(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "calico-system", Name: "bgp"},
		Data:       map[string][]byte{"password": []byte(bgpPassword)},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	kubeconfig := writeKubeconfig(t, l.API.Config())
	ca := writeCA(t, l)
	env := credentials("KUBECONFIG", kubeconfig)
	passwordDesign := writeDesign(t, withPassword)
	plainDesign := writeDesign(t, design.CaseStudy())
	switches := switchArgs(l, in)
	args := func(extra ...string) []string { return append(append([]string{}, switches...), extra...) }

	nothingChanged := func(t *testing.T) {
		t.Helper()
		for i := range in.Leaves {
			if n := neighbors(l, in, &in.Leaves[i]); n != 0 {
				t.Errorf("%s holds %d neighbors after a run that must change nothing", in.Leaves[i].Name, n)
			}
		}
		if n := calicoPeers(t, l); n != 0 {
			t.Errorf("the cluster holds %d BGPPeers after a run that must change nothing", n)
		}
	}

	t.Run("plan on a fresh lab with the real core client", func(t *testing.T) {
		// No password secret and no Node labels: the command needs no core API, which the
		// in-process server does not serve.
		res := runCommand(t, env, nil, args("-design", plainDesign, "-ca", ca, "-plan", "-label-nodes=false")...)
		if res.code != exitPending {
			t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, exitPending, res.stdout, res.stderr)
		}
		wantContains(t, "stdout", res.stdout, "Leaf2101", "Leaf2102", "create BGPPeer/", "Changes pending", "TLS verified: system roots and "+ca,
			"leaf Leaf2101    planned", "left alone (-label-nodes=false)")
		nothingChanged(t)
	})

	t.Run("plan with password and node labels", func(t *testing.T) {
		res := runCommand(t, env, l.Core, args("-design", passwordDesign, "-ca", ca, "-plan", "-v")...)
		if res.code != exitPending {
			t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, exitPending, res.stdout, res.stderr)
		}
		wantContains(t, "stdout", res.stdout, "BGP password read from Secret calico-system/bgp", "Nodes: 3 to label", "~ node/master")
		nothingChanged(t)
	})

	t.Run("-insecure warns", func(t *testing.T) {
		res := runCommand(t, env, l.Core, args("-design", passwordDesign, "-insecure", "-plan")...)
		if res.code != exitPending {
			t.Fatalf("exit %d, want %d\nstderr:\n%s", res.code, exitPending, res.stderr)
		}
		wantContains(t, "stderr", res.stderr, "WARNING: -insecure")
		wantContains(t, "stdout", res.stdout, "TLS NOT verified (-insecure)")
		nothingChanged(t)
	})

	t.Run("TLS without -ca fails on the certificate", func(t *testing.T) {
		res := runCommand(t, env, l.Core, args("-design", passwordDesign, "-timeout", "30s")...)
		if res.code != exitFailed {
			t.Fatalf("exit %d, want %d\nstderr:\n%s", res.code, exitFailed, res.stderr)
		}
		wantContains(t, "stderr", res.stderr, "certificate", "-ca FILE", "nothing was changed")
		if res.took > 15*time.Second {
			t.Errorf("the certificate failure took %s", res.took)
		}
		nothingChanged(t)
	})

	t.Run("apply and verify", func(t *testing.T) {
		reporter, stop := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); l.Reporter.Run(reporter, 100*time.Millisecond) }()
		defer func() { stop(); <-done }()

		res := runCommand(t, env, l.Core, args("-design", passwordDesign, "-ca", ca, "-wait", "30s")...)
		if res.code != exitOK {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
		}
		wantContains(t, "stdout", res.stdout,
			"leaf Leaf2101    applied", "leaf Leaf2102    applied", "nodes            labelled", "calico           applied",
			"12/12 sessions established", "master  IPv4    Leaf2101")
		if res.stderr != "" {
			t.Errorf("stderr:\n%s", res.stderr)
		}

		// The simulators hold every neighbor of the design and the password, encrypted.
		for i := range in.Leaves {
			leaf := &in.Leaves[i]
			if n := neighbors(l, in, leaf); n != len(leaf.Neighbors) {
				t.Errorf("%s holds %d of its %d neighbors", leaf.Name, n, len(leaf.Neighbors))
			}
			tpl := l.Sims[leaf.Name].Get("sys/bgp/inst/dom-default/peercont-" + leaf.Templates[0].Name)
			if tpl == nil {
				t.Fatalf("%s has no template %s", leaf.Name, leaf.Templates[0].Name)
			}
			pw := tpl.Get("password")
			if pw == "" || pw == bgpPassword {
				t.Errorf("%s template password %q, want the encrypted password", leaf.Name, pw)
			}
			// The type-7 form is reversible: it is no more printable than the password.
			if strings.Contains(res.stdout+res.stderr, pw) {
				t.Errorf("the output shows the encrypted password %q", pw)
			}
		}
		// The cluster holds the design's BGPPeers with the Secret reference, and labelled Nodes.
		peers, err := l.Clientset.ProjectcalicoV3().BGPPeers().List(t.Context(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(peers.Items) != 4 {
			t.Errorf("%d BGPPeers, want 4", len(peers.Items))
		}
		for _, p := range peers.Items {
			if p.Spec.Password == nil || p.Spec.Password.SecretKeyRef == nil || p.Spec.Password.SecretKeyRef.Name != "bgp" {
				t.Errorf("BGPPeer %s has password %+v, want a reference to Secret bgp", p.Name, p.Spec.Password)
			}
		}
		for _, n := range in.Nodes {
			kn, err := l.Core.CoreV1().Nodes().Get(t.Context(), n.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if kn.Labels[node.LeafPairLabel] != n.Pair {
				t.Errorf("node %s labels %v, want %s=%s", n.Name, kn.Labels, node.LeafPairLabel, n.Pair)
			}
		}
	})

	t.Run("plan again finds nothing", func(t *testing.T) {
		res := runCommand(t, env, l.Core, args("-design", passwordDesign, "-ca", ca, "-plan")...)
		if res.code != exitOK {
			t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
		}
		wantContains(t, "stdout", res.stdout, "No changes")
	})

	t.Run("a session down fails verification", func(t *testing.T) {
		node := in.Nodes[0]
		l.Sims["Leaf2101"].SetPeerState(in.Fabric.VRF, node.Addr.IPv4.String(), "idle")
		defer l.Sims["Leaf2101"].SetPeerState(in.Fabric.VRF, node.Addr.IPv4.String(), "")
		res := runCommand(t, env, l.Core, args("-design", passwordDesign, "-ca", ca, "-wait", "1500ms")...)
		if res.code != exitFailed {
			t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, exitFailed, res.stdout, res.stderr)
		}
		wantContains(t, "stderr", res.stderr, "the design was applied, but ", "sessions not established (master–Leaf2101 IPv4)")
		wantContains(t, "stdout", res.stdout, "Apply: nothing to change", "idle")
	})

	t.Run("apply again changes nothing", func(t *testing.T) {
		res := runCommand(t, env, l.Core, args("-design", passwordDesign, "-ca", ca, "-wait", "0")...)
		if res.code != exitOK {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
		}
		wantContains(t, "stdout", res.stdout, "Apply: nothing to change", "verification skipped (-wait 0)")
	})

	t.Run("rotate the password after the Secret changed", func(t *testing.T) {
		const rotated = "bgp-Rotated-7171"
		sec, err := l.Core.CoreV1().Secrets("calico-system").Get(t.Context(), "bgp", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sec.Data["password"] = []byte(rotated)
		if _, err := l.Core.CoreV1().Secrets("calico-system").Update(t.Context(), sec, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		tmpl := "sys/bgp/inst/dom-default/peercont-CALICO"
		before := l.Sims["Leaf2101"].Get(tmpl).Get("password")
		res := runCommand(t, env, l.Core, args("-design", passwordDesign, "-ca", ca, "-wait", "0", "-rotate-password")...)
		if res.code != exitOK {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
		}
		after := l.Sims["Leaf2101"].Get(tmpl).Get("password")
		if after == "" || after == before {
			t.Errorf("template password not rotated: before %q, after %q", before, after)
		}
		// The plan said, before applying, which sessions the new password resets, and the
		// leaves went one pair position at a time.
		for _, want := range []string{"This change resets 12 BGP sessions", "Leaf2101: vrf vrf-001 192.168.1.10 (template CALICO password changes)", "wave 1 of 2: every session it brings is up"} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("the output does not say %q:\n%s", want, res.stdout)
			}
		}
		for _, out := range []string{res.stdout, res.stderr} {
			if strings.Contains(out, rotated) || strings.Contains(out, after) {
				t.Error("the rotated password shows in the output")
			}
		}
		res = runCommand(t, env, l.Core, args("-design", writeDesign(t, design.CaseStudy()), "-ca", ca, "-plan", "-rotate-password")...)
		if res.code != exitFailed && res.code != exitUsage {
			t.Errorf("-rotate-password without a password secret: exit %d, want a refusal", res.code)
		}
	})
}

// TestRetiredLeaves retires a leaf pair through the design file: after rack2 left the design and
// its leaves were listed in fabric.retiredLeaves, -plan shows what goes from the retired leaves
// and changes nothing, and apply removes the design's node sessions from them while the leaves of
// the design keep theirs.
func TestRetiredLeaves(t *testing.T) {
	twoPairs := designtest.TwoPairs()
	full := derive(t, twoPairs)
	l := startLab(t, full)
	env := credentials("KUBECONFIG", writeKubeconfig(t, l.API.Config()))
	ca := writeCA(t, l)
	switches := switchArgs(l, full)
	args := func(extra ...string) []string { return append(append([]string{}, switches...), extra...) }

	res := runCommand(t, env, l.Core, args("-design", writeDesign(t, twoPairs), "-ca", ca, "-wait", "0")...)
	if res.code != exitOK {
		t.Fatalf("applying two pairs: exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	retiredLeaves := []string{"Leaf2103", "Leaf2104"}
	for _, name := range retiredLeaves {
		if n := neighbors(l, full, full.Leaf(name)); n == 0 {
			t.Fatalf("%s holds no neighbor after the two pairs were applied", name)
		}
	}

	oneLess := design.CaseStudy()
	oneLess.Fabric.RetiredLeaves = []string{"Leaf2104", "Leaf2103"}
	retiredDesign := writeDesign(t, oneLess)
	template := "sys/bgp/inst/dom-default/peercont-" + full.Leaves[0].Templates[0].Name

	t.Run("-plan shows the retired leaves", func(t *testing.T) {
		res := runCommand(t, env, l.Core, args("-design", retiredDesign, "-ca", ca, "-plan")...)
		if res.code != exitPending {
			t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, exitPending, res.stdout, res.stderr)
		}
		wantContains(t, "stdout", res.stdout, "2 leaves (and 2 retired)", "Leaf2103  NX-API at", "retired: what the design configured there is removed",
			"leaf Leaf2103    planned", "leaf Leaf2104    planned")
		for _, name := range retiredLeaves {
			if !regexp.MustCompile(`(?m)^\s*` + name + `\s+\+0 ~\d+ -[1-9]\d*$`).MatchString(res.stdout) {
				t.Errorf("the plan deletes nothing on retired leaf %s:\n%s", name, res.stdout)
			}
			if n := neighbors(l, full, full.Leaf(name)); n == 0 || l.Sims[name].Get(template) == nil {
				t.Errorf("-plan changed retired leaf %s: %d neighbors left", name, n)
			}
		}
	})

	t.Run("apply cleans the retired leaves", func(t *testing.T) {
		res := runCommand(t, env, l.Core, args("-design", retiredDesign, "-ca", ca, "-wait", "0", "-handover", "0")...)
		if res.code != exitOK {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
		}
		wantContains(t, "stdout", res.stdout, "leaf Leaf2103    applied", "leaf Leaf2104    applied", "on 2 leaves (and 2 retired) and the cluster")
		for _, name := range retiredLeaves {
			if n := neighbors(l, full, full.Leaf(name)); n != 0 {
				t.Errorf("retired leaf %s still holds %d node neighbors", name, n)
			}
			if l.Sims[name].Get(template) != nil {
				t.Errorf("retired leaf %s still holds the design's template %s", name, template)
			}
		}
		for _, name := range []string{"Leaf2101", "Leaf2102"} {
			leaf := full.Leaf(name)
			if n := neighbors(l, full, leaf); n != len(leaf.Neighbors) {
				t.Errorf("%s holds %d of its %d neighbors", name, n, len(leaf.Neighbors))
			}
		}
		if n := calicoPeers(t, l); n != 4 {
			t.Errorf("%d BGPPeers, want rack1's 4", n)
		}
	})

	t.Run("plan again finds nothing", func(t *testing.T) {
		res := runCommand(t, env, l.Core, args("-design", retiredDesign, "-ca", ca, "-plan")...)
		if res.code != exitOK {
			t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
		}
		wantContains(t, "stdout", res.stdout, "No changes", "leaf Leaf2103    planned")
	})
}
