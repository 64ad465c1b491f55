package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nxcalico/nxcalico"
)

// verifyPoll is how often the sessions are read while waiting for them.
const verifyPoll = time.Second

// run parses, connects, plans, applies and verifies; it returns the exit status.
func (c *command) run(ctx context.Context, args []string) int {
	cfg, code, ok := c.parse(args)
	if !ok {
		return code
	}
	if cfg.insecure {
		fmt.Fprintln(c.stderr, "apply: WARNING: -insecure: the switches' TLS certificates are not verified; whoever sits between here and a switch can read its credentials and change what is applied")
	}
	for _, l := range cfg.intent.Leaves {
		if u := cfg.switches[l.Name]; strings.HasPrefix(u, "http://") {
			fmt.Fprintf(c.stderr, "apply: WARNING: leaf %s is reached over plain HTTP (%s): its credentials cross the network unencrypted\n", l.Name, u)
		}
	}
	cl, err := c.connect(cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "apply: %v\n", err)
		return exitUsage
	}
	r := &runner{stdout: c.stdout, start: time.Now()}
	status, err := r.job(ctx, cfg, cl)
	if err != nil {
		fmt.Fprintf(c.stderr, "\napply: FAILED after %s: %v\n", r.elapsed(), err)
		if hint := certificateHint(err); hint != "" {
			fmt.Fprintf(c.stderr, "apply: %s\n", hint)
		}
		return exitFailed
	}
	return status
}

// runner prints the steps of a run.
type runner struct {
	stdout io.Writer
	start  time.Time
	n      int
}

func (r *runner) elapsed() string { return time.Since(r.start).Round(time.Millisecond).String() }

// step prints a numbered step header.
func (r *runner) step(format string, args ...any) {
	r.n++
	fmt.Fprintf(r.stdout, "\n[%d] %s  (%s)\n", r.n, fmt.Sprintf(format, args...), r.elapsed())
}

func (r *runner) printf(format string, args ...any) { fmt.Fprintf(r.stdout, format, args...) }

// lines prints text indented, one line at a time.
func (r *runner) lines(text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		r.printf("    %s\n", line)
	}
}

// progress prints one Syncer step as a line.
func (r *runner) progress(s nxcalico.Step) {
	name := s.Side
	if s.Name != "" {
		name += " " + s.Name
	}
	line := fmt.Sprintf("    %-16s %-9s %s", name, s.What, s.Detail)
	if s.Err != nil {
		line += "  error: " + s.Err.Error()
	}
	r.printf("%s\n", strings.TrimRight(line, " "))
}

// job is the run once the clients are configured. It returns the exit status, or an error for
// a failure.
func (r *runner) job(ctx context.Context, cfg *config, cl *clients) (int, error) {
	in := cfg.intent
	r.printf("nxcalico apply: design %s — cluster %s (AS %s), %d leaves, %d nodes, %d eBGP sessions expected\n",
		cfg.designPath, in.Cluster.Name, in.Cluster.ASN, len(in.Leaves), len(in.Nodes), in.SessionCount())

	work, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()

	r.step("Connect")
	for _, l := range in.Leaves {
		u := cfg.switches[l.Name]
		r.printf("    %-9s NX-API at %s (%s)\n", l.Name, u, tlsMode(cfg, u))
	}
	r.printf("    Kubernetes API at %s\n", cl.kube.Host)
	if !cfg.labelNodes {
		r.printf("    Node labels and annotations left alone (-label-nodes=false)\n")
	}
	sync := cl.syncer(cfg, r.progress)
	if ref := in.Cluster.PasswordSecret; ref != nil {
		pw, err := nxcalico.ReadPassword(work, cl.core, ref)
		if err != nil {
			return 0, fmt.Errorf("%w (nothing was changed)", err)
		}
		sync.Password = pw
		sync.RotatePassword = cfg.rotate
		r.printf("    BGP password read from Secret %s (not shown)\n", ref)
	} else if cfg.rotate {
		return 0, errors.New("-rotate-password: the design names no password secret (nothing was changed)")
	}

	r.step("Plan")
	plan, err := sync.Plan(work, in)
	if err != nil {
		return 0, fmt.Errorf("%w (nothing was changed)", err)
	}
	r.printPlan(plan, cfg.verbose)
	if cfg.planOnly {
		if plan.Empty() {
			r.printf("\nNo changes: the leaves and the cluster match the design.\n")
			return exitOK, nil
		}
		c, u, d := plan.Counts()
		r.printf("\nChanges pending: %d to create, %d to update, %d to delete; run without -plan to apply them.\n", c, u, d)
		return exitPending, nil
	}

	if plan.Empty() {
		r.step("Apply: nothing to change")
	} else {
		r.step("Apply (Calico removals, then leaf neighbors, then node labels, then Calico additions)")
		rep, err := sync.Apply(work, plan)
		if rep != nil {
			r.lines(rep.String())
		}
		if err != nil {
			return 0, err
		}
	}

	var v *nxcalico.Verification
	if cfg.wait > 0 {
		r.step("Verify the eBGP sessions on both ends (waiting up to %s)", cfg.wait)
		sync.Progress = nil
		waitCtx, cancelWait := context.WithTimeout(ctx, cfg.wait)
		defer cancelWait()
		v, err = sync.WaitEstablished(waitCtx, in, verifyPoll)
		if v != nil {
			r.lines(v.String())
		}
		if err != nil {
			if ctx.Err() == nil && v != nil {
				return 0, fmt.Errorf("the design was applied, but %w", err)
			}
			return 0, err
		}
	}

	c, u, d := plan.Counts()
	sessions := "verification skipped (-wait 0)"
	if v != nil {
		sessions = fmt.Sprintf("%d/%d sessions established", len(v.Sessions), len(v.Sessions))
	}
	r.printf("\nDone in %s: %d created, %d updated, %d deleted on %d leaves and the cluster; %s.\n",
		r.elapsed(), c, u, d, len(in.Leaves), sessions)
	return exitOK, nil
}

// printPlan prints per switch and for the cluster what changes; with verbose, every object.
func (r *runner) printPlan(p *nxcalico.Plan, verbose bool) {
	if verbose {
		r.lines(p.String())
		return
	}
	r.lines(p.Summary() + "(run with -v to see every object)\n")
}

// certificateHint explains a TLS certificate that was not trusted; empty for other errors.
func certificateHint(err error) string {
	var hostname x509.HostnameError
	if errors.As(err, &hostname) {
		return "hint: a certificate does not name the host it was reached at; use the name or address it was issued for in the switch URL (or the kubeconfig's server)"
	}
	var unknown x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	if errors.As(err, &unknown) || errors.As(err, &verify) {
		return "hint: a TLS certificate was not trusted; for a switch pass the CA that issued its certificate with -ca FILE (or, unsafely, -insecure); for the cluster check the kubeconfig's certificate-authority"
	}
	return ""
}
