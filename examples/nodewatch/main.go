package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/record"
	"k8s.io/klog/v2"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/nxos"
)

// Exit statuses.
const (
	exitOK      = 0 // stopped by SIGTERM or SIGINT after a clean shutdown
	exitFailure = 1 // stopped by a failure while running (lost the Lease, informer did not start)
	exitUsage   = 2 // wrong flags or configuration; nothing was started
)

// Environment variables holding the NX-API credentials (never flags, so they stay out of the
// process list).
const (
	envUser     = "NXOS_USERNAME"
	envPassword = "NXOS_PASSWORD"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr, os.Getenv))
}

// options are the parsed command line.
type options struct {
	design     string
	switches   switchURLs
	ca         string
	insecure   bool
	kubeconfig string
	lease      leaseConfig
	resync     time.Duration
	debounce   time.Duration
	verbose    bool
	// httpAddr serves /metrics, /healthz and /readyz; empty serves nothing.
	httpAddr    string
	configRetry time.Duration
	verify      bool
	calicoGroup string
}

// usageError is a configuration mistake found before anything started (exit status 2, or, with
// -http-addr, not ready until it is fixed). Reason is the nodewatch_config_error label: kubeconfig,
// design, credentials, switches or ca.
type usageError struct {
	reason string
	err    error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(reason, format string, args ...any) error {
	return &usageError{reason, fmt.Errorf(format, args...)}
}

// configReason returns the reason label of a configuration error.
func configReason(err error) string {
	var u *usageError
	if errors.As(err, &u) && u.reason != "" {
		return u.reason
	}
	return "other"
}

// run is the command; it returns the exit status.
func run(ctx context.Context, args []string, stderr io.Writer, getenv func(string) string) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	level := slog.LevelInfo
	if opts.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	klog.SetSlogLogger(log) // client-go's own records (leader election, reflectors) go the same way

	setupProcessMetrics()
	m, h := newMetrics(), &health{}
	if opts.httpAddr != "" {
		addr, err := serveHTTP(ctx, opts.httpAddr, h, m, log)
		if err != nil {
			log.Error("nodewatch: not started", "err", fmt.Errorf("-http-addr: %w", err))
			return exitUsage
		}
		log.Info("nodewatch: serving /metrics, /healthz and /readyz", "addr", addr.String())
	}
	r, ok := configure(ctx, opts, getenv, log, m, h)
	if !ok {
		return exitUsage
	}
	if r == nil {
		log.Info("nodewatch: stopped")
		return exitOK
	}
	r.Metrics, r.Health, r.Verify = m, h, opts.verify
	defer logout(r.Switches)
	defer logout(r.Retired)
	log.Info("nodewatch: starting", "id", r.Lease.ID, "lease", r.Lease.Namespace+"/"+r.Lease.Name,
		"leaves", len(r.Switches), "retired", len(r.Retired), "pairs", len(r.Base.Fabric.LeafPairs), "resync", r.Resync)
	if err := r.Run(ctx); err != nil {
		log.Error("nodewatch: stopped", "err", err)
		return exitFailure
	}
	log.Info("nodewatch: stopped")
	return exitOK
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{switches: switchURLs{}}
	fs := flag.NewFlagSet("nodewatch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: nodewatch [flags]\n\nKeeps NX-OS leaves and Calico in step with the Kubernetes Nodes labelled %s.\nCredentials: %s and %s. Exit status: 0 clean shutdown, 1 failure while running, 2 wrong usage.\n\n", node.LeafPairLabel, envUser, envPassword)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.design, "design", "", "base design `file` (YAML or JSON; its cluster.nodes are replaced); default: the case study")
	fs.Var(o.switches, "switch", "NX-API base URL of a leaf, `NAME=URL` (repeatable; overrides the design's management field)")
	fs.StringVar(&o.ca, "ca", "", "PEM `file` of the CA certificates that verify the switches (default: the system pool)")
	fs.BoolVar(&o.insecure, "insecure", false, "do not verify the switches' TLS certificates")
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig `file` (default: client-go's loading rules: $KUBECONFIG, ~/.kube/config, in-cluster)")
	fs.StringVar(&o.lease.Namespace, "lease-namespace", "", "`namespace` of the leader Lease (default: the kubeconfig context's or the pod's namespace)")
	fs.StringVar(&o.lease.Name, "lease-name", "nxcalico-nodewatch", "`name` of the leader Lease")
	fs.StringVar(&o.lease.ID, "id", "", "this replica's identity in the Lease (default: the host name)")
	fs.DurationVar(&o.lease.Duration, "lease-duration", 15*time.Second, "how long a standby waits after the last renewal before it takes the Lease")
	fs.DurationVar(&o.lease.RenewDeadline, "lease-renew-deadline", 10*time.Second, "how long the leader tries to renew the Lease before it gives up leading (and exits with status 1)")
	fs.DurationVar(&o.lease.RetryPeriod, "lease-retry-period", 2*time.Second, "how often replicas try to acquire or renew the Lease")
	fs.DurationVar(&o.resync, "resync", 10*time.Minute, "plan every leaf, Calico's objects and every Node again this often, even when no Node changed (0: never)")
	fs.DurationVar(&o.debounce, "debounce", defaultDebounce, "wait this long after a Node event for more events before reconciling")
	fs.BoolVar(&o.verbose, "v", false, "debug logs")
	fs.StringVar(&o.httpAddr, "http-addr", "", "serve /metrics, /healthz and /readyz on this `address` (e.g. :8080); with it, a configuration that cannot be loaded keeps the process up and not ready, retrying")
	fs.DurationVar(&o.configRetry, "config-retry", 30*time.Second, "with -http-addr, load a configuration that failed again this often")
	fs.BoolVar(&o.verify, "verify", true, "after applying, read the sessions of the planned pairs (the nodewatch_sessions_* metrics)")
	fs.StringVar(&o.calicoGroup, "calico-group", "", "Calico API `group`: "+string(calico.GroupV3)+" or "+string(calico.GroupV1)+" (default: discover)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "nodewatch: unexpected argument %q\n", fs.Arg(0))
		return nil, errors.New("unexpected argument")
	}
	if l := o.lease; l.Duration <= l.RenewDeadline || l.RenewDeadline <= l.RetryPeriod || l.RetryPeriod <= 0 {
		fmt.Fprintln(stderr, "nodewatch: want -lease-duration > -lease-renew-deadline > -lease-retry-period > 0")
		return nil, errors.New("lease timings")
	}
	if o.resync < 0 || o.debounce < 0 || o.configRetry <= 0 {
		fmt.Fprintln(stderr, "nodewatch: -resync and -debounce must not be negative, -config-retry must be positive")
		return nil, errors.New("negative duration")
	}
	if g := calico.Group(o.calicoGroup); g != "" && g.GroupVersion().Empty() {
		fmt.Fprintf(stderr, "nodewatch: -calico-group %q: want %s or %s\n", o.calicoGroup, calico.GroupV3, calico.GroupV1)
		return nil, errors.New("unknown Calico group")
	}
	return o, nil
}

