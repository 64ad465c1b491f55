package frr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Paths of the Debian FRR packages.
const (
	zebraBin  = "/usr/lib/frr/zebra"
	bgpdBin   = "/usr/lib/frr/bgpd"
	vtyshBin  = "/usr/bin/vtysh"
	reloadBin = "/usr/lib/frr/frr-reload.py"
	frrUser   = "frr"
	// InstallHint is the command that installs what the twin's daemons need on Debian.
	InstallHint = "apt-get install -y frr frr-pythontools bird iputils-ping"
)

// Timeouts of the daemons' life cycle.
const (
	startTimeout = 15 * time.Second // until a daemon's socket appears
	stopGrace    = 3 * time.Second  // SIGTERM to SIGKILL
	pollEvery    = 20 * time.Millisecond
)

// Available reports whether this machine can run the FRR daemons: root, the FRR binaries
// (zebra, bgpd, vtysh), frr-reload.py with python3, the frr user and the ip command. The error
// names everything that is missing and how to install it.
func Available() error {
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root (CAP_NET_ADMIN, CAP_SYS_ADMIN)")
	}
	for _, p := range []string{zebraBin, bgpdBin, vtyshBin, reloadBin} {
		if _, err := os.Stat(p); err != nil {
			missing = append(missing, p)
		}
	}
	for _, b := range []string{"python3", "ip"} {
		if _, err := exec.LookPath(b); err != nil {
			missing = append(missing, b+" in PATH")
		}
	}
	if _, err := user.Lookup(frrUser); err != nil {
		missing = append(missing, "user "+frrUser)
	}
	if len(missing) > 0 {
		return fmt.Errorf("twin/frr: needs %s: %s", strings.Join(missing, ", "), InstallHint)
	}
	return nil
}

// DaemonOptions says where to run one zebra+bgpd pair.
type DaemonOptions struct {
	// Netns is the name of an existing network namespace (as "ip netns" lists it).
	Netns string
	// Dir is the runtime directory Start creates (it must not exist): mode 0700, owned by user
	// frr, holding frr.conf (0600), the pid files, the vty and zserv sockets and the daemons'
	// logs. Every directory above it must be searchable by user frr (e.g. mode 0711), since the
	// daemons drop to that user. Stop removes it.
	Dir string
	// Name names the instance in logs and errors (e.g. the leaf's name).
	Name string
	// Logger receives the life-cycle events; nil discards them.
	Logger *slog.Logger
}

// Daemons is one zebra+bgpd pair inside one network namespace. Its methods are safe for
// concurrent use.
type Daemons struct {
	o   DaemonOptions
	log *slog.Logger
	uid int
	gid int

	mu      sync.Mutex // serialises Apply and Stop
	procs   []*proc
	stopped bool
	secrets []string // passwords of the configurations applied, for redacting tool output
}

// proc is one started daemon.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (d *Daemons) path(name string) string { return filepath.Join(d.o.Dir, name) }

// Start starts zebra and then bgpd in o.Netns with an empty configuration (only the hostname)
// and waits until both accept vtysh. Apply gives them the leaf's configuration. On any failure
// everything started is stopped and the directory removed.
func Start(ctx context.Context, o DaemonOptions) (*Daemons, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	u, err := user.Lookup(frrUser)
	if err != nil {
		return nil, fmt.Errorf("twin/frr: %w", err)
	}
	d := &Daemons{o: o, log: o.Logger}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	d.uid, _ = strconv.Atoi(u.Uid)
	d.gid, _ = strconv.Atoi(u.Gid)
	if err := checkSearchable(filepath.Dir(o.Dir), d.uid, d.gid); err != nil {
		return nil, err
	}
	if err := os.Mkdir(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("twin/frr: DaemonOptions.Dir: %w", err)
	}
	if err := d.start(ctx); err != nil {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*stopGrace)
		defer cancel()
		return nil, errors.Join(err, d.Stop(stopCtx))
	}
	return d, nil
}

func (o DaemonOptions) check() error {
	switch {
	case o.Netns == "" || strings.ContainsAny(o.Netns, "/ \t\n"):
		return fmt.Errorf("twin/frr: DaemonOptions.Netns: %q is not a namespace name", o.Netns)
	case o.Name == "" || strings.ContainsAny(o.Name, "/ \t\n!#"):
		return fmt.Errorf("twin/frr: DaemonOptions.Name: %q must be one word without / ! #", o.Name)
	case !filepath.IsAbs(o.Dir) || filepath.Clean(o.Dir) != o.Dir || o.Dir == "/":
		return fmt.Errorf("twin/frr: DaemonOptions.Dir: %q is not a clean absolute path", o.Dir)
	}
	if _, err := os.Stat(filepath.Join("/run/netns", o.Netns)); err != nil {
		return fmt.Errorf("twin/frr: DaemonOptions.Netns: namespace %q does not exist (ip netns add %s)", o.Netns, o.Netns)
	}
	return nil
}

// checkSearchable reports a directory on the way to dir that user uid/gid cannot search.
func checkSearchable(dir string, uid, gid int) error {
	for p := dir; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("twin/frr: DaemonOptions.Dir: %w", err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		m := fi.Mode().Perm()
		okx := m&0o001 != 0 || (int(st.Gid) == gid && m&0o010 != 0) || (int(st.Uid) == uid && m&0o100 != 0)
		if !okx {
			return fmt.Errorf("twin/frr: DaemonOptions.Dir: %s (mode %04o, uid %d, gid %d) is not searchable by user %s, which the daemons run as: make it mode 0711, or 0710 with group %s", p, m, st.Uid, st.Gid, frrUser, frrUser)
		}
		if p == "/" {
			return nil
		}
	}
}

