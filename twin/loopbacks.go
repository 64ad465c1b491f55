package twin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// A leaf's loopback addresses are what its DME tree says: the addresses of its loopback
// interfaces (ipv4Addr and ipv6Addr under an ipv4If or ipv6If named lo…) sit on the namespace's
// lo, and an address the tree drops leaves lo at once — as on a switch, where a session sourced
// from a removed address ends with it.

// dmeLoopbacks lists the loopback interface addresses of a DME tree.
func dmeLoopbacks(tree *dme.Object) []netip.Prefix {
	var out []netip.Prefix
	var walk func(o *dme.Object, ifID string)
	walk = func(o *dme.Object, ifID string) {
		switch o.Class {
		case "ipv4If", "ipv6If":
			ifID = o.Get("id")
		case "ipv4Addr", "ipv6Addr":
			if strings.HasPrefix(ifID, "lo") {
				if p, err := netip.ParsePrefix(o.Get("addr")); err == nil {
					out = append(out, p)
				}
			}
		}
		for _, c := range o.Children {
			walk(c, ifID)
		}
	}
	walk(tree, "")
	slices.SortFunc(out, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	return slices.Compact(out)
}

// syncLoopbacks gives the namespace's lo exactly the loopback addresses of tree (besides the
// host's 127.0.0.1 and ::1).
func syncLoopbacks(ctx context.Context, netns string, tree *dme.Object) error {
	want := dmeLoopbacks(tree)
	raw, err := run(ctx, "", "ip", "-n", netns, "-j", "addr", "show", "dev", "lo")
	if err != nil {
		return err
	}
	var links []struct {
		AddrInfo []struct {
			Local     string `json:"local"`
			PrefixLen int    `json:"prefixlen"`
			Scope     string `json:"scope"`
		} `json:"addr_info"`
	}
	if err := json.Unmarshal(raw, &links); err != nil {
		return fmt.Errorf("twin: reading the loopback addresses of %s: %w", netns, err)
	}
	var have []netip.Prefix
	for _, l := range links {
		for _, a := range l.AddrInfo {
			if a.Scope == "host" {
				continue
			}
			if addr, err := netip.ParseAddr(a.Local); err == nil {
				have = append(have, netip.PrefixFrom(addr, a.PrefixLen))
			}
		}
	}
	var lines []string
	for _, p := range want {
		if !slices.Contains(have, p) {
			lines = append(lines, "addr add "+p.String()+" dev lo"+nodad(addressing.PrefixFamily(p)))
		}
	}
	for _, p := range have {
		if !slices.Contains(want, p) {
			lines = append(lines, "addr del "+p.String()+" dev lo")
		}
	}
	return ipBatch(ctx, netns, lines)
}

// hasSVI reports whether a DME tree configures an SVI (sviIf): a leaf forwards for its nodes
// only once its gateway interface is configured.
func hasSVI(tree *dme.Object) bool {
	if tree.Class == "sviIf" {
		return true
	}
	for _, c := range tree.Children {
		if hasSVI(c) {
			return true
		}
	}
	return false
}

// syncPorts brings the ports of the leaf's gateway bridge (its links to the nodes) up or down:
// up while the configuration has the gateway SVI, as a switch's ports to the servers forward
// only once configured. A node's link to an unconfigured leaf has no carrier, so the node sends
// nothing there.
func syncPorts(ctx context.Context, netns string, up bool) error {
	raw, err := run(ctx, "", "ip", "-n", netns, "-j", "link", "show", "master", gatewayBridge)
	if err != nil {
		return err
	}
	var links []struct {
		Name  string   `json:"ifname"`
		Flags []string `json:"flags"`
	}
	if err := json.Unmarshal(raw, &links); err != nil {
		return fmt.Errorf("twin: reading the ports of %s: %w", netns, err)
	}
	var lines []string
	for _, l := range links {
		if isUp := slices.Contains(l.Flags, "UP"); isUp != up {
			state := "down"
			if up {
				state = "up"
			}
			lines = append(lines, "link set "+l.Name+" "+state)
		}
	}
	return ipBatch(ctx, netns, lines)
}
