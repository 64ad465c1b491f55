package frr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/nxcalico/nxcalico/addressing"
)

// Apply makes the running daemons' configuration c without restarting them: it writes c to
// frr.conf (0600) and runs FRR's own frr-reload.py, which compares the running configuration
// with the file and sends only the difference through vtysh. Sessions whose configuration did
// not change stay up; a changed session setting (password, update-source, remote-as) resets that
// session only, as on FRR itself. Calls are serialised.
func (d *Daemons) Apply(ctx context.Context, c *Config) error {
	if c == nil {
		return errors.New("twin/frr: Apply: nil config")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return errors.New("twin/frr: Apply: daemons are stopped")
	}
	for _, s := range c.secrets {
		if !slices.Contains(d.secrets, s) {
			d.secrets = append(d.secrets, s)
		}
	}
	if err := d.writeConf([]byte(c.String())); err != nil {
		return err
	}
	start := time.Now()
	// umask 077: frr-reload.py writes the difference (passwords included) to a temporary file in
	// --rundir before removing it.
	cmd := exec.CommandContext(ctx, "sh", "-c", `umask 077 && exec "$0" "$@"`, "python3", reloadBin,
		"--reload", "--stdout", "--log-level", "error",
		"--bindir", "/usr/bin", "--confdir", d.o.Dir, "--rundir", d.o.Dir, "--vty_socket", d.o.Dir,
		d.path("frr.conf"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("twin/frr: %s: Apply: frr-reload.py: %w: %s", d.o.Name, err, redact(strings.TrimSpace(string(out)), d.secrets))
	}
	d.log.Info("frr configuration applied", "instance", d.o.Name, "took", time.Since(start))
	return nil
}

// vtysh runs show commands against the daemons and returns their output.
func (d *Daemons) vtysh(ctx context.Context, cmds ...string) ([]byte, error) {
	d.mu.Lock()
	stopped := d.stopped
	d.mu.Unlock()
	if stopped {
		return nil, errors.New("twin/frr: daemons are stopped")
	}
	args := []string{"--config_dir", d.o.Dir, "--vty_socket", d.o.Dir}
	for _, c := range cmds {
		args = append(args, "-c", c)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, vtyshBin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("twin/frr: %s: vtysh %q: %w: %s", d.o.Name, cmds[0], err, redact(strings.TrimSpace(stderr.String()), d.secrets))
	}
	return out, nil
}

// Neighbor is the state of one BGP neighbor as bgpd reports it.
type Neighbor struct {
	Addr     netip.Addr
	RemoteAS uint32
	// State is FRR's BGP state: Idle, Connect, Active, OpenSent, OpenConfirm, Established.
	State       string
	Established bool
	// PrefixesReceived is the number of prefixes accepted from the neighbor, all families.
	PrefixesReceived int
	// PeerGroup is the neighbor's peer-group (the NX-OS template it inherits), "" for none.
	PeerGroup string
	// Uptime is how long the session has been Established (0 when it is not).
	Uptime time.Duration
	// EstablishedCount and DroppedCount count the session's transitions to Established and its
	// drops since bgpd started: an unchanged EstablishedCount proves a session was not reset.
	EstablishedCount, DroppedCount int
	// LastReset is FRR's reason for the last reset, "" when there was none.
	LastReset string
	// LastNotification is the last NOTIFICATION sent or received, as FRR names it ("Cease/Maximum
	// Number of Prefixes Reached"), and LastErrorCode its code and subcode as four hex digits
	// ("0601"); both "" when there was none.
	LastNotification, LastErrorCode string
}

// MaximumPrefixCode is the NOTIFICATION code and subcode (Cease, Maximum Number of Prefixes
// Reached) a session torn down by maximum-prefix ends with, as Neighbor.LastErrorCode shows it.
const MaximumPrefixCode = "0601"

// Neighbors returns every configured neighbor (show bgp neighbors json), sorted by address.
func (d *Daemons) Neighbors(ctx context.Context) ([]Neighbor, error) {
	out, err := d.vtysh(ctx, "show bgp neighbors json")
	if err != nil {
		return nil, err
	}
	return parseNeighbors(out)
}

// parseNeighbors reads "show bgp neighbors json".
func parseNeighbors(b []byte) ([]Neighbor, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("twin/frr: show bgp neighbors json: %w", err)
	}
	var out []Neighbor
	for k, v := range raw {
		a, err := netip.ParseAddr(k)
		if err != nil {
			continue // not a neighbor entry
		}
		var n struct {
			RemoteAS   uint32 `json:"remoteAs"`
			State      string `json:"bgpState"`
			PeerGroup  string `json:"peerGroup"`
			UpMsec     int64  `json:"bgpTimerUpMsec"`
			Est        int    `json:"connectionsEstablished"`
			Drop       int    `json:"connectionsDropped"`
			LastReset  string `json:"lastResetDueTo"`
			LastNotif  string `json:"lastNotificationReason"`
			LastCode   string `json:"lastErrorCodeSubcode"`
			AddrFamily map[string]struct {
				Accepted int `json:"acceptedPrefixCounter"`
			} `json:"addressFamilyInfo"`
		}
		if err := json.Unmarshal(v, &n); err != nil {
			return nil, fmt.Errorf("twin/frr: show bgp neighbors json: neighbor %s: %w", k, err)
		}
		nb := Neighbor{Addr: a.Unmap(), RemoteAS: n.RemoteAS, State: n.State, Established: n.State == "Established",
			PeerGroup: n.PeerGroup, EstablishedCount: n.Est, DroppedCount: n.Drop, LastReset: n.LastReset,
			LastNotification: n.LastNotif, LastErrorCode: n.LastCode}
		if nb.Established {
			nb.Uptime = time.Duration(n.UpMsec) * time.Millisecond
		}
		for _, af := range n.AddrFamily {
			nb.PrefixesReceived += af.Accepted
		}
		out = append(out, nb)
	}
	slices.SortFunc(out, func(x, y Neighbor) int { return x.Addr.Compare(y.Addr) })
	return out, nil
}

