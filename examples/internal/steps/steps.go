// Package steps prints the progress of the example commands in one layout: numbered steps with
// the elapsed time, indented detail lines, a line per Syncer step, and plan summaries.
package steps

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nxcalico/nxcalico"
)

// Printer writes a command's progress to W. It is not safe for concurrent use; Syncer progress
// arrives from one goroutine at a time.
type Printer struct {
	w     io.Writer
	start time.Time
	n     int
}

// New returns a Printer writing to w, counting time from now.
func New(w io.Writer) *Printer { return &Printer{w: w, start: time.Now()} }

// Elapsed is the time since New, rounded to milliseconds.
func (p *Printer) Elapsed() string { return time.Since(p.start).Round(time.Millisecond).String() }

// Step prints a numbered step header with the elapsed time.
func (p *Printer) Step(format string, args ...any) {
	p.n++
	fmt.Fprintf(p.w, "\n[%d] %s  (%s)\n", p.n, fmt.Sprintf(format, args...), p.Elapsed())
}

// Printf prints as fmt.Fprintf does.
func (p *Printer) Printf(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

// Lines prints text indented under the current step, one line at a time.
func (p *Printer) Lines(text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		p.Printf("    %s\n", line)
	}
}

// Progress prints one Syncer step as a line; use it as Syncer.Progress.
func (p *Printer) Progress(s nxcalico.Step) {
	name := s.Side
	if s.Name != "" {
		name += " " + s.Name
	}
	line := fmt.Sprintf("    %-16s %-9s %s", name, s.What, s.Detail)
	if s.Err != nil {
		line += "  error: " + s.Err.Error()
	}
	p.Printf("%s\n", strings.TrimRight(line, " "))
}

// Plan prints the plan's summary, or with verbose every object of it.
func (p *Printer) Plan(plan *nxcalico.Plan, verbose bool) {
	if verbose {
		p.Lines(plan.String())
		return
	}
	p.Lines(plan.Summary() + "(run with -v to see every object)\n")
}
