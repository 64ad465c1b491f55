//go:build unix

package nxos

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) the test process has used so far, so benchmarks
// can report CPU per operation, which stays meaningful on a loaded machine where wall time does not.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
