package main

import (
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
)

// Environment variables holding the switch credentials.
const (
	envUsername = "NXOS_USERNAME"
	envPassword = "NXOS_PASSWORD"
)

// config is what the flags and the environment ask for, checked.
type config struct {
	designPath   string
	intent       *design.Intent
	switches     map[string]string // NX-API URL by leaf name
	retired      map[string]string // NX-API URL by retired leaf name (fabric.retiredLeaves)
	credentials  nxos.Credentials
	caFile       string
	roots        *x509.CertPool // nil: the system roots
	insecure     bool
	kubeconfig   string
	context      string
	planOnly     bool
	wait         time.Duration
	timeout      time.Duration
	labelNodes   bool
	allOrNothing bool
	rotate       bool
	handover     time.Duration
	allowOutage  bool
	concurrency  int
	verbose      bool
}

// switchFlags collects repeated -switch NAME=URL flags in order.
type switchFlags []string

func (s *switchFlags) String() string { return strings.Join(*s, ",") }

func (s *switchFlags) Set(v string) error {
	name, u, ok := strings.Cut(v, "=")
	if !ok || name == "" || u == "" {
		return fmt.Errorf("want NAME=URL, such as Leaf2101=https://10.0.0.21")
	}
	*s = append(*s, v)
	return nil
}

const usageHead = `usage: NXOS_USERNAME=… NXOS_PASSWORD=… apply -design FILE [flags]

Brings the design's NX-OS leaves and the Kubernetes cluster's Calico to the design, making
before breaking: everything the design adds (leaves before Calico peers) before anything it
drops (Calico before leaves), the leaves of a pair one at a time when the change resets
sessions, then waits until every eBGP session is established on both ends.

Switch credentials come only from NXOS_USERNAME and NXOS_PASSWORD. The kubeconfig is found
by client-go's rules (-kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster).

Flags:
`

const usageTail = `
Exit status: 0 success (or -plan found nothing to change), 1 failure (what was changed is
printed), 2 usage or configuration error (nothing was contacted), 3 -plan found changes pending.
`

// parse reads the flags and the environment. It returns the exit status and false when the run
// must stop: after -h (0) or on usage and configuration errors (2), every one printed on stderr.
func (c *command) parse(args []string) (*config, int, bool) {
	cfg := &config{}
	var switches switchFlags
	fs := flag.NewFlagSet("apply", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&cfg.designPath, "design", "", "the design `FILE` (YAML); required")
	fs.Var(&switches, "switch", "leaf NAME's NX-API URL as `NAME=URL` (repeatable); overrides the design's management field; required for each retired leaf")
	fs.StringVar(&cfg.caFile, "ca", "", "also trust the CA certificates in this PEM `FILE` for the switches")
	fs.BoolVar(&cfg.insecure, "insecure", false, "do not verify the switches' TLS certificates (unsafe)")
	fs.StringVar(&cfg.kubeconfig, "kubeconfig", "", "kubeconfig `FILE` (default: KUBECONFIG, else ~/.kube/config, else in-cluster)")
	fs.StringVar(&cfg.context, "context", "", "kubeconfig context `NAME` (default: the current context)")
	fs.BoolVar(&cfg.planOnly, "plan", false, "print the plan and stop; exit 3 when it changes something")
	fs.DurationVar(&cfg.wait, "wait", 2*time.Minute, "how long to wait for every session to be established; 0 skips verification")
	fs.DurationVar(&cfg.timeout, "timeout", 5*time.Minute, "give up planning and applying after this long")
	fs.BoolVar(&cfg.labelNodes, "label-nodes", true, "label and annotate the design's Nodes; false when something else manages Nodes")
	fs.BoolVar(&cfg.allOrNothing, "all-or-nothing", false, "restore the switches already changed when another switch fails")
	fs.BoolVar(&cfg.rotate, "rotate-password", false, "send the BGP password to the switches even where they have one (after the Secret changed)")
	fs.DurationVar(&cfg.handover, "handover", time.Minute, "make before break: wait up to this long for the design's sessions before removing what it drops, and change the leaves of a pair one at a time when the plan resets sessions; 0 removes at once")
	fs.BoolVar(&cfg.allowOutage, "allow-outage", false, "apply a change that leaves nodes without a session while it runs (a node moving to another pair, both leaves of a pair replaced at once)")
	fs.IntVar(&cfg.concurrency, "concurrency", 0, "switches planned or applied at once (default 16)")
	fs.BoolVar(&cfg.verbose, "v", false, "print every object of the plan")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHead)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), usageTail)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, exitOK, false
		}
		return nil, exitUsage, false
	}

	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	if fs.NArg() > 0 {
		add("unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}
	if cfg.designPath == "" {
		add("-design FILE is required")
	}
	var missing []string
	for _, v := range []string{envUsername, envPassword} {
		if c.getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		add("set %s: the switch credentials come only from the environment variables %s and %s",
			strings.Join(missing, " and "), envUsername, envPassword)
	}
	cfg.credentials = nxos.Credentials{Username: c.getenv(envUsername), Password: design.NewSecret(c.getenv(envPassword))}
	if cfg.insecure && cfg.caFile != "" {
		add("-ca and -insecure contradict each other: -ca verifies the switches' certificates, -insecure does not")
	}
	if cfg.caFile != "" {
		roots, err := readCA(cfg.caFile)
		if err != nil {
			add("-ca: %v", err)
		}
		cfg.roots = roots
	}
	if cfg.handover < 0 {
		add("-handover %v is negative", cfg.handover)
	}
	if cfg.wait < 0 {
		add("-wait %v is negative", cfg.wait)
	}
	if cfg.timeout <= 0 {
		add("-timeout %v must be positive", cfg.timeout)
	}
	if cfg.concurrency < 0 {
		add("-concurrency %d is negative", cfg.concurrency)
	}

	if cfg.designPath != "" {
		in, err := loadDesign(cfg.designPath)
		var ps design.Problems
		switch {
		case errors.As(err, &ps):
			for _, p := range ps {
				fmt.Fprintln(c.stderr, p.Error())
			}
			add("design %s has %d problem(s), listed above", cfg.designPath, len(ps))
		case err != nil:
			add("%v", err)
		default:
			cfg.intent = in
			var bad []string
			cfg.switches, cfg.retired, bad = switchURLs(in, switches)
			problems = append(problems, bad...)
		}
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(c.stderr, "apply: %s\n", p)
		}
		return nil, exitUsage, false
	}
	return cfg, exitOK, true
}