// start lays out the directory and starts zebra, then bgpd.
func (d *Daemons) start(ctx context.Context) error {
	if err := os.Chown(d.o.Dir, d.uid, d.gid); err != nil {
		return fmt.Errorf("twin/frr: %w", err)
	}
	if err := d.writeConf([]byte("hostname " + d.o.Name + "\n")); err != nil {
		return err
	}
	// vtysh and frr-reload.py read vtysh.conf from the configuration directory; empty is fine.
	if err := os.WriteFile(d.path("vtysh.conf"), nil, 0o600); err != nil {
		return fmt.Errorf("twin/frr: %w", err)
	}
	for _, name := range []string{"zebra", "bgpd"} {
		bin := zebraBin
		wait := d.path("zserv.api")
		if name == "bgpd" {
			bin, wait = bgpdBin, d.path("bgpd.vty")
		}
		args := []string{"netns", "exec", d.o.Netns, bin,
			"-f", d.path("frr.conf"), "-i", d.path(name + ".pid"),
			"--vty_socket", d.o.Dir, "-z", d.path("zserv.api"), "-P", "0",
			"--log", "file:" + d.path(name+".log")}
		out, err := os.OpenFile(d.path(name+".out"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("twin/frr: %w", err)
		}
		cmd := exec.Command("ip", args...)
		cmd.Stdout, cmd.Stderr = out, out
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			out.Close()
			return fmt.Errorf("twin/frr: %s %s: start %s: %w", d.o.Name, d.o.Netns, name, err)
		}
		out.Close()
		p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
		go func() { _ = cmd.Wait(); close(p.done) }()
		d.mu.Lock()
		d.procs = append(d.procs, p)
		d.mu.Unlock()
		d.log.Info("frr daemon started", "instance", d.o.Name, "netns", d.o.Netns, "daemon", name, "pid", cmd.Process.Pid)
		if err := d.waitFor(ctx, p, wait); err != nil {
			return err
		}
	}
	return nil
}

// waitFor waits until path exists, the daemon exits or ctx ends.
func (d *Daemons) waitFor(ctx context.Context, p *proc, path string) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("twin/frr: %s: %s exited during start: %s", d.o.Name, p.name, d.tail(p.name))
		case <-ctx.Done():
			return fmt.Errorf("twin/frr: %s: %s did not create %s: %w (%s)", d.o.Name, p.name, filepath.Base(path), ctx.Err(), d.tail(p.name))
		case <-tick.C:
		}
	}
}

// tail returns the last lines a daemon wrote to its output and log, for error messages.
func (d *Daemons) tail(name string) string {
	var parts []string
	for _, f := range []string{name + ".out", name + ".log"} {
		b, _ := os.ReadFile(d.path(f))
		s := strings.TrimSpace(string(b))
		if len(s) > 600 {
			s = "…" + s[len(s)-600:]
		}
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "no output"
	}
	return redact(strings.Join(parts, " | "), d.secrets)
}

// writeConf replaces frr.conf (mode 0600, owned by frr) atomically.
func (d *Daemons) writeConf(b []byte) error {
	tmp := d.path("frr.conf.new")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("twin/frr: %w", err)
	}
	_, err = f.Write(b)
	err = errors.Join(err, f.Chmod(0o600), f.Chown(d.uid, d.gid), f.Close())
	if err == nil {
		err = os.Rename(tmp, d.path("frr.conf"))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("twin/frr: write frr.conf: %w", err)
	}
	return nil
}

// Stop stops bgpd and zebra (SIGTERM, SIGKILL after a grace period or when ctx ends) and removes
// the runtime directory and the daemons' crash-log directories. It is idempotent.
func (d *Daemons) Stop(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return nil
	}
	d.stopped = true
	var errs []error
	for i := len(d.procs) - 1; i >= 0; i-- {
		p := d.procs[i]
		pid := p.cmd.Process.Pid
		if !p.exited() {
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			t := time.NewTimer(stopGrace)
			select {
			case <-p.done:
			case <-t.C:
			case <-ctx.Done():
			}
			t.Stop()
			if !p.exited() {
				_ = p.cmd.Process.Kill()
				<-p.done
			}
		}
		// FRR keeps a crash-log directory per process, removed on a clean exit only.
		if err := os.RemoveAll(filepath.Join("/var/tmp/frr", p.name+"."+strconv.Itoa(pid))); err != nil {
			errs = append(errs, err)
		}
		d.log.Info("frr daemon stopped", "instance", d.o.Name, "daemon", p.name, "pid", pid)
	}
	if err := os.RemoveAll(d.o.Dir); err != nil {
		errs = append(errs, fmt.Errorf("twin/frr: %w", err))
	}
	return errors.Join(errs...)
}

// Memory returns the resident memory of zebra and bgpd together, from /proc/<pid>/status.
func (d *Daemons) Memory() (int64, error) {
	d.mu.Lock()
	procs := d.procs
	stopped := d.stopped
	d.mu.Unlock()
	if stopped {
		return 0, errors.New("twin/frr: Memory: daemons are stopped")
	}
	var total int64
	for _, p := range procs {
		kb, err := rssKB(p.cmd.Process.Pid)
		if err != nil {
			return 0, fmt.Errorf("twin/frr: Memory: %s: %w", p.name, err)
		}
		total += kb * 1024
	}
	return total, nil
}

func rssKB(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}
