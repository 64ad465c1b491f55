package nxcalico

import (
	"fmt"
	"strings"

	"github.com/nxcalico/nxcalico/change"
)

// String returns the plan as a report for review: a summary line, then per switch and for the
// cluster what changes, one line per object ("+" create, "~" update, "-" delete). It never shows
// a password.
func (p *Plan) String() string {
	var b strings.Builder
	c, u, d := p.Counts()
	fmt.Fprintf(&b, "Plan for cluster %s: %d leaves, %d nodes — %s\n",
		p.intent.Cluster.Name, len(p.intent.Leaves), len(p.intent.Nodes), change.Summary(c, u, d))
	p.writeDisruption(&b)
	for _, lp := range p.leaves {
		l := lp.plan
		b.WriteString("\n")
		if l.Empty() {
			fmt.Fprintf(&b, "%s: no changes\n", l.Leaf)
			continue
		}
		b.WriteString(l.String())
		if !strings.HasSuffix(l.String(), "\n") {
			b.WriteString("\n")
		}
	}
	if p.calico != nil {
		b.WriteString("\n")
		text := p.calico.String()
		if p.calico.Empty() {
			text = fmt.Sprintf("Calico (%s): no changes\n", p.calico.Group)
		}
		b.WriteString(text)
		if !strings.HasSuffix(text, "\n") {
			b.WriteString("\n")
		}
	}
	if !p.nodes.Empty() {
		b.WriteString("\n")
		b.WriteString(p.nodes.String())
	}
	return b.String()
}

// Summary returns the plan in a few lines: the totals, one line per switch and for Calico with
// its counts ("+created ~updated -deleted"), each Calico change, and the nodes to label. String
// lists every object instead.
func (p *Plan) Summary() string {
	var b strings.Builder
	c, u, d := p.Counts()
	b.WriteString(change.Summary(c, u, d) + "\n")
	p.writeDisruption(&b)
	for _, lp := range p.leaves {
		l := lp.plan
		lc, lu, ld := l.Counts()
		fmt.Fprintf(&b, "%-9s +%d ~%d -%d\n", l.Leaf, lc, lu, ld)
	}
	if p.calico != nil {
		cc, cu, cd := p.calico.Counts()
		fmt.Fprintf(&b, "%-9s +%d ~%d -%d  (%s)\n", "calico", cc, cu, cd, p.calico.Group)
		for _, ch := range p.calico.Changes {
			fmt.Fprintf(&b, "  %s %s\n", ch.Action, ch.Object)
		}
	}
	if !p.nodes.Empty() {
		fmt.Fprintf(&b, "%-9s ~%d (labels and annotations)\n", "nodes", len(p.nodes.Changes))
	}
	return b.String()
}

// writeDisruption says, before anything else, what applying the plan disrupts: the nodes it
// leaves without a session (an allowed outage) and the sessions it resets.
func (p *Plan) writeDisruption(b *strings.Builder) {
	if out := p.Outages(); len(out) > 0 {
		fmt.Fprintf(b, "This change leaves %d nodes without a session while it is applied (allowed):\n", len(out))
		for _, o := range out {
			fmt.Fprintf(b, "  %s\n", o)
		}
	}
	if resets := p.Resets(); len(resets) > 0 {
		fmt.Fprintf(b, "This change resets %d BGP sessions (they go down and come back):\n", len(resets))
		for _, r := range resets {
			fmt.Fprintf(b, "  %s\n", r)
		}
	}
}
