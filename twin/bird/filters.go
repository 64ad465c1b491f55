package bird

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	apiv3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/nxcalico/nxcalico/addressing"
)

// filterRule is one BGPFilter rule of either family.
type filterRule struct {
	cidr     string
	op       apiv3.BGPFilterMatchOperator
	min, max *int32
	source   apiv3.BGPFilterMatchSource
	iface    string
	action   apiv3.BGPFilterAction
}

func rulesOf(f *apiv3.BGPFilter, fam addressing.Family, dir string) []filterRule {
	var out []filterRule
	if fam == addressing.IPv4 {
		rs := f.Spec.ImportV4
		if dir == "export" {
			rs = f.Spec.ExportV4
		}
		for _, r := range rs {
			fr := filterRule{cidr: r.CIDR, op: r.MatchOperator, source: r.Source, iface: r.Interface, action: r.Action}
			if r.PrefixLength != nil {
				fr.min, fr.max = r.PrefixLength.Min, r.PrefixLength.Max
			}
			out = append(out, fr)
		}
		return out
	}
	rs := f.Spec.ImportV6
	if dir == "export" {
		rs = f.Spec.ExportV6
	}
	for _, r := range rs {
		fr := filterRule{cidr: r.CIDR, op: r.MatchOperator, source: r.Source, iface: r.Interface, action: r.Action}
		if r.PrefixLength != nil {
			fr.min, fr.max = r.PrefixLength.Min, r.PrefixLength.Max
		}
		out = append(out, fr)
	}
	return out
}

func hasRules(f *apiv3.BGPFilter, fam addressing.Family, dir string) bool {
	return f != nil && len(rulesOf(f, fam, dir)) > 0
}

// filterFuncName is calico-node's BIRD function name for one direction and family of a filter.
func filterFuncName(name, dir, fam string) string {
	return "'bgp_" + name + "_" + dir + "Filter" + fam + "'"
}

var matchOps = map[apiv3.BGPFilterMatchOperator]string{
	apiv3.Equal: "=", apiv3.NotEqual: "!=", apiv3.In: "~", apiv3.NotIn: "!~",
}

// checkFilter validates every rule of a BGPFilter, naming the rule on error.
func checkFilter(f *apiv3.BGPFilter) error {
	for _, fam := range []addressing.Family{addressing.IPv4, addressing.IPv6} {
		for _, dir := range []string{"import", "export"} {
			for i, r := range rulesOf(f, fam, dir) {
				if _, err := ruleText(r, fam); err != nil {
					return fmt.Errorf("bird: BGPFilter %q: %s%s[%d]: %v", f.Name, dir, strings.ToUpper(fam.String()[2:]), i, err)
				}
			}
		}
	}
	return nil
}

// ruleText renders one rule as calico-node does: its conditions joined by && in one if, or the
// bare action when the rule has no condition.
func ruleText(r filterRule, fam addressing.Family) (string, error) {
	var action string
	switch r.action {
	case apiv3.Accept:
		action = "accept;"
	case apiv3.Reject:
		action = "reject;"
	default:
		return "", fmt.Errorf("action %q is not Accept or Reject", r.action)
	}
	var conds []string
	if r.cidr != "" {
		op, ok := matchOps[r.op]
		if !ok {
			return "", fmt.Errorf("matchOperator %q is not Equal, NotEqual, In or NotIn (needed with cidr %s)", r.op, r.cidr)
		}
		p, err := netip.ParsePrefix(r.cidr)
		if err != nil {
			return "", fmt.Errorf("cidr %q: %v", r.cidr, err)
		}
		if addressing.PrefixFamily(p) != fam {
			return "", fmt.Errorf("cidr %s is not %s", r.cidr, fam)
		}
		target := r.cidr
		if r.min != nil || r.max != nil {
			lo, hi := int32(p.Bits()), int32(p.Addr().BitLen())
			if r.min != nil {
				lo = max(lo, *r.min)
			}
			if r.max != nil {
				hi = min(hi, *r.max)
			}
			if lo > hi {
				return "", fmt.Errorf("prefixLength selects nothing under %s (min %d > max %d)", r.cidr, lo, hi)
			}
			target = fmt.Sprintf("[ %s{%d,%d} ]", r.cidr, lo, hi)
		}
		conds = append(conds, fmt.Sprintf("(net %s %s)", op, target))
	} else if r.min != nil || r.max != nil {
		return "", fmt.Errorf("prefixLength needs a cidr")
	}
	switch r.source {
	case "":
	case apiv3.BGPFilterSourceRemotePeers:
		conds = append(conds, "((defined(source))&&(source ~ [ RTS_BGP ]))")
	default:
		return "", fmt.Errorf("source %q is not RemotePeers", r.source)
	}
	if r.iface != "" {
		if !safeString(r.iface) {
			return "", fmt.Errorf("interface %q holds a quote, backslash or non-printable character", r.iface)
		}
		conds = append(conds, fmt.Sprintf("((defined(ifname))&&(ifname ~ \"%s\"))", r.iface))
	}
	if len(conds) == 0 {
		return action, nil
	}
	return fmt.Sprintf("if (%s) then { %s }", strings.Join(conds, "&&"), action), nil
}

// writeFilters writes the BIRD functions of every BGPFilter with rules of family fam.
func (g *gen) writeFilters(p func(string, ...any), fam addressing.Family) {
	names := make([]string, 0, len(g.filters))
	for n := range g.filters {
		names = append(names, n)
	}
	slices.SortFunc(names, cmp.Compare)
	famS := strings.ToUpper(fam.String()[2:]) // "V4" / "V6"
	p("\n# ------------- BGP Filters -------------\n")
	if len(names) == 0 {
		p("# No BGP filters configured.\n")
	}
	for _, n := range names {
		f := g.filters[n]
		imp, exp := rulesOf(f, fam, "import"), rulesOf(f, fam, "export")
		if len(imp) == 0 && len(exp) == 0 {
			continue
		}
		p("# %s BGPFilter %s\n", strings.ToLower(famS), n)
		for _, d := range []struct {
			dir   string
			rules []filterRule
		}{{"import", imp}, {"export", exp}} {
			if len(d.rules) == 0 {
				continue
			}
			p("function %s() {\n", filterFuncName(n, d.dir, famS))
			for _, r := range d.rules {
				t, _ := ruleText(r, fam) // validated in newGen
				p("  %s\n", t)
			}
			p("}\n")
		}
	}
}
