package bird

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nxcalico/nxcalico/addressing"
)

// InstallHint is how to install what the daemons need on Debian or Ubuntu.
const InstallHint = "apt-get install -y frr bird iputils-ping"

// Binaries are the programs Start runs: bird and bird6 (Debian package bird, BIRD 1.6), and ip
// (iproute2) for `ip netns exec`.
var Binaries = []string{"bird", "bird6", "ip"}

// Available reports whether this machine can run the daemons: root (to enter network namespaces)
// and the binaries on PATH. The error names everything missing and how to install it.
func Available() error {
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root (CAP_NET_ADMIN, CAP_SYS_ADMIN to enter network namespaces)")
	}
	for _, b := range Binaries {
		if _, err := exec.LookPath(b); err != nil {
			missing = append(missing, fmt.Sprintf("%s on PATH (or in /usr/sbin)", b))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("bird: needs %s: %s", strings.Join(missing, ", "), InstallHint)
	}
	return nil
}

func init() {
	// Debian installs bird in /usr/sbin, which a non-login PATH may lack.
	if p := os.Getenv("PATH"); !strings.Contains(p, "/usr/sbin") {
		_ = os.Setenv("PATH", p+string(os.PathListSeparator)+"/usr/sbin")
	}
}

// DaemonOptions say where to run one node's daemons.
type DaemonOptions struct {
	// Netns is the existing network namespace (a name under /var/run/netns) to run in.
	Netns string
	// Dir is an existing directory; Start creates its runtime directory Dir/bird-<Name> (0700)
	// there and Stop removes it.
	Dir string
	// Name names the node (letters, digits, '.', '_', '-').
	Name string
	// Logger receives what the daemons do; nil discards. Never passwords.
	Logger *slog.Logger
}

// Daemons are one node's bird and bird6 inside one network namespace.
type Daemons struct {
	opts DaemonOptions
	dir  string
	log  *slog.Logger
	mu   sync.Mutex
	d    map[addressing.Family]*daemon
	done bool
}

// daemon is one BIRD process.
type daemon struct {
	family addressing.Family
	bin    string
	conf   string
	sock   string
	pid    string
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // set when exited closes
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// StartTimeout bounds how long Start waits for each daemon's control socket.
const StartTimeout = 10 * time.Second

// Start writes v4 and v6 into a new runtime directory and starts bird and bird6 in o.Netns with
// them, returning once both answer on their control sockets. On any failure it stops what it
// started and removes the directory.
func Start(ctx context.Context, o DaemonOptions, v4, v6 *Config) (*Daemons, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	if !nameRE.MatchString(o.Name) {
		return nil, fmt.Errorf("bird: DaemonOptions.Name %q: want 1-64 letters, digits, '.', '_' or '-'", o.Name)
	}
	if o.Netns == "" || strings.ContainsAny(o.Netns, "/\x00") {
		return nil, fmt.Errorf("bird: DaemonOptions.Netns %q is not a network namespace name", o.Netns)
	}
	if _, err := os.Stat(filepath.Join("/var/run/netns", o.Netns)); err != nil {
		return nil, fmt.Errorf("bird: network namespace %q: %w", o.Netns, err)
	}
	if err := checkConfigs(v4, v6); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(o.Dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("bird: DaemonOptions.Dir %q is not an existing directory", o.Dir)
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir := filepath.Join(o.Dir, "bird-"+o.Name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("bird: runtime directory: %w", err)
	}
	d := &Daemons{opts: o, dir: dir, log: log.With("node", o.Name, "netns", o.Netns), d: map[addressing.Family]*daemon{}}
	for _, c := range []*Config{v4, v6} {
		if err := d.start(ctx, c); err != nil {
			_ = d.Stop(context.WithoutCancel(ctx))
			return nil, err
		}
	}
	return d, nil
}

func checkConfigs(v4, v6 *Config) error {
	if v4 == nil || v6 == nil {
		return fmt.Errorf("bird: need both configurations (bird.cfg and bird6.cfg)")
	}
	if v4.Family() != addressing.IPv4 || v6.Family() != addressing.IPv6 {
		return fmt.Errorf("bird: configurations of families %s and %s, want IPv4 and IPv6", v4.Family(), v6.Family())
	}
	return nil
}

func (d *Daemons) start(ctx context.Context, c *Config) error {
	bin, base := "bird", "bird"
	if c.Family() == addressing.IPv6 {
		bin, base = "bird6", "bird6"
	}
	dm := &daemon{
		family: c.Family(), bin: bin,
		conf: filepath.Join(d.dir, base+".cfg"),
		sock: filepath.Join(d.dir, base+".ctl"),
		pid:  filepath.Join(d.dir, base+".pid"),
	}
	if err := writePrivate(dm.conf, c.String()); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(d.dir, base+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("bird: %w", err)
	}
	defer logf.Close()
	// -d: foreground with log on stderr, as calico-node runs it.
	dm.cmd = exec.Command("ip", "netns", "exec", d.opts.Netns, bin, "-d", "-c", dm.conf, "-s", dm.sock, "-P", dm.pid)
	dm.cmd.Stdout, dm.cmd.Stderr = logf, logf
	dm.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := dm.cmd.Start(); err != nil {
		return fmt.Errorf("bird: start %s in %s: %w", bin, d.opts.Netns, err)
	}
	dm.exited = make(chan struct{})
	go func() {
		dm.err = dm.cmd.Wait()
		close(dm.exited)
	}()
	d.mu.Lock()
	d.d[c.Family()] = dm
	d.mu.Unlock()
	d.log.Debug("started", "daemon", bin, "pid", dm.cmd.Process.Pid)

	wctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := command(wctx, dm.sock, "show status"); err == nil {
			return nil
		}
		select {
		case <-dm.exited:
			return fmt.Errorf("bird: %s exited at start (%v): %s", bin, dm.err, tail(filepath.Join(d.dir, base+".log")))
		case <-wctx.Done():
			return fmt.Errorf("bird: %s did not open its control socket %s: %w", bin, dm.sock, wctx.Err())
		case <-tick.C:
		}
	}
}

// tail returns the last lines of a log file, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-5):], " | ")
}

