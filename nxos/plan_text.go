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

// String returns the plan as readable diff text, one line per object:
//
//	Leaf2101: 1 to create, 1 to update, 1 to delete
//	- sys/bgp/inst/dom-vrf-001/peer-[192.168.1.12] bgpPeer
//	~ sys/bgp/inst/dom-default/peercont-CALICO bgpPeerCont ttl: "5" -> "10"
//	+ sys/bgp/inst/dom-vrf-001/peer-[192.168.1.14] bgpPeer peerImp="CALICO"
//
// Feature changes are marked "(feature)". Write-only values (passwords) are
// shown as [redacted]; the text is safe to log.
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
	for _, c := range p.Changes {
		b.WriteByte('\n')
		c.writeTo(&b)
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
			if had {
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
