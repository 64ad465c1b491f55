// Command casestudy runs nxcalico's main job on the reference design of Cisco's white paper
// "Cisco NX-OS and Calico Network Design", with nothing but Go:
//
//	go run ./examples/casestudy [-out DIR] [-timeout 60s] [-v]
//
// It validates the corrected design (design.CaseStudy), starts simulated leaves Leaf2101 and
// Leaf2102 (NX-API REST over TLS, nxos/nxostest) and a real Kubernetes API server with Calico's
// CRDs in-process (kit/calicotest), prints the joint plan, applies it — leaves first, then the
// Calico objects — verifies that every eBGP session is established on both ends (a calico-node
// stand-in reports the nodes' side from the simulated leaves), plans again to show that nothing is
// left to change, and prints a summary. With -out it also writes the rendered artifacts (NX-OS
// JSON and CLI, Calico YAML, node scripts, topology) to DIR; otherwise it writes nothing.
//
// Exit status: 0 when every step succeeded, 1 when one failed, 2 for wrong usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/examples/internal/steps"
	"github.com/nxcalico/nxcalico/kit/lab"
	"github.com/nxcalico/nxcalico/kit/twinlab"
	"github.com/nxcalico/nxcalico/nxos"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("casestudy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "also write the rendered artifacts to this folder")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this long")
	verbose := fs.Bool("v", false, "print every object of the plan")
	useTwin := fs.Bool("twin", false, "run the leaves and nodes on real BGP daemons (the routing twin: FRR and BIRD in network namespaces; needs root and frr, bird, iputils-ping)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "casestudy: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *useTwin && *timeout == 60*time.Second {
		*timeout = 5 * time.Minute // the daemons take longer than the simulators
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	r := &runner{Printer: steps.New(stdout), twin: *useTwin}
	if err := r.run(ctx, *out, *verbose); err != nil {
		fmt.Fprintf(stderr, "\ncasestudy: FAILED after %s: %v\n", r.Elapsed(), err)
		return 1
	}
	return 0
}

// runner runs the case study, printing its steps.
type runner struct {
	*steps.Printer
	twin bool // on the routing twin instead of the simulators
}

func (r *runner) run(ctx context.Context, outDir string, verbose bool) error {
	r.Printf("nxcalico case study: Cisco NX-OS VXLAN EVPN leaves peering with Calico nodes over eBGP\n")

	r.Step("Validate the reference design")
	d := design.CaseStudy()
	in, err := design.Derive(d)
	if err != nil {
		return err
	}
	r.Printf("    fabric AS %s, VRF %s, anycast gateway Vlan%s %s %s\n", d.Fabric.ASN, d.Fabric.VRF,
		d.Fabric.AnycastGateway.VLAN, d.Fabric.AnycastGateway.IPv4, d.Fabric.AnycastGateway.IPv6)
	r.Printf("    cluster %s AS %s: %d nodes on %d leaf pair(s), %d leaves; %d eBGP sessions expected\n",
		in.Cluster.Name, in.Cluster.ASN, len(in.Nodes), len(in.Pairs), len(in.Leaves), in.SessionCount())

	if outDir != "" {
		arts, err := nxcalico.Artifacts(in, nxos.RenderOptions{})
		if err != nil {
			return err
		}
		if err := nxcalico.WriteArtifacts(outDir, arts); err != nil {
			return err
		}
		r.Printf("    wrote %d files to %s\n", len(arts), outDir)
	}

	var sync *nxcalico.Syncer
	var reporter func(ctx context.Context) // reports the nodes' sessions into CalicoNodeStatus
	if r.twin {
		r.Step("Start the routing twin (FRR leaves, BIRD nodes) and an in-process Kubernetes API server with Calico's CRDs")
		env, err := twinlab.Start(ctx, in, twinlab.Options{})
		if err != nil {
			return err
		}
		defer env.Close()
		r.Printf("    %d network namespaces (prefix %s) up in %s: FRR on every leaf, BIRD 1.6 on every node\n",
			len(env.Lab.Topology.Namespaces()), env.Lab.Topology.Prefix, env.Lab.Started.Round(time.Millisecond))
		for _, l := range in.Leaves {
			r.Printf("    %-9s NX-API at %s (TLS verified), driving FRR in %s\n", l.Name, env.Lab.Leaf(l.Name).Front.URL(), env.Lab.Leaf(l.Name).NS.Netns)
		}
		r.Printf("    Kubernetes API at %s\n", env.API.Config().Host)
		if sync, err = env.Syncer(); err != nil {
			return err
		}
	} else {
		r.Step("Start simulated leaves and an in-process Kubernetes API server with Calico's CRDs")
		env, err := lab.Start(ctx, in)
		if err != nil {
			return err
		}
		defer env.Close()
		for _, l := range in.Leaves {
			r.Printf("    %-9s NX-API at %s (TLS verified)\n", l.Name, env.Sims[l.Name].URL())
		}
		r.Printf("    Kubernetes API at %s\n", env.API.Config().Host)
		sync = env.Syncer()
		reporter = func(ctx context.Context) { env.Reporter.Run(ctx, 200*time.Millisecond) }
	}
	sync.Progress = r.Progress

	r.Step("Plan")
	plan, err := sync.Plan(ctx, in)
	if err != nil {
		return err
	}
	r.Plan(plan, verbose)

	r.Step("Apply (leaf neighbors first, then node labels, then Calico peers)")
	rep, err := sync.Apply(ctx, plan)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSpace(rep.String()), "\n") {
		r.Printf("    %s\n", line)
	}

	r.Step("Verify the eBGP sessions on both ends")
	reporting, stopReporter := context.WithCancel(ctx)
	defer stopReporter()
	if reporter != nil {
		go reporter(reporting)
	}
	sync.Progress = nil
	v, err := sync.WaitEstablished(ctx, in, 250*time.Millisecond)
	if v != nil {
		for _, line := range strings.Split(strings.TrimRight(v.String(), "\n"), "\n") {
			r.Printf("    %s\n", line)
		}
	}
	if err != nil {
		return err
	}
	stopReporter()

	r.Step("Plan again: the leaves and the cluster already match the design")
	again, err := sync.Plan(ctx, in)
	if err != nil {
		return err
	}
	if !again.Empty() {
		r.Printf("%s", again)
		return errors.New("the second plan is not empty")
	}
	r.Printf("    no changes\n")

	c, u, del := plan.Counts()
	r.Printf("\nDone in %s: %d objects created, %d updated, %d deleted on %d leaves and the cluster; %d/%d sessions established; second plan empty.\n",
		r.Elapsed(), c, u, del, len(in.Leaves), len(v.Sessions), len(v.Sessions))
	return nil
}
