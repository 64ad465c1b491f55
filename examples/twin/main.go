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
// It needs Linux, root and the Debian packages frr, frr-pythontools, bird and iputils-ping
// (apt-get install -y frr frr-pythontools bird iputils-ping). Exit status: 0 when every check
// passed, 1 when one failed or the twin could not run, 2 for wrong usage.
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

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/examples/internal/steps"
	"github.com/nxcalico/nxcalico/kit/twinlab"
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
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long (with -changes, at least 20m is used)")
	changes := fs.Bool("changes", false, "after the checks, run the change suite (twin.Suite) with probes running and print its table")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "twin: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *changes {
		*timeout = max(*timeout, 20*time.Minute)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	p := steps.New(stdout)
	ok, err := runTwin(ctx, p, *file, *changes)
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

func runTwin(ctx context.Context, p *steps.Printer, file string, changes bool) (bool, error) {
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
	env, err := twinlab.Start(ctx, in, twinlab.Options{})
	if err != nil {
		return false, err
	}
	defer func() {
		if err := env.Close(); err != nil {
			p.Printf("    closing the twin: %v\n", err)
		}
	}()
	lab := env.Lab
	p.Printf("    %d namespaces up in %s (prefix %s)\n", len(lab.Topology.Namespaces()), lab.Started.Round(time.Millisecond), lab.Topology.Prefix)
	sync, err := env.Syncer()
	if err != nil {
		return false, err
	}
	sync.Progress = p.Progress

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
	if !changes || !r.Passed() {
		return r.Passed(), nil
	}

	p.Step("The change suite: every change with pod-to-pod pings and a watch of every routing table running")
	suite, err := twin.Suite(d)
	if err != nil {
		return false, err
	}
	opts := twin.ChangeOptions{Syncer: *sync, Settle: time.Minute}
	opts.Syncer.Handover = 30 * time.Second
	var results []*twin.ChangeResult
	clean := true
	for _, c := range suite {
		res, err := lab.Change(ctx, c, opts)
		if err != nil {
			return false, err
		}
		results = append(results, res)
		p.Lines(res.String())
		clean = clean && res.Clean()
	}
	p.Lines(twin.ChangeTable(results))
	return clean, nil
}
