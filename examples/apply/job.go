package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/examples/internal/steps"
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
	for _, name := range cfg.intent.Fabric.Retired {
		if u := cfg.retired[name]; strings.HasPrefix(u, "http://") {
			fmt.Fprintf(c.stderr, "apply: WARNING: retired leaf %s is reached over plain HTTP (%s): its credentials cross the network unencrypted\n", name, u)
		}
	}
	cl, err := c.connect(cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "apply: %v\n", err)
		return exitUsage
	}
	r := &runner{steps.New(c.stdout)}
	status, err := r.job(ctx, cfg, cl)
	if err != nil {
		fmt.Fprintf(c.stderr, "\napply: FAILED after %s: %v\n", r.Elapsed(), err)
		if hint := certificateHint(err); hint != "" {
			fmt.Fprintf(c.stderr, "apply: %s\n", hint)
		}
		return exitFailed
	}
	return status
}

// runner prints the steps of a run.
type runner struct{ *steps.Printer }

// job is the run once the clients are configured. It returns the exit status, or an error for
// a failure.
func (r *runner) job(ctx context.Context, cfg *config, cl *clients) (int, error) {
	in := cfg.intent
	retired := ""
	if n := len(in.Fabric.Retired); n > 0 {
		retired = fmt.Sprintf(" (and %d retired)", n)
	}
	r.Printf("nxcalico apply: design %s — cluster %s (AS %s), %d leaves%s, %d nodes, %d eBGP sessions expected\n",
		cfg.designPath, in.Cluster.Name, in.Cluster.ASN, len(in.Leaves), retired, len(in.Nodes), in.SessionCount())

	work, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()

	r.Step("Connect")
	for _, l := range in.Leaves {
		u := cfg.switches[l.Name]
		r.Printf("    %-9s NX-API at %s (%s)\n", l.Name, u, tlsMode(cfg, u))
	}
	for _, name := range in.Fabric.Retired {
		u := cfg.retired[name]
		r.Printf("    %-9s NX-API at %s (%s), retired: what the design configured there is removed\n", name, u, tlsMode(cfg, u))
	}
	r.Printf("    Kubernetes API at %s\n", cl.kube.Host)
	if !cfg.labelNodes {
		r.Printf("    Node labels and annotations left alone (-label-nodes=false)\n")
	}
	sync := cl.syncer(cfg, r.Progress)
	if ref := in.Cluster.PasswordSecret; ref != nil {
		pw, err := nxcalico.ReadPassword(work, cl.core, ref)
		if err != nil {
			return 0, fmt.Errorf("%w (nothing was changed)", err)
		}
		sync.Password = pw
		sync.RotatePassword = cfg.rotate
		r.Printf("    BGP password read from Secret %s (not shown)\n", ref)
	} else if cfg.rotate {
		return 0, errors.New("-rotate-password: the design names no password secret (nothing was changed)")
	}

	r.Step("Plan")
	plan, err := sync.Plan(work, in)
	if err != nil {
		return 0, fmt.Errorf("%w (nothing was changed)", err)
	}
	r.Plan(plan, cfg.verbose)
	if cfg.planOnly {
		if plan.Empty() {
			r.Printf("\nNo changes: the leaves and the cluster match the design.\n")
			return exitOK, nil
		}
		c, u, d := plan.Counts()
		r.Printf("\nChanges pending: %d to create, %d to update, %d to delete; run without -plan to apply them.\n", c, u, d)
		return exitPending, nil
	}

	if plan.Empty() {
		r.Step("Apply: nothing to change")
	} else {
		r.Step("Apply (make before break: leaf additions, node labels, Calico additions; then Calico removals, leaf removals)")
		rep, err := sync.Apply(work, plan)
		if rep != nil {
			r.Lines(rep.String())
		}
		if err != nil {
			return 0, err
		}
	}

	var v *nxcalico.Verification
	if cfg.wait > 0 {
		r.Step("Verify the eBGP sessions on both ends (waiting up to %s)", cfg.wait)
		sync.Progress = nil
		waitCtx, cancelWait := context.WithTimeout(ctx, cfg.wait)
		defer cancelWait()
		v, err = sync.WaitEstablished(waitCtx, in, verifyPoll)
		if v != nil {
			r.Lines(v.String())
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
	r.Printf("\nDone in %s: %d created, %d updated, %d deleted on %d leaves%s and the cluster; %s.\n",
		r.Elapsed(), c, u, d, len(in.Leaves), retired, sessions)
	return exitOK, nil
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