// loadDesign reads, validates and derives the design file.
func loadDesign(path string) (*design.Intent, error) {
	d, err := design.LoadFile(path)
	if err != nil {
		return nil, err
	}
	return design.Derive(d)
}

// switchURLs returns every leaf's NX-API URL, its management field overridden by -switch, and
// every retired leaf's (fabric.retiredLeaves), which only -switch gives. The third result
// describes every problem: a -switch naming neither a leaf nor a retired leaf, or given twice, a
// URL that is not scheme://host[:port], a leaf or retired leaf left without URL.
func switchURLs(in *design.Intent, flags switchFlags) (leaves, retired map[string]string, problems []string) {
	leaves = make(map[string]string, len(in.Leaves))
	retired = make(map[string]string, len(in.Fabric.Retired))
	for _, l := range in.Leaves {
		if l.Management != "" {
			leaves[l.Name] = l.Management
		}
	}
	seen := map[string]bool{}
	var leafNames []string
	for _, l := range in.Leaves {
		leafNames = append(leafNames, l.Name)
	}
	known := "leaves: " + strings.Join(leafNames, ", ")
	if len(in.Fabric.Retired) > 0 {
		known += "; retired: " + strings.Join(in.Fabric.Retired, ", ")
	}
	for _, f := range flags {
		name, u, _ := strings.Cut(f, "=")
		isRetired := slices.Contains(in.Fabric.Retired, name)
		switch {
		case in.Leaf(name) == nil && !isRetired:
			problems = append(problems, fmt.Sprintf("-switch %s: %q is not a leaf of the design (%s)", name, name, known))
		case seen[name]:
			problems = append(problems, fmt.Sprintf("-switch %s: given twice", name))
		default:
			if err := checkURL(u); err != nil {
				problems = append(problems, fmt.Sprintf("-switch %s: %v", name, err))
			}
			if isRetired {
				retired[name] = u
			} else {
				leaves[name] = u
			}
		}
		seen[name] = true
	}
	var without []string
	for _, l := range in.Leaves {
		if leaves[l.Name] == "" {
			without = append(without, l.Name)
		}
	}
	if len(without) > 0 {
		problems = append(problems, fmt.Sprintf("no NX-API URL for leaf %s: set its management field in the design or pass -switch NAME=URL",
			strings.Join(without, ", ")))
	}
	without = without[:0]
	for _, name := range in.Fabric.Retired {
		if retired[name] == "" {
			without = append(without, name)
		}
	}
	if len(without) > 0 {
		problems = append(problems, fmt.Sprintf("no NX-API URL for retired leaf %s: pass -switch NAME=URL, so that what the design configured there is removed (or drop the name from fabric.retiredLeaves once that is done)",
			strings.Join(without, ", ")))
	}
	slices.Sort(problems)
	return leaves, retired, problems
}

// checkURL accepts an http(s) URL with a host and nothing else, without showing credentials a
// URL might carry.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("URL does not parse (%v); want https://HOST[:PORT]", err)
	}
	shown := u.Redacted()
	switch {
	case u.User != nil:
		return fmt.Errorf("URL %s carries credentials; set %s and %s instead", shown, envUsername, envPassword)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("URL %q is not an http(s) URL; want https://HOST[:PORT]", shown)
	case u.Host == "":
		return fmt.Errorf("URL %q has no host", shown)
	case u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("URL %q has a path or query; want https://HOST[:PORT] only", shown)
	}
	return nil
}

// readCA returns the system roots (or an empty pool where there are none) with the PEM
// certificates of file added.
func readCA(file string) (*x509.CertPool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}
