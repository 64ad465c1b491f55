// Command twin runs a design on real BGP daemons and prints what they prove:
//
//	sudo go run ./examples/twin [-design FILE] [-timeout 5m]
//
// It builds the routing twin of the design (design.CaseStudy without -design): one network
// namespace per leaf running FRR behind an NX-API REST front, one per Calico node running BIRD
// configured as calico-node would, an in-process Kubernetes API server with Calico's CRDs and a
// fake core API holding the Nodes. It applies the design with nxcalico's Syncer exactly as on
// real switches and a real cluster, verifies both ends from the daemons, runs the twin's checks
// and prints the report with the time of every check, then removes everything it created.
//
// It needs Linux, root and the Debian packages frr, bird and iputils-ping
// (apt-get install -y frr bird iputils-ping). Exit status: 0 when every check passed, 1 when
// one failed or the twin could not run, 2 for wrong usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/examples/internal/steps"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	"github.com/nxcalico/nxcalico/twin"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("twin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("design", "", "design file (YAML); the built-in case study when empty")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "twin: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	p := steps.New(stdout)
	ok, err := runTwin(ctx, p, *file)
	if err != nil {
		fmt.Fprintf(stderr, "\ntwin: FAILED after %s: %v\n", p.Elapsed(), err)
		return 1
	}
	if !ok {
		fmt.Fprintf(stderr, "\ntwin: some checks failed (%s)\n", p.Elapsed())
		return 1
	}
	return 0
}

func runTwin(ctx context.Context, p *steps.Printer, file string) (bool, error) {
	p.Step("Validate the design")
	d := design.CaseStudy()
	if file != "" {
		var err error
		if d, err = design.LoadFile(file); err != nil {
			return false, err
		}
	}
	in, err := design.Derive(d)
	if err != nil {
		return false, err
	}
	p.Printf("    cluster %s: %d leaves, %d nodes, %d eBGP sessions expected\n", in.Cluster.Name, len(in.Leaves), len(in.Nodes), in.SessionCount())
	if err := twin.Preflight(); err != nil {
		return false, err
	}

	p.Step("Start the Kubernetes API server and the twin (FRR leaves, BIRD nodes)")
	api, err := calicotest.Start(ctx, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}})
	if err != nil {
		return false, err
	}
	defer api.Close()
	cfg := api.Config()
	cfg.QPS, cfg.Burst = 1000, 1000
	cs, err := clientset.NewForConfig(cfg)
	if err != nil {
		return false, err
	}
	cc, err := calico.NewClient(api.Config(), calico.Options{})
	if err != nil {
		return false, err
	}
	core := fake.NewClientset()
	for _, n := range in.Nodes {
		if _, err := core.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name}}, metav1.CreateOptions{}); err != nil {
			return false, err
		}
	}
	var password design.Secret
	if ref := in.Cluster.PasswordSecret; ref != nil {
		// The lab's own secret: a fresh random value, never printed.
		password = design.NewSecret(fmt.Sprintf("twin-%d", time.Now().UnixNano()))
		sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ref.Namespace, Name: ref.Name}, Data: map[string][]byte{ref.Key: []byte(password.Reveal())}}
		if _, err := core.CoreV1().Secrets(ref.Namespace).Create(ctx, sec, metav1.CreateOptions{}); err != nil {
			return false, err
		}
	}
	lab, err := twin.Start(ctx, in, twin.Options{Calico: cs, Kube: core})
	if err != nil {
		return false, err
	}
	defer func() {
		if err := lab.Close(); err != nil {
			p.Printf("    closing the twin: %v\n", err)
		}
	}()
	p.Printf("    %d namespaces up in %s (prefix %s)\n", len(lab.Topology.Namespaces()), lab.Started.Round(time.Millisecond), lab.Topology.Prefix)
	sw, err := lab.Switches()
	if err != nil {
		return false, err
	}
	sync := &nxcalico.Syncer{Switches: sw, Calico: cc, Nodes: core, Password: password, Progress: p.Progress}

	p.Step("Plan and apply the design on the twin's leaves and cluster")
	plan, err := sync.Plan(ctx, in)
	if err != nil {
		return false, err
	}
	if _, err := sync.Apply(ctx, plan); err != nil {
		return false, err
	}

	p.Step("Verify the eBGP sessions on both ends (FRR through NX-API, BIRD through CalicoNodeStatus)")
	sync.Progress = nil
	v, err := sync.WaitEstablished(ctx, in, 250*time.Millisecond)
	if v != nil {
		p.Lines(v.String())
	}
	if err != nil {
		return false, err
	}

	p.Step("Checks on the real daemons")
	r, err := lab.Check(ctx, twin.CheckOptions{})
	if r != nil {
		p.Lines(r.String())
	}
	if err != nil {
		return false, errors.Join(err)
	}
	return r.Passed(), nil
}
