package bird

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
)

// Protocol is one protocol of a running BIRD, from `show protocols all`.
type Protocol struct {
	// Name is the protocol name (Global_…, Node_…, kernel1, static1, …).
	Name string
	// Proto is BIRD's protocol type: BGP, Kernel, Device, Direct, Static.
	Proto string
	// Family is the daemon the protocol runs in (bird: IPv4, bird6: IPv6).
	Family addressing.Family
	// Neighbor and NeighborAS are the BGP peer's address and AS (BGP only).
	Neighbor   netip.Addr
	NeighborAS uint32
	// State is BIRD's protocol state: up, start, down, …
	State string
	// BGPState is the BGP session state: Idle, Connect, Active, OpenSent, OpenConfirm, Established.
	BGPState string
	// Established reports whether the BGP session is Established.
	Established bool
	// Since is BIRD's time of the last state change, as BIRD prints it.
	Since string
	// Info is BIRD's info column (for BGP the session state and, when down, the reason).
	Info string
	// LastError is BIRD's last error of the session, if any.
	LastError string
	// Imported and Exported count the routes the protocol imported into and exported from the
	// table.
	Imported, Exported int
}

// parseProtocols parses the reply to `show protocols all`.
func parseProtocols(lines []replyLine, f addressing.Family) []Protocol {
	var out []Protocol
	var cur *Protocol
	for _, l := range lines {
		switch l.code {
		case 1002: // name proto table state since info
			fields := strings.Fields(l.text)
			if len(fields) < 4 {
				continue
			}
			out = append(out, Protocol{Name: fields[0], Proto: fields[1], Family: f, State: fields[3]})
			cur = &out[len(out)-1]
			if len(fields) >= 5 {
				cur.Since = fields[4]
			}
			rest := fields[min(len(fields), 5):]
			// "since" may be a date and a time
			if len(rest) > 0 && strings.Count(rest[0], ":") == 2 && strings.Count(cur.Since, "-") == 2 {
				cur.Since += " " + rest[0]
				rest = rest[1:]
			}
			cur.Info = strings.Join(rest, " ")
		case 1006:
			if cur == nil {
				continue
			}
			key, val, ok := strings.Cut(strings.TrimSpace(l.text), ":")
			if !ok {
				continue
			}
			val = strings.TrimSpace(val)
			switch key {
			case "BGP state":
				cur.BGPState = val
				cur.Established = val == "Established"
			case "Neighbor address":
				if a, err := netip.ParseAddr(val); err == nil {
					cur.Neighbor = a
				}
			case "Neighbor AS":
				if n, err := strconv.ParseUint(val, 10, 32); err == nil {
					cur.NeighborAS = uint32(n)
				}
			case "Last error":
				cur.LastError = val
			case "Routes":
				// "2 imported, 1 exported, 0 preferred"
				for _, part := range strings.Split(val, ",") {
					fs := strings.Fields(part)
					if len(fs) != 2 {
						continue
					}
					n, err := strconv.Atoi(fs[0])
					if err != nil {
						continue
					}
					switch fs[1] {
					case "imported":
						cur.Imported = n
					case "exported":
						cur.Exported = n
					}
				}
			}
		}
	}
	return out
}

// Route is one route of a running BIRD's table, from `show route all`.
type Route struct {
	// Prefix is the destination.
	Prefix netip.Prefix
	// NextHops are the gateways (several for a multipath route); empty for blackhole,
	// unreachable and device routes.
	NextHops []netip.Addr
	// ASPath is the BGP AS path (BGP routes only).
	ASPath []uint32
	// From is the protocol the route came from (Global_…, static1, kernel1, …).
	From string
	// Type is how BIRD forwards: "via", "dev", "multipath", "blackhole", "unreachable" or
	// "prohibited".
	Type string
	// Reachable is false when the route cannot forward: BIRD shows it "unreachable" (also a BGP
	// route whose recursive next hop does not resolve) or marks that the kernel refused it ("!").
	Reachable bool
	// Best is BIRD's preferred route for the prefix ("*").
	Best bool
}

// parseRoutes parses the reply to `show route all`.
func parseRoutes(lines []replyLine) []Route {
	var out []Route
	var cur *Route
	var prefix netip.Prefix
	for _, l := range lines {
		switch l.code {
		case 1007:
			t := l.text
			if strings.HasPrefix(t, "\tvia ") || strings.HasPrefix(t, "\t") && cur != nil && cur.Type == "multipath" {
				// a next hop of a multipath route
				if cur != nil {
					fs := strings.Fields(t)
					if len(fs) >= 2 && fs[0] == "via" {
						if a, err := netip.ParseAddr(fs[1]); err == nil {
							cur.NextHops = append(cur.NextHops, a)
						}
					}
				}
				continue
			}
			if !strings.HasPrefix(t, " ") {
				fs := strings.Fields(t)
				if len(fs) == 0 {
					continue
				}
				p, err := netip.ParsePrefix(fs[0])
				if err != nil {
					continue
				}
				prefix = p
				t = strings.TrimPrefix(t, fs[0])
			}
			if !prefix.IsValid() {
				continue
			}
			out = append(out, parseRouteLine(prefix, strings.TrimSpace(t)))
			cur = &out[len(out)-1]
		case 1012:
			if cur == nil {
				continue
			}
			key, val, ok := strings.Cut(strings.TrimSpace(l.text), ":")
			if !ok {
				continue
			}
			if key == "BGP.as_path" {
				cur.ASPath = nil
				for _, f := range strings.Fields(val) {
					f = strings.Trim(f, "{}")
					if n, err := strconv.ParseUint(f, 10, 32); err == nil {
						cur.ASPath = append(cur.ASPath, uint32(n))
					}
				}
			}
		}
	}
	return out
}

// parseRouteLine parses what follows the prefix of a route line, e.g.
// "via 10.0.0.2 on eth0 [Global_10_0_0_2 12:00:00 from 10.0.0.2] * (100/0) [AS65002i]",
// "blackhole [static1 12:00:00] * (200)" or "unreachable [Global_x 12:00:00] * (100/-) [i]".
func parseRouteLine(p netip.Prefix, t string) Route {
	r := Route{Prefix: p, Reachable: true}
	fs := strings.Fields(t)
	if len(fs) == 0 {
		return r
	}
	switch fs[0] {
	case "via":
		r.Type = "via"
		if len(fs) > 1 {
			if a, err := netip.ParseAddr(fs[1]); err == nil {
				r.NextHops = append(r.NextHops, a)
			}
		}
	case "dev":
		r.Type = "dev"
	case "multipath":
		r.Type = "multipath"
	case "blackhole", "unreachable", "prohibited":
		r.Type = fs[0]
		r.Reachable = fs[0] != "unreachable"
	default:
		r.Type = fs[0]
	}
	if open := strings.IndexByte(t, '['); open >= 0 {
		if inner := strings.Fields(t[open+1:]); len(inner) > 0 {
			r.From = strings.TrimSuffix(inner[0], "]")
		}
		if cl := strings.IndexByte(t[open:], ']'); cl >= 0 {
			for _, f := range strings.Fields(t[open+cl+1:]) {
				switch f {
				case "*":
					r.Best = true
				case "!":
					r.Reachable = false
				}
			}
		}
	}
	return r
}
