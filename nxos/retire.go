package nxos

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// retirement is what a retiring leaf gives up besides what the design's names cover; see
// RetireConfig.
type retirement struct {
	svi          string   // the gateway SVI's interface id ("vlan3001")
	loopbacks    []string // loopback ids named by RetireLoopback ("lo1002")
	defaultRoute bool     // the design announced the default route (RetireDefaultRoute)
}

// RetireOption adds to what RetireConfig removes.
type RetireOption func(*retirement)

// RetireLoopback names the leaf's peering loopback (interface loopback<id>) for the case that
// the design's templates, from whose update-source RetireConfig learns it, are no longer on the
// switch (a leaf retired by an earlier release, say). It is still removed only when it is a
// member of the design's VRF and nothing the design does not own peers from it.
func RetireLoopback(id int) RetireOption {
	return func(r *retirement) { r.loopbacks = append(r.loopbacks, "lo"+strconv.Itoa(id)) }
}

// RetireDefaultRoute removes the default-route network statements (network 0.0.0.0/0 and ::/0
// without a route-map) in the design's VRF: give it when the design announced the default route
// to the nodes (peering.advertiseDefaultRoute). Without it they stay, since the fabric may
// announce the default route itself.
func RetireDefaultRoute() RetireOption { return func(r *retirement) { r.defaultRoute = true } }

// RetireConfig is the configuration of a leaf that has left the design. Planned and applied like
// any LeafConfig (after Calico stopped peering with the leaf), it deletes everything the design
// put on the leaf for the node sessions, and nothing else:
//
//   - the neighbors in the VRF that inherit one of the design's templates, and the templates,
//     route-maps and prefix-lists the design names;
//   - the VRF's export map when it names one of the design's route-maps, and the VRF's
//     "route-target import <color> evpn" of a color one of the design's route-maps sets;
//   - the peering loopback — the interface the design's templates use as update-source, or one
//     RetireLoopback names — with its addresses in the VRF, when it is a member of the VRF and
//     nothing the design does not own (a foreign template or neighbor) peers from it;
//   - the anycast-gateway SVI of the fabric's gateway VLAN (fabric.Gateway.VLAN), when it is a
//     member of the VRF, with its addresses, "no ip/ipv6 redirects" and "fabric forwarding mode
//     anycast-gateway";
//   - the network statements in the VRF that announce an address of that loopback or name one of
//     the design's route-maps, and with RetireDefaultRoute the default-route ones.
//
// Another loopback, another VLAN's SVI, a route target of another color and a network the design
// did not add stay. The VRF itself, its BGP address families (maximum-paths), graceful restart
// and interface nve1 stay: they are the fabric's as much as the design's. Features are never
// disabled: on a VXLAN EVPN leaf the fabric itself needs bgp, interface-vlan, nv overlay and
// fabric forwarding (its EVPN sessions, nve1, the VRF's own SVI), and disabling a feature on
// NX-OS removes all of that feature's configuration at once, which no plan could show; the plan
// reads only the classes it may change, so it cannot prove a feature unused either.
//
// fabric is the design's Intent.Fabric: its VRF, gateway VLAN and the names it owns. It does not
// depend on the leaves left in the design, so the last leaves can be retired too.
func RetireConfig(leaf string, fabric design.FabricIntent, opts ...RetireOption) (*LeafConfig, error) {
	vrf, names := fabric.VRF, fabric.Names
	switch {
	case leaf == "":
		return nil, errors.New("nxos: RetireConfig: empty leaf name")
	case vrf == "" || vrf == "default":
		return nil, fmt.Errorf("nxos: RetireConfig %s: the tenant VRF is required (got %q)", leaf, vrf)
	case len(names.Templates) == 0:
		return nil, fmt.Errorf("nxos: RetireConfig %s: the design's names are required", leaf)
	case !fabric.Gateway.VLAN.Valid():
		return nil, fmt.Errorf("nxos: RetireConfig %s: Gateway.VLAN: invalid VLAN %s", leaf, fabric.Gateway.VLAN)
	}
	r := &retirement{svi: fabric.Gateway.VLAN.Interface()}
	for _, o := range opts {
		o(r)
	}
	for _, id := range r.loopbacks {
		if n, err := strconv.Atoi(id[2:]); err != nil || n < 0 || n > 1023 {
			return nil, fmt.Errorf("nxos: RetireConfig %s: RetireLoopback: %s is outside 0–1023", leaf, id[2:])
		}
	}
	// Only the VRF and its BGP domain are named, so that the neighbors, the export map and the
	// interfaces' VRF membership are recognised as the design's; every object named here exists
	// on a leaf that carried the design.
	sys := dme.New("topSystem").Add(
		dme.New("l3Inst", "name", vrf),
		dme.New("bgpEntity").Add(
			dme.New("bgpInst").Add(
				dme.New("bgpDom", "name", vrf))))
	return &LeafConfig{Leaf: leaf, Config: sys, Names: names.Clone(), retire: r}, nil
}

// Retiring reports whether c is a RetireConfig.
func (c *LeafConfig) Retiring() bool { return c != nil && c.retire != nil }

// retireClasses are the classes a retiring leaf's plan reads besides its names' (ScopeOf).
var retireClasses = []string{"l3LbRtdIf", "sviIf", "nwRtVrfMbr", "icmpv4If", "icmpv6If", "hmmFwdIf"}

// lifecycleClasses are the classes every design plan reads so that addresses, network statements
// and color imports the design no longer wants can be pruned.
var lifecycleClasses = []string{"ipv4If", "ipv4Addr", "ipv6If", "ipv6Addr", "bgpAdvPrefix", "rtctrlRttEntry", "rtextcomItem"}