// writePrivate writes a file readable by its owner only, replacing it atomically.
func writePrivate(path, text string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("bird: %w", err)
	}
	name := tmp.Name()
	defer os.Remove(name)
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("bird: %w", err)
	}
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return fmt.Errorf("bird: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("bird: write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("bird: %w", err)
	}
	return nil
}

// Dir returns the runtime directory (configuration files, control sockets, logs).
func (d *Daemons) Dir() string { return d.dir }

// Socket returns the control socket of the daemon of family f (for birdc -s).
func (d *Daemons) Socket(f addressing.Family) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dm := d.d[f]; dm != nil {
		return dm.sock
	}
	return ""
}

func (d *Daemons) daemon(f addressing.Family) (*daemon, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done {
		return nil, errors.New("bird: daemons stopped")
	}
	dm := d.d[f]
	if dm == nil {
		return nil, fmt.Errorf("bird: no %s daemon", f)
	}
	select {
	case <-dm.exited:
		return nil, fmt.Errorf("bird: %s exited (%v): %s", dm.bin, dm.err, tail(strings.TrimSuffix(dm.conf, ".cfg")+".log"))
	default:
	}
	return dm, nil
}

// Configure writes v4 and v6 and has both daemons reload them (birdc configure): protocols whose
// configuration did not change keep running, so their sessions stay up. A configuration BIRD
// refuses is an error naming the file position; the daemon then keeps its previous one.
func (d *Daemons) Configure(ctx context.Context, v4, v6 *Config) error {
	if err := checkConfigs(v4, v6); err != nil {
		return err
	}
	for _, c := range []*Config{v4, v6} {
		dm, err := d.daemon(c.Family())
		if err != nil {
			return err
		}
		if err := writePrivate(dm.conf, c.String()); err != nil {
			return err
		}
		lines, err := command(ctx, dm.sock, "configure")
		if err != nil {
			return fmt.Errorf("bird: %s configure: %w", dm.bin, err)
		}
		last := lines[len(lines)-1]
		switch last.code {
		case 3, 4, 18, 19: // Reconfigured, in progress, confirmed, nothing to do
		default:
			return fmt.Errorf("bird: %s configure: %04d %s", dm.bin, last.code, last.text)
		}
		d.log.Debug("reconfigured", "daemon", dm.bin, "reply", last.text)
	}
	return nil
}

// Protocols returns the protocols of both daemons (bird's first), from `show protocols all`.
func (d *Daemons) Protocols(ctx context.Context) ([]Protocol, error) {
	var out []Protocol
	for _, f := range []addressing.Family{addressing.IPv4, addressing.IPv6} {
		dm, err := d.daemon(f)
		if err != nil {
			return nil, err
		}
		lines, err := command(ctx, dm.sock, "show protocols all")
		if err != nil {
			return nil, err
		}
		out = append(out, parseProtocols(lines, f)...)
	}
	return out, nil
}

// Routes returns every route of the daemon of family f's table, from `show route all`.
func (d *Daemons) Routes(ctx context.Context, f addressing.Family) ([]Route, error) {
	dm, err := d.daemon(f)
	if err != nil {
		return nil, err
	}
	lines, err := command(ctx, dm.sock, "show route all")
	if err != nil {
		return nil, err
	}
	return parseRoutes(lines), nil
}

// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
const StopTimeout = 3 * time.Second

// Stop terminates both daemons (SIGTERM, then SIGKILL after StopTimeout or when ctx ends) and
// removes the runtime directory. It is idempotent.
func (d *Daemons) Stop(ctx context.Context) error {
	d.mu.Lock()
	if d.done {
		d.mu.Unlock()
		return nil
	}
	d.done = true
	ds := d.d
	d.mu.Unlock()
	var errs []error
	for _, dm := range ds {
		_ = dm.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, dm := range ds {
		t := time.NewTimer(StopTimeout)
		select {
		case <-dm.exited:
		case <-t.C:
			_ = dm.cmd.Process.Kill()
			<-dm.exited
		case <-ctx.Done():
			_ = dm.cmd.Process.Kill()
			<-dm.exited
		}
		t.Stop()
		d.log.Debug("stopped", "daemon", dm.bin)
	}
	if err := os.RemoveAll(d.dir); err != nil {
		errs = append(errs, fmt.Errorf("bird: remove %s: %w", d.dir, err))
	}
	return errors.Join(errs...)
}

// Memory returns the resident set size of both daemons together, from /proc.
func (d *Daemons) Memory() (rssBytes int64, err error) {
	for _, f := range []addressing.Family{addressing.IPv4, addressing.IPv6} {
		dm, err := d.daemon(f)
		if err != nil {
			return 0, err
		}
		n, err := rss(dm.cmd.Process.Pid)
		if err != nil {
			return 0, err
		}
		rssBytes += n
	}
	return rssBytes, nil
}

// rss reads VmRSS of a process.
func rss(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("bird: memory of pid %d: %w", pid, err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			fs := strings.Fields(v)
			if len(fs) == 2 && fs[1] == "kB" {
				n, err := strconv.ParseInt(fs[0], 10, 64)
				if err == nil {
					return n * 1024, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("bird: no VmRSS for pid %d", pid)
}
