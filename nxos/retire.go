package nxos

import (
	"errors"
	"fmt"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// RetireConfig is the configuration of a leaf that has left the design. Planned and applied like
// any LeafConfig, it deletes what the design owns on the leaf for the node sessions — the
// neighbors in the VRF that inherit one of the design's templates, the templates, route-maps and
// prefix-lists the design names, and the VRF's export map when it names the design's coloring
// route-map — and nothing else. The loopback, the SVI, the VRF with its route-target imports and
// network statements stay (they may serve more than the nodes), and features are never disabled.
//
// fabric is the design's Intent.Fabric: its VRF and the names it owns. It does not depend on
// the leaves left in the design, so the last leaves can be retired too.
func RetireConfig(leaf string, fabric design.FabricIntent) (*LeafConfig, error) {
	vrf, names := fabric.VRF, fabric.Names
	switch {
	case leaf == "":
		return nil, errors.New("nxos: RetireConfig: empty leaf name")
	case vrf == "" || vrf == "default":
		return nil, fmt.Errorf("nxos: RetireConfig %s: the tenant VRF is required (got %q)", leaf, vrf)
	case len(names.Templates) == 0:
		return nil, fmt.Errorf("nxos: RetireConfig %s: the design's names are required", leaf)
	}
	// Only the VRF and its BGP domain are named, so that the neighbors and the export map in
	// them are recognised as the design's; every object named here exists on a leaf that
	// carried the design.
	sys := dme.New("topSystem").Add(
		dme.New("l3Inst", "name", vrf),
		dme.New("bgpEntity").Add(
			dme.New("bgpInst").Add(
				dme.New("bgpDom", "name", vrf))))
	return &LeafConfig{Leaf: leaf, Config: sys, Names: names.Clone()}, nil
}
