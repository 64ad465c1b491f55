package twin

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// Result is the outcome of one check.
type Result string

// Results of a check.
const (
	Pass Result = "PASS"
	Fail Result = "FAIL"
	// Skip means the design gives the check nothing to prove (one rack has no other rack to
	// reach; unique loopbacks need no coloring).
	Skip Result = "SKIP"
)

// Check is one proof the twin ran on the real daemons.
type Check struct {
	// Name says what is proven, e.g. "sessions".
	Name string
	// Item is the number of the claim in the package documentation's list.
	Item int
	// Result is the outcome.
	Result Result
	// Took is how long the check ran.
	Took time.Duration
	// Summary is one line on the outcome; Details are the findings behind it, one per line.
	Summary string
	Details []string
}

// Report is what a twin proved about a design: every check with its result, time and findings.
type Report struct {
	// Design names the design (the cluster name).
	Design string
	// Leaves, Nodes and Sessions count the lab.
	Leaves, Nodes, Sessions int
	// Started is how long Start took; Established how long until every session was up after
	// the design was applied.
	Started, Established time.Duration
	// Failover is how long pod traffic stopped when one leaf failed; 0 when not measured.
	Failover time.Duration
	// Checks are the checks in the order they ran.
	Checks []Check
	// Memory is the resident memory of each daemon pair, by leaf or node name, in bytes.
	Memory map[string]int64
}

// Passed reports whether no check failed.
func (r *Report) Passed() bool {
	for _, c := range r.Checks {
		if c.Result == Fail {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Failed returns the checks that failed.
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Result == Fail {
			out = append(out, c)
		}
	}
	return out
}

// Check returns the check of that name, or nil.
func (r *Report) Check(name string) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

// TotalMemory is the resident memory of every daemon of the lab, in bytes.
func (r *Report) TotalMemory() int64 {
	var t int64
	for _, m := range r.Memory {
		t += m
	}
	return t
}

// String returns the report as a table: one row per check with its result, time and summary,
// and the details of every check that did not pass, indented below it.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "routing twin of %s: %d leaves (FRR), %d nodes (BIRD), %d sessions; up in %s, established in %s\n\n",
		r.Design, r.Leaves, r.Nodes, r.Sessions, r.Started.Round(time.Millisecond), r.Established.Round(time.Millisecond))
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "#\tCHECK\tRESULT\tTIME\tSUMMARY")
	for _, c := range r.Checks {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", c.Item, c.Name, c.Result, c.Took.Round(time.Millisecond), c.Summary)
	}
	_ = w.Flush()
	for _, c := range r.Checks {
		if c.Result == Pass || len(c.Details) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%s):\n", c.Name, c.Result)
		for _, d := range c.Details {
			fmt.Fprintf(&b, "  - %s\n", d)
		}
	}
	if len(r.Memory) > 0 {
		fmt.Fprintf(&b, "\nresident memory of the daemons: %.1f MiB in total\n", float64(r.TotalMemory())/(1<<20))
	}
	return b.String()
}