// Route is one path of bgpd's BGP table.
type Route struct {
	Prefix   netip.Prefix
	NextHops []netip.Addr
	// ASPath lists the AS numbers of the path in order (sets flattened); empty for a local route.
	ASPath []uint32
	// ExtCommunities are FRR's forms of the extended communities, e.g. "RT:2101:2102".
	ExtCommunities []string
	// Best marks the best path of the prefix.
	Best bool
	// Peer is the neighbor the path came from; unset for a locally originated path.
	Peer netip.Addr
}

// routeBatch is how many prefixes one vtysh call details.
const routeBatch = 100

// Routes returns every path of the BGP table of family f (show bgp ipv4|ipv6 unicast json, then
// each prefix in detail for its extended communities), sorted by prefix, best path first.
func (d *Daemons) Routes(ctx context.Context, f addressing.Family) ([]Route, error) {
	if !f.IsValid() {
		return nil, fmt.Errorf("twin/frr: Routes: invalid family %v", f)
	}
	af := "ipv4"
	if f == addressing.IPv6 {
		af = "ipv6"
	}
	out, err := d.vtysh(ctx, "show bgp "+af+" unicast json")
	if err != nil {
		return nil, err
	}
	var table struct {
		Routes map[string]json.RawMessage `json:"routes"`
	}
	if err := json.Unmarshal(out, &table); err != nil {
		return nil, fmt.Errorf("twin/frr: show bgp %s unicast json: %w", af, err)
	}
	prefixes := make([]netip.Prefix, 0, len(table.Routes))
	for k := range table.Routes {
		p, err := netip.ParsePrefix(k)
		if err != nil {
			return nil, fmt.Errorf("twin/frr: show bgp %s unicast json: route %q: %w", af, k, err)
		}
		prefixes = append(prefixes, p)
	}
	slices.SortFunc(prefixes, comparePrefix)
	var routes []Route
	for i := 0; i < len(prefixes); i += routeBatch {
		batch := prefixes[i:min(i+routeBatch, len(prefixes))]
		cmds := make([]string, len(batch))
		for j, p := range batch {
			cmds[j] = "show bgp " + af + " unicast " + p.String() + " json"
		}
		out, err := d.vtysh(ctx, cmds...)
		if err != nil {
			return nil, err
		}
		rs, err := parseRouteDetails(out)
		if err != nil {
			return nil, err
		}
		routes = append(routes, rs...)
	}
	return routes, nil
}

// parseRouteDetails reads a stream of "show bgp <af> unicast <prefix> json" answers.
func parseRouteDetails(b []byte) ([]Route, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var out []Route
	for {
		var detail struct {
			Prefix string `json:"prefix"`
			Paths  []struct {
				ASPath struct {
					Segments []struct {
						List []uint32 `json:"list"`
					} `json:"segments"`
				} `json:"aspath"`
				Ext struct {
					String string `json:"string"`
				} `json:"extendedCommunity"`
				Best struct {
					Overall bool `json:"overall"`
				} `json:"bestpath"`
				NextHops []struct {
					IP string `json:"ip"`
				} `json:"nexthops"`
				Peer struct {
					PeerID string `json:"peerId"`
				} `json:"peer"`
			} `json:"paths"`
		}
		err := dec.Decode(&detail)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("twin/frr: show bgp … json (route detail): %w", err)
		}
		if detail.Prefix == "" {
			continue // the prefix left the table between the two calls
		}
		p, err := netip.ParsePrefix(detail.Prefix)
		if err != nil {
			return nil, fmt.Errorf("twin/frr: route detail: prefix %q: %w", detail.Prefix, err)
		}
		var rs []Route
		for _, path := range detail.Paths {
			r := Route{Prefix: p, Best: path.Best.Overall}
			for _, s := range path.ASPath.Segments {
				r.ASPath = append(r.ASPath, s.List...)
			}
			r.ExtCommunities = strings.Fields(path.Ext.String)
			for _, nh := range path.NextHops {
				if a, err := netip.ParseAddr(nh.IP); err == nil {
					r.NextHops = append(r.NextHops, a)
				}
			}
			if a, err := netip.ParseAddr(path.Peer.PeerID); err == nil && !a.IsUnspecified() {
				r.Peer = a
			}
			rs = append(rs, r)
		}
		slices.SortStableFunc(rs, func(x, y Route) int { return -cmpBool(x.Best, y.Best) })
		out = append(out, rs...)
	}
	return out, nil
}

func cmpBool(a, b bool) int { return btoi(a) - btoi(b) }
