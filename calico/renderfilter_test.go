package calico

import (
	"net/netip"
	"testing"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
)

// calicoFilterAccepts evaluates BGPFilter rules as Calico does: the first matching rule decides,
// and a route no rule matches is accepted.
func calicoFilterAccepts(rules []v3.BGPFilterRuleV4, rules6 []v3.BGPFilterRuleV6, route netip.Prefix) bool {
	type rule struct {
		cidr     string
		op       v3.BGPFilterMatchOperator
		min, max *int32
		action   v3.BGPFilterAction
	}
	var rs []rule
	if route.Addr().Is4() {
		for _, r := range rules {
			var lo, hi *int32
			if r.PrefixLength != nil {
				lo, hi = r.PrefixLength.Min, r.PrefixLength.Max
			}
			rs = append(rs, rule{r.CIDR, r.MatchOperator, lo, hi, r.Action})
		}
	} else {
		for _, r := range rules6 {
			var lo, hi *int32
			if r.PrefixLength != nil {
				lo, hi = r.PrefixLength.Min, r.PrefixLength.Max
			}
			rs = append(rs, rule{r.CIDR, r.MatchOperator, lo, hi, r.Action})
		}
	}
	for _, r := range rs {
		match := true
		if r.cidr != "" {
			c := netip.MustParsePrefix(r.cidr)
			switch r.op {
			case v3.Equal:
				match = route.Masked() == c
			case v3.In:
				lo, hi := int32(c.Bits()), int32(route.Addr().BitLen())
				if r.min != nil {
					lo = *r.min
				}
				if r.max != nil {
					hi = *r.max
				}
				b := int32(route.Bits())
				match = c.Contains(route.Addr()) && b >= int32(c.Bits()) && b >= lo && b <= hi
			default:
				panic("operator not modelled: " + string(r.op))
			}
		}
		if match {
			return r.action == v3.Accept
		}
	}
	return true
}

// TestRenderBGPFilterMirrorsThePolicies checks, route by route, that the rendered BGPFilter
// accepts exactly what the design's policies permit.
func TestRenderBGPFilterMirrorsThePolicies(t *testing.T) {
	routes := []string{
		"0.0.0.0/0", "::/0", "10.0.0.0/8", "10.244.0.0/16", "10.244.1.0/24", "10.244.1.64/26", "10.244.1.64/27",
		"10.96.0.0/12", "10.96.0.10/32", "10.112.0.0/12", "10.200.0.0/16", "10.200.3.0/26", "198.51.100.7/32",
		"203.0.113.0/24", "203.0.113.128/25", "192.168.100.1/32", "fd00:10:244::/48", "fd00:10:244:1::/64",
		"fd00:10:244::40/122", "fd00:10:244::40/123", "fd00:200::/56", "fd00:200::/120", "fd00:96::/108",
		"fd00:96::1/128", "2001:db8::/32",
	}
	for _, rd := range renderDesigns {
		t.Run(rd.name, func(t *testing.T) {
			in, objs := renderDesign(t, rd.design())
			if len(in.Cluster.Export) == 0 || len(objs.BGPFilters) != 1 {
				t.Fatalf("%d export policies, %d BGPFilters: want route filters on by default", len(in.Cluster.Export), len(objs.BGPFilters))
			}
			f := objs.BGPFilters[0].Spec
			for _, dir := range []struct {
				name     string
				policies []design.Policy
				v4       []v3.BGPFilterRuleV4
				v6       []v3.BGPFilterRuleV6
			}{{"export", in.Cluster.Export, f.ExportV4, f.ExportV6}, {"import", in.Cluster.Import, f.ImportV4, f.ImportV6}} {
				for _, p := range dir.policies {
					for _, s := range routes {
						r := netip.MustParsePrefix(s)
						if addressing.PrefixFamily(r) != p.Family {
							continue
						}
						if got, want := calicoFilterAccepts(dir.v4, dir.v6, r), p.Permits(r); got != want {
							t.Errorf("%s %s: BGPFilter accepts %v, the design permits %v", dir.name, r, got, want)
						}
					}
				}
			}
			for _, p := range objs.BGPPeers {
				if len(p.Spec.Filters) != 1 || p.Spec.Filters[0] != BGPFilterName {
					t.Errorf("%s: filters %v, want [%s]", p.Name, p.Spec.Filters, BGPFilterName)
				}
			}
		})
	}
}

func TestRenderWithoutRouteFilters(t *testing.T) {
	d := design.CaseStudy()
	d.Peering.RouteFilters = design.Bool(false)
	d.Peering.NodeReachability = design.ReachableBy
	_, objs := renderDesign(t, d)
	if len(objs.BGPFilters) != 0 {
		t.Errorf("%d BGPFilters with route filters off", len(objs.BGPFilters))
	}
	for _, p := range objs.BGPPeers {
		if len(p.Spec.Filters) != 0 {
			t.Errorf("%s: filters %v with route filters off", p.Name, p.Spec.Filters)
		}
	}
}

func TestRenderMaxRestartTime(t *testing.T) {
	d := design.CaseStudy()
	d.Peering.GracefulRestart = &design.GracefulRestart{RestartTime: 90, StalePathTime: 300}
	_, objs := renderDesign(t, d)
	for _, p := range objs.BGPPeers {
		if p.Spec.MaxRestartTime == nil || p.Spec.MaxRestartTime.Duration != 90*time.Second {
			t.Errorf("%s: maxRestartTime %v, want 1m30s", p.Name, p.Spec.MaxRestartTime)
		}
	}
	_, plain := renderDesign(t, design.CaseStudy())
	for _, p := range plain.BGPPeers {
		if p.Spec.MaxRestartTime != nil {
			t.Errorf("%s: maxRestartTime %v without graceful restart", p.Name, p.Spec.MaxRestartTime)
		}
	}
}

func TestRenderBGPFilterErrors(t *testing.T) {
	tests := []struct {
		name   string
		policy design.Policy
		code   design.Code
	}{
		{"family", design.Policy{Family: addressing.IPv4, Entries: []design.PolicyEntry{{Prefix: netip.MustParsePrefix("fd00::/8")}}}, design.CodeFamilyMismatch},
		{"max length", design.Policy{Family: addressing.IPv4, Entries: []design.PolicyEntry{{Prefix: netip.MustParsePrefix("10.0.0.0/16"), MaxLen: 8}}}, design.CodeInvalidValue},
		{"max length beyond the address", design.Policy{Family: addressing.IPv4, Entries: []design.PolicyEntry{{Prefix: netip.MustParsePrefix("10.0.0.0/16"), MaxLen: 33}}}, design.CodeInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := renderIntent(t, design.CaseStudy())
			in.Cluster.Export = []design.Policy{tt.policy}
			_, err := Render(in)
			assertProblem(t, err, "cluster.export[0].entries[0]", tt.code)
		})
	}
	// A prefix length range that starts at the prefix's own length is Calico's "le" equal to it.
	in := renderIntent(t, design.CaseStudy())
	in.Cluster.Export = []design.Policy{{Family: addressing.IPv4, Entries: []design.PolicyEntry{{Prefix: netip.MustParsePrefix("10.0.0.0/16"), MaxLen: 16}}}}
	if _, err := Render(in); err != nil {
		t.Errorf("le equal to the prefix length: %v", err)
	}
}
