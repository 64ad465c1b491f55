package calico

import (
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
)

// BGPFilterName is the name of the BGPFilter that holds the design's route filters; every
// BGPPeer nxcalico renders names it in filters when the design filters routes.
const BGPFilterName = "nxcalico-fabric"

// renderBGPFilter makes the BGPFilter that mirrors the leaves' route filters on the nodes: export
// rules for what the nodes may announce (c.Export) and import rules for what they accept
// (c.Import), per family. Each policy entry becomes an Accept rule (matchOperator Equal for an
// exact prefix, In with a prefix-length range for "le"), and a final bare Reject rule ends every
// list, since Calico accepts a route that matches no rule. It returns nil when the design does not
// filter routes. The policies are valid (design.Intent.Validate).
func renderBGPFilter(c *design.ClusterIntent) *v3.BGPFilter {
	if len(c.Export) == 0 && len(c.Import) == 0 {
		return nil
	}
	f := &v3.BGPFilter{
		TypeMeta:   metav1.TypeMeta{Kind: v3.KindBGPFilter, APIVersion: v3.GroupVersionCurrent},
		ObjectMeta: objectMeta(BGPFilterName, c.Name),
	}
	for _, dir := range []struct {
		policies []design.Policy
		v4       *[]v3.BGPFilterRuleV4
		v6       *[]v3.BGPFilterRuleV6
	}{
		{c.Export, &f.Spec.ExportV4, &f.Spec.ExportV6},
		{c.Import, &f.Spec.ImportV4, &f.Spec.ImportV6},
	} {
		for _, p := range dir.policies {
			if p.Family == addressing.IPv6 {
				*dir.v6 = append(*dir.v6, filterRules(p, func(r filterRule) v3.BGPFilterRuleV6 {
					v := v3.BGPFilterRuleV6{CIDR: r.cidr, MatchOperator: r.op, Action: r.action}
					if r.min != nil {
						v.PrefixLength = &v3.BGPFilterPrefixLengthV6{Min: r.min, Max: r.max}
					}
					return v
				})...)
				continue
			}
			*dir.v4 = append(*dir.v4, filterRules(p, func(r filterRule) v3.BGPFilterRuleV4 {
				v := v3.BGPFilterRuleV4{CIDR: r.cidr, MatchOperator: r.op, Action: r.action}
				if r.min != nil {
					v.PrefixLength = &v3.BGPFilterPrefixLengthV4{Min: r.min, Max: r.max}
				}
				return v
			})...)
		}
	}
	return f
}

// filterRule is a BGPFilter rule of either family.
type filterRule struct {
	cidr     string
	op       v3.BGPFilterMatchOperator
	action   v3.BGPFilterAction
	min, max *int32
}

// filterRules turns one policy into Accept rules and the closing Reject rule.
func filterRules[R any](p design.Policy, rule func(filterRule) R) []R {
	rules := make([]R, 0, len(p.Entries)+1)
	for _, e := range p.Entries {
		r := filterRule{cidr: e.Prefix.Masked().String(), op: v3.Equal, action: v3.Accept}
		if e.MaxLen != 0 {
			lo, hi := int32(e.Prefix.Bits()), int32(e.MaxLen)
			r.op, r.min, r.max = v3.In, &lo, &hi
		}
		rules = append(rules, rule(r))
	}
	return append(rules, rule(filterRule{action: v3.Reject}))
}