// switchURLs is the repeatable -switch NAME=URL flag.
type switchURLs map[string]string

func (s switchURLs) String() string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n+"="+s[n])
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func (s switchURLs) Set(v string) error {
	name, u, ok := strings.Cut(v, "=")
	if !ok || name == "" || u == "" {
		return fmt.Errorf("want NAME=URL, got %q", v)
	}
	if _, dup := s[name]; dup {
		return fmt.Errorf("switch %q given twice", name)
	}
	s[name] = u
	return nil
}

// setup builds the reconciler from the options: the base design, one NX-API client per leaf, the
// Kubernetes clients and the Lease. It makes no request.
func setup(o *options, getenv func(string) string, log *slog.Logger) (*reconciler, error) {
	_, r, err := setupAll(o, getenv, log)
	return r, err
}

// setupAll is setup that also returns the Kubernetes clients when they could be made, even when
// the rest of the configuration failed. The design and the switches are checked before the
// kubeconfig, so their mistakes are reported first.
func setupAll(o *options, getenv func(string) string, log *slog.Logger) (*kube, *reconciler, error) {
	k, kerr := kubeClients(o, log)
	base, sw, err := loadConfig(o, getenv, log)
	if err != nil {
		return k, nil, err
	}
	if kerr != nil {
		return nil, nil, kerr
	}
	r, err := newReconciler(k, o, base, sw, log)
	return k, r, err
}

