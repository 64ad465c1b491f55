//go:build unix

package calicotest_test

import (
	"bytes"
	"io"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// captureOutput runs f with file descriptors 1 and 2 redirected into a pipe
// and returns everything written to them. Redirecting the descriptors, not
// just os.Stdout and os.Stderr, also catches loggers that captured the
// original *os.File values at init.
func captureOutput(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var saved [3]int
	for _, fd := range []int{1, 2} {
		if saved[fd], err = unix.Dup(fd); err != nil {
			t.Fatal(err)
		}
		if err := unix.Dup2(int(w.Fd()), fd); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(&buf, r)
		close(copied)
	}()
	restore := func() {
		for _, fd := range []int{1, 2} {
			_ = unix.Dup2(saved[fd], fd)
			_ = unix.Close(saved[fd])
		}
		w.Close()
		<-copied
		r.Close()
	}
	func() {
		defer restore()
		f()
	}()
	return buf.String()
}
