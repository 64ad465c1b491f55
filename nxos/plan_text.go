package nxos

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// String returns the plan as readable diff text: a summary, the sessions it resets (when it
// resets any; see Resets), then one line per object:
//
//	Leaf2101: 1 to create, 1 to update, 1 to delete
//	resets 1 session: vrf vrf-001 192.168.1.10 (template CALICO update-source lo1 -> lo2)
//	- sys/bgp/inst/dom-vrf-001/peer-[192.168.1.12] bgpPeer
//	~ sys/bgp/inst/dom-default/peercont-CALICO bgpPeerCont srcIf: "lo1" -> "lo2"
//	+ sys/bgp/inst/dom-vrf-001/peer-[192.168.1.14] bgpPeer peerImp="CALICO"
//
// Feature changes are marked "(feature)". Write-only values (passwords) are
// shown as [redacted], an empty one (a removed password) as ""; the value a
// switch holds is never readable and always shown as [redacted]. The text is
// safe to log.
func (p *Plan) String() string {
	if p == nil {
		return "<nil plan>"
	}
	cr, up, de := p.Counts()
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", p.Leaf, change.Summary(cr, up, de))
	if p.Empty() {
		b.WriteString(" (no changes)")
	}
	if rs := p.Resets(); len(rs) > 0 {
		b.WriteByte('\n')
		b.WriteString(ResetSummary(rs))
	}
	for _, c := range p.Changes {
		b.WriteByte('\n')
		c.writeTo(&b)
	}
	return b.String()
}

// ResetSummary returns the one line Plan.String shows for resets:
// "resets 2 sessions: vrf X 10.0.0.1 (password changes), vrf X 10.0.0.2 (…)"; "" for none.
func ResetSummary(rs []Reset) string {
	if len(rs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "resets %d session", len(rs))
	if len(rs) > 1 {
		b.WriteByte('s')
	}
	b.WriteString(": ")
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.String())
	}
	return b.String()
}

// String returns the change as one diff line (see Plan.String).
func (c Change) String() string {
	var b strings.Builder
	c.writeTo(&b)
	return b.String()
}

func (c Change) writeTo(b *strings.Builder) {
	b.WriteString(c.Action.Symbol())
	b.WriteByte(' ')
	b.WriteString(c.DN.String())
	b.WriteByte(' ')
	b.WriteString(c.Class)
	cls, _ := dme.Lookup(c.Class)
	for _, k := range sortedKeys(c.Attrs) {
		if c.Action == change.Create && cls != nil && cls.IsNaming(k) {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(k)
		if c.Action == change.Update {
			b.WriteString(": ")
			old, had := c.Prior[k]
			if writeOnly(cls, k) {
				// never read back: whatever the switch holds is shown as a secret
				b.WriteString(design.Redacted)
			} else if had {
				b.WriteString(showValue(cls, k, old))
			} else {
				b.WriteString("(unset)")
			}
			b.WriteString(" -> ")
		} else {
			b.WriteByte('=')
		}
		b.WriteString(showValue(cls, k, c.Attrs[k]))
	}
	if c.Feature {
		b.WriteString(" (feature)")
	}
}

func writeOnly(cls *dme.Class, attr string) bool {
	if cls == nil {
		return false
	}
	a, ok := cls.Attr(attr)
	return ok && a.WriteOnly
}

// showValue quotes v, or redacts it when the property is write-only.
func showValue(cls *dme.Class, attr, v string) string {
	if cls != nil {
		if a, ok := cls.Attr(attr); ok && a.WriteOnly && v != "" {
			return design.Redacted
		}
	}
	return strconv.Quote(v)
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