// kube are the Kubernetes clients and the namespace of the kubeconfig's context.
type kube struct {
	core      kubernetes.Interface
	calico    *calico.Client
	namespace string
}

func kubeClients(o *options, log *slog.Logger) (*kube, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = o.kubeconfig
	kc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{})
	cfg, err := kc.ClientConfig()
	if err != nil {
		return nil, usagef("kubeconfig", "kubeconfig: %w", err)
	}
	core, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, usagef("kubeconfig", "kubeconfig: %w", err)
	}
	cal, err := calico.NewClient(cfg, calico.Options{Logger: log, Group: calico.Group(o.calicoGroup)})
	if err != nil {
		return nil, usagef("kubeconfig", "kubeconfig: %w", err)
	}
	ns, _, _ := kc.Namespace()
	return &kube{core: core, calico: cal, namespace: ns}, nil
}

// switchSet are the NX-API clients of the design's leaves and of its retired leaves, by name.
type switchSet struct {
	leaves, retired map[string]*nxos.Client
}

// loadConfig reads the base design and makes the switches' clients.
func loadConfig(o *options, getenv func(string) string, log *slog.Logger) (*design.Design, switchSet, error) {
	base, err := loadBase(o.design, log)
	if err != nil {
		return nil, switchSet{}, err
	}
	sw, err := switchClients(base, o, getenv, log)
	if err != nil {
		return nil, switchSet{}, err
	}
	return base, sw, nil
}

// newReconciler assembles the reconciler and settles the Lease's namespace and identity.
func newReconciler(k *kube, o *options, base *design.Design, sw switchSet, log *slog.Logger) (*reconciler, error) {
	var err error
	lease := o.lease
	if lease.Namespace == "" {
		if lease.Namespace = k.namespace; lease.Namespace == "" {
			return nil, usagef("kubeconfig", "-lease-namespace not given and the kubeconfig names no namespace")
		}
	}
	if lease.ID == "" {
		if lease.ID, err = os.Hostname(); err != nil || lease.ID == "" {
			return nil, usagef("flags", "-id not given and the host name is unknown")
		}
	}
	return &reconciler{
		Base: base, Switches: sw.leaves, Retired: sw.retired, Calico: k.calico, Core: k.core, Lease: lease,
		Resync: o.resync, Debounce: o.debounce, Logger: log,
	}, nil
}

// Environment variables naming the Pod nodewatch runs in (from the downward API); when set,
// configuration errors are reported as Events on the Pod.
const (
	envPodName      = "POD_NAME"
	envPodNamespace = "POD_NAMESPACE"
	envPodUID       = "POD_UID"
)

// configure loads the configuration. Without -http-addr a failure is final: it is logged and
// configure returns ok false (exit status 2). With -http-addr the process stays up, not ready:
// every failure is logged, counted in nodewatch_config_error{reason}, reported as an Event on
// the Pod when the Pod is known (a changed one only), and retried every -config-retry, so that a
// fixed ConfigMap is picked up without a restart. A nil reconciler with ok true means ctx ended
// first.
func configure(ctx context.Context, o *options, getenv func(string) string, log *slog.Logger, m *metrics, h *health) (*reconciler, bool) {
	var stopRecorder func()
	defer func() {
		if stopRecorder != nil {
			stopRecorder()
		}
	}()
	var pod *corev1.ObjectReference
	if name, ns := getenv(envPodName), getenv(envPodNamespace); name != "" && ns != "" {
		pod = &corev1.ObjectReference{Kind: "Pod", APIVersion: "v1", Namespace: ns, Name: name, UID: types.UID(getenv(envPodUID))}
	}
	var rec record.EventRecorder
	last := ""
	for {
		k, r, err := setupAll(o, getenv, log)
		if k != nil && rec == nil && pod != nil {
			rec, stopRecorder = newRecorder(k.core)
		}
		m.configError.Reset()
		if err == nil {
			h.setConfigErr(nil)
			if last != "" {
				log.Info("nodewatch: configuration loaded")
			}
			return r, true
		}
		reason := configReason(err)
		m.configError.WithLabelValues(reason).Set(1)
		if o.httpAddr == "" {
			log.Error("nodewatch: not started", "reason", reason, "err", err)
			return nil, false
		}
		h.setConfigErr(err)
		log.Error("nodewatch: not started; not ready, retrying", "reason", reason, "err", err, "retry", o.configRetry)
		if rec != nil && err.Error() != last {
			rec.Eventf(pod, corev1.EventTypeWarning, reasonConfigInvalid, "%s: %v; retrying every %s", reason, err, o.configRetry)
		}
		last = err.Error()
		t := time.NewTimer(o.configRetry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, true
		case <-t.C:
		}
	}
}

