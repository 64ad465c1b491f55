package twin

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// InstallHint is the one command that installs every package the twin needs on Debian or Ubuntu.
const InstallHint = "apt-get install -y frr frr-pythontools bird iputils-ping"

// Binaries the twin runs: name as looked up (a path is checked as is, a bare name on PATH).
var requiredBinaries = []string{
	"ip", "/usr/lib/frr/zebra", "/usr/lib/frr/bgpd", "vtysh", "/usr/lib/frr/frr-reload.py", "python3",
	"bird", "bird6", "birdc", "birdc6", "ping",
}

// Capabilities the twin needs: network namespaces and links (CAP_NET_ADMIN), mounting the
// namespaces' files (CAP_SYS_ADMIN).
const (
	capNetAdmin = 12
	capSysAdmin = 21
)

// Preflight checks that this machine can run a twin: Linux, root with CAP_NET_ADMIN and
// CAP_SYS_ADMIN, and the binaries of iproute2, FRR (zebra, bgpd, vtysh, and frr-reload.py from
// frr-pythontools with python3, which applies a changed configuration without a restart), BIRD
// 1.6 (bird, bird6, birdc, birdc6) and iputils-ping. It returns nil, or one error naming everything missing and how
// to install it. Start calls it first.
func Preflight() error {
	if runtime.GOOS != "linux" {
		return fmt.Errorf("twin: needs Linux network namespaces; this is %s", runtime.GOOS)
	}
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, fmt.Sprintf("root (running as uid %d)", os.Geteuid()))
	} else if eff, err := effectiveCaps(); err != nil {
		missing = append(missing, "capabilities CAP_NET_ADMIN and CAP_SYS_ADMIN (cannot read them: "+err.Error()+")")
	} else {
		for _, c := range []struct {
			bit  uint
			name string
		}{{capNetAdmin, "CAP_NET_ADMIN"}, {capSysAdmin, "CAP_SYS_ADMIN"}} {
			if eff&(1<<c.bit) == 0 {
				missing = append(missing, "capability "+c.name)
			}
		}
	}
	var bins []string
	for _, b := range requiredBinaries {
		if _, err := exec.LookPath(b); err != nil {
			bins = append(bins, b)
		}
	}
	if len(bins) > 0 {
		missing = append(missing, "programs "+strings.Join(bins, ", "))
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("twin: needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) and the Debian packages frr, frr-pythontools, bird, iputils-ping; missing: %s; install with: %s",
		strings.Join(missing, "; "), InstallHint)
}

// effectiveCaps reads the effective capability set of this process.
func effectiveCaps() (uint64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
	}
	return 0, errors.New("no CapEff line in /proc/self/status")
}
