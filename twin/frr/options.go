package frr

import (
	"fmt"
	"net/netip"
	"slices"
)

// Options holds what Translate needs besides the DME tree.
type Options struct {
	// Hostname is the FRR hostname; empty means the topSystem "name" of the tree, else "leaf".
	Hostname string
	// FabricLocal is the leaf's own address on the twin's fabric (the iBGP sessions in the leaf's
	// AS that stand in for the EVPN fabric); it is the update-source of the fabric sessions.
	// Required when FabricPeers is not empty.
	FabricLocal netip.Addr
	// FabricPeers are the fabric addresses of the other leaves, all of FabricLocal's family. Each
	// session carries both unicast families. Routes sent to fabric peers carry the VRF's export
	// route targets (plus what the VRF export map sets, e.g. a coloring route target); routes
	// received are accepted only when one of their route-target extended communities is in the
	// VRF's import list.
	FabricPeers []netip.Addr
}

// check validates the options, naming the field and the value.
func (o Options) check() error {
	if len(o.FabricPeers) == 0 {
		if o.FabricLocal.IsValid() && o.FabricLocal.IsUnspecified() {
			return fmt.Errorf("frr: Options.FabricLocal: %s is unspecified", o.FabricLocal)
		}
		return nil
	}
	if !o.FabricLocal.IsValid() || o.FabricLocal.IsUnspecified() || o.FabricLocal.Zone() != "" {
		return fmt.Errorf("frr: Options.FabricLocal: %q is not a usable address, and FabricPeers has %d peers", o.FabricLocal, len(o.FabricPeers))
	}
	local := o.FabricLocal.Unmap()
	seen := make([]netip.Addr, 0, len(o.FabricPeers))
	for i, p := range o.FabricPeers {
		p = p.Unmap()
		switch {
		case !p.IsValid() || p.IsUnspecified() || p.Zone() != "":
			return fmt.Errorf("frr: Options.FabricPeers[%d]: %q is not a usable address", i, p)
		case p.Is4() != local.Is4():
			return fmt.Errorf("frr: Options.FabricPeers[%d]: %s is not of the family of FabricLocal %s", i, p, local)
		case p == local:
			return fmt.Errorf("frr: Options.FabricPeers[%d]: %s is FabricLocal itself", i, p)
		case slices.Contains(seen, p):
			return fmt.Errorf("frr: Options.FabricPeers[%d]: %s is listed twice", i, p)
		}
		seen = append(seen, p)
	}
	return nil
}