// loadBase reads the base design (the case study when path is empty), drops its nodes and
// checks that the rest is valid.
func loadBase(path string, log *slog.Logger) (*design.Design, error) {
	d := design.CaseStudy()
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usagef("design", "-design: %w", err)
		}
		defer f.Close()
		if d, err = design.Load(f); err != nil {
			return nil, usagef("design", "-design %s: %w", path, err)
		}
	}
	if n := len(d.Cluster.Nodes); n > 0 {
		log.Info("nodewatch: the base design's nodes are replaced by the labelled Kubernetes Nodes", "ignored", n)
	}
	d.Cluster.Nodes = nil
	if _, err := design.Derive(d); err != nil {
		return nil, usagef("design", "base design %s: %w", orName(path, "(case study)"), err)
	}
	return d, nil
}

func orName(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// switchClients returns one NX-API client per leaf of the design and per retired leaf
// (fabric.retiredLeaves); a leaf's URL comes from -switch or its management field, a retired
// leaf's from -switch alone, the credentials from the environment. A -switch naming neither is an
// error.
func switchClients(d *design.Design, o *options, getenv func(string) string, log *slog.Logger) (switchSet, error) {
	user, password := getenv(envUser), getenv(envPassword)
	if user == "" || password == "" {
		return switchSet{}, usagef("credentials", "set the NX-API credentials in %s and %s", envUser, envPassword)
	}
	var roots *x509.CertPool
	if o.ca != "" {
		pem, err := os.ReadFile(o.ca)
		if err != nil {
			return switchSet{}, usagef("ca", "-ca: %w", err)
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return switchSet{}, usagef("ca", "-ca %s: no PEM certificate found", o.ca)
		}
	}
	known := map[string]bool{}
	sw := switchSet{leaves: map[string]*nxos.Client{}, retired: map[string]*nxos.Client{}}
	var errs []error
	client := func(what, name, u string, into map[string]*nxos.Client) {
		c, err := nxos.NewClient(nxos.Options{
			URL:         u,
			Credentials: nxos.Credentials{Username: user, Password: design.NewSecret(password)},
			Insecure:    o.insecure,
			RootCAs:     roots,
			Logger:      log,
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", what, name, err))
			return
		}
		into[name] = c
	}
	for _, pair := range d.Fabric.LeafPairs {
		for _, leaf := range pair.Leaves {
			known[leaf.Name] = true
			u := o.switches[leaf.Name]
			if u == "" {
				u = leaf.Management
			}
			if u == "" {
				errs = append(errs, fmt.Errorf("leaf %q has no management URL; give -switch %s=https://…", leaf.Name, leaf.Name))
				continue
			}
			client("leaf", leaf.Name, u, sw.leaves)
		}
	}
	for _, name := range d.Fabric.RetiredLeaves {
		known[name] = true
		u := o.switches[name]
		if u == "" {
			errs = append(errs, fmt.Errorf("retired leaf %q has no URL; give -switch %s=https://…, so that what the design configured there is removed (or drop it from fabric.retiredLeaves once that is done)", name, name))
			continue
		}
		client("retired leaf", name, u, sw.retired)
	}
	names := make([]string, 0, len(o.switches))
	for name := range o.switches {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !known[name] {
			errs = append(errs, fmt.Errorf("-switch %q: no leaf or retired leaf of that name in the design", name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return switchSet{}, &usageError{"switches", err}
	}
	return sw, nil
}

// logout ends the switches' NX-API sessions, if any, with a short deadline of its own (the run's
// context has ended by then).
func logout(switches map[string]*nxos.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, c := range switches {
		_ = c.Logout(ctx)
	}
}
