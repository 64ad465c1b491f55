// Command validate checks nxcalico design files: it loads each one strictly and validates it,
// printing every problem as "path: code: message" on standard error.
//
//	go run ./examples/validate FILE...
//
// With several files each problem line starts with the file name. A file without problems prints
// "ok" (or "FILE: ok") on standard output. The exit status is 0 when every file is valid, 1 when
// any file has a problem, and 2 on a usage error or a file that cannot be read.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/nxcalico/nxcalico/design"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

// run checks the files named in args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: validate FILE...")
		return exitUsage
	}
	status := exitOK
	for _, path := range args {
		prefix := ""
		if len(args) > 1 {
			prefix = path + ": "
		}
		ps, err := check(path)
		switch {
		case err != nil:
			fmt.Fprintf(stderr, "%s\n", err)
			status = exitUsage
		case len(ps) > 0:
			for _, p := range ps {
				fmt.Fprintf(stderr, "%s%s\n", prefix, p.Error())
			}
			if status == exitOK {
				status = exitProblems
			}
		default:
			fmt.Fprintf(stdout, "%sok\n", prefix)
		}
	}
	return status
}

// check loads and validates one file. It returns the file's problems, or an error when the file
// cannot be read.
func check(path string) (design.Problems, error) {
	d, err := design.LoadFile(path)
	if err == nil {
		err = d.Validate()
	}
	if err == nil {
		return nil, nil
	}
	var ps design.Problems
	if errors.As(err, &ps) {
		return ps, nil
	}
	return nil, err
}
