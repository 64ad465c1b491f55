package twin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/nxos/dme"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
	"github.com/nxcalico/nxcalico/twin/frr"
)

// User is the NX-API user name every leaf of a lab accepts; the password is random per lab
// (Lab.Credentials).
const User = "admin"

// Leaf is one leaf of the lab: an NX-API REST front (the nxostest simulator) whose every accepted
// change is translated into FRR configuration and applied to the leaf's running FRR, and whose
// BGP session state comes from that FRR.
type Leaf struct {
	// Name is the leaf's name in the design.
	Name string
	// NS is the leaf's namespace.
	NS *LeafNS
	// Front is the leaf's NX-API REST endpoint.
	Front *nxostest.Server

	daemons *frr.Daemons
	fabric  frr.Options

	// applyMu makes the applies of one leaf (a commit, new fabric peers) one at a time, each
	// from the front's current tree.
	applyMu sync.Mutex

	mu        sync.Mutex
	neighbors map[netip.Addr]frr.Neighbor // the last reading of FRR's sessions
	applied   int                         // configurations applied
	applyErr  error                       // the last translation or apply failure, nil after a success
	unmapped  []string
	stopped   bool
	portsUp   bool // the configuration has the gateway SVI: the ports to the nodes are up
}

// configured reports whether the leaf's configuration has its gateway SVI (its ports forward).
func (lf *Leaf) configured() bool {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	return lf.portsUp
}

// dir is the leaf's FRR runtime directory (frr.Start creates it, Stop removes it).
func (lf *Leaf) dir(l *Lab) string { return filepath.Join(l.Dir, "frr-"+lf.NS.Netns) }

// Daemons returns the leaf's FRR daemons.
func (lf *Leaf) Daemons() *frr.Daemons {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	return lf.daemons
}

// Err returns why the leaf's FRR does not run the leaf's current configuration, or nil.
func (lf *Leaf) Err() error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	return lf.applyErr
}

// Unmapped lists what the last translation could not carry into FRR, said plainly.
func (lf *Leaf) Unmapped() []string {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	return append([]string(nil), lf.unmapped...)
}

// Applied returns how many configurations were applied to the leaf's FRR.
func (lf *Leaf) Applied() int {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	return lf.applied
}

// Leaf returns the running leaf of that name, or nil.
func (l *Lab) Leaf(name string) *Leaf {
	l.shapeMu.RLock()
	defer l.shapeMu.RUnlock()
	return l.leaves[name]
}

// Credentials returns the NX-API credentials of the lab's leaves.
func (l *Lab) Credentials() nxos.Credentials {
	return nxos.Credentials{Username: User, Password: l.password}
}

// Switches returns one NX-API client per leaf, verifying each front's certificate, for
// nxcalico.Syncer.Switches.
func (l *Lab) Switches() (map[string]*nxos.Client, error) {
	out := map[string]*nxos.Client{}
	for _, lf := range l.leafList() {
		name := lf.Name
		c, err := nxos.NewClient(nxos.Options{
			URL:         lf.Front.URL(),
			Credentials: l.Credentials(),
			RootCAs:     lf.Front.CertPool(),
			Timeout:     30 * time.Second,
		})
		if err != nil {
			return nil, fmt.Errorf("twin: NX-API client for %s: %w", name, err)
		}
		out[name] = c
	}
	return out, nil
}

// startLeaves starts every leaf's FRR and its NX-API front, and the loop reading their sessions.
func (l *Lab) startLeaves(ctx, bg context.Context) error {
	var b [18]byte
	_, _ = rand.Read(b[:])
	l.password = design.NewSecret(hex.EncodeToString(b[:]))
	topo := l.Topology
	for i := range topo.Leaves {
		l.leaves[topo.Leaves[i].Name] = l.newLeaf(&topo.Leaves[i], topo.Leaves)
	}
	l.stops = append(l.stops, func(ctx context.Context) error {
		var errs []error
		for _, lf := range l.leafList() {
			errs = append(errs, lf.stop(ctx))
		}
		return errors.Join(errs...)
	})
	leaves := l.leafList()
	err := parallel(ctx, len(leaves), 4, func(ctx context.Context, i int) error {
		return l.runLeaf(ctx, bg, leaves[i])
	})
	if err != nil {
		return err
	}
	interval := l.opts.WatchInterval
	if interval == 0 {
		interval = DefaultWatchInterval
	}
	l.bg.Add(1)
	go func() {
		defer l.bg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			leaves := l.leafList()
			_ = parallel(bg, len(leaves), 4, func(ctx context.Context, i int) error {
				return leaves[i].refresh(ctx)
			})
			select {
			case <-bg.Done():
				return
			case <-t.C:
			}
		}
	}()
	return nil
}

// leafList returns the lab's leaves, ordered by name.
func (l *Lab) leafList() []*Leaf {
	l.shapeMu.RLock()
	defer l.shapeMu.RUnlock()
	return byName(l.leaves)
}

// byName returns the values of m ordered by key.
func byName[T any](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, name := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[name])
	}
	return out
}

// newLeaf is the leaf of namespace ns, whose fabric peers are the other leaves of all.
func (l *Lab) newLeaf(ns *LeafNS, all []LeafNS) *Leaf {
	lf := &Leaf{Name: ns.Name, NS: ns, neighbors: map[netip.Addr]frr.Neighbor{}}
	lf.fabric = frr.Options{Hostname: ns.Name, FabricLocal: ns.Fabric.IPv4}
	for _, o := range all {
		if o.Name != ns.Name {
			lf.fabric.FabricPeers = append(lf.fabric.FabricPeers, o.Fabric.IPv4)
		}
	}
	return lf
}

// runLeaf starts the leaf's FRR and its NX-API front; its changes reach FRR through bg.
func (l *Lab) runLeaf(ctx, bg context.Context, lf *Leaf) error {
	d, err := frr.Start(ctx, frr.DaemonOptions{Netns: lf.NS.Netns, Dir: lf.dir(l), Name: lf.Name, Logger: l.log})
	if err != nil {
		return fmt.Errorf("twin: leaf %s: starting FRR: %w", lf.Name, err)
	}
	lf.mu.Lock()
	lf.daemons = d
	lf.mu.Unlock()
	front := nxostest.NewTLSServer(nxostest.WithHostname(lf.Name), nxostest.WithCredentials(User, l.password.Reveal()), nxostest.WithLogger(l.log))
	// The front's first configuration (an empty switch) goes to FRR before anyone can post.
	lf.apply(ctx, l, front.Dump())
	front.SetCommitHook(func(tree *dme.Object) { lf.apply(bg, l, tree) })
	front.SetPeerStateFunc(lf.peerState)
	lf.mu.Lock()
	lf.Front = front
	lf.mu.Unlock()
	return nil
}

// stop closes the leaf's NX-API front and stops its FRR; it can run twice.
func (lf *Leaf) stop(ctx context.Context) error {
	lf.mu.Lock()
	lf.stopped = true
	front := lf.Front
	lf.mu.Unlock()
	if front != nil {
		front.Close()
	}
	if d := lf.Daemons(); d != nil {
		return d.Stop(ctx)
	}
	return nil
}

// setFabricPeers gives the leaf other fabric peers and applies its configuration again.
func (lf *Leaf) setFabricPeers(ctx context.Context, l *Lab, peers []netip.Addr) {
	lf.mu.Lock()
	lf.fabric.FabricPeers = peers
	front := lf.Front
	lf.mu.Unlock()
	if front != nil {
		lf.apply(ctx, l, front.Dump())
	}
}

// apply translates the leaf's DME tree and applies it to its FRR; failures are kept (Err) and
// logged, never sent back to the NX-API client: the switch took the configuration.
func (lf *Leaf) apply(ctx context.Context, l *Lab, tree *dme.Object) {
	lf.applyMu.Lock()
	defer lf.applyMu.Unlock()
	lf.mu.Lock()
	stopped := lf.stopped
	lf.mu.Unlock()
	if stopped {
		return
	}
	lf.mu.Lock()
	opts := lf.fabric
	lf.mu.Unlock()
	cfg, err := frr.Translate(tree, opts)
	if err == nil {
		// The loopback addresses first: sessions sourced from a removed one end with it.
		err = syncLoopbacks(ctx, lf.NS.Netns, tree)
	}
	if err == nil {
		err = lf.Daemons().Apply(ctx, cfg)
	}
	// The ports last: a switch forwards for its nodes once its configuration is in effect.
	configured := hasSVI(tree)
	if err == nil {
		err = syncPorts(ctx, lf.NS.Netns, configured)
	}
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if err != nil {
		lf.applyErr = fmt.Errorf("twin: leaf %s: %w", lf.Name, err)
		l.log.WarnContext(ctx, "twin: leaf configuration not applied", "leaf", lf.Name, "err", err)
		return
	}
	lf.applyErr = nil
	lf.applied++
	lf.portsUp = configured
	lf.unmapped = cfg.Unmapped()
}

// refresh reads FRR's sessions into the cache the NX-API front answers from.
func (lf *Leaf) refresh(ctx context.Context) error {
	lf.mu.Lock()
	stopped := lf.stopped
	lf.mu.Unlock()
	d := lf.Daemons()
	if stopped || d == nil {
		return nil
	}
	ns, err := d.Neighbors(ctx)
	m := map[netip.Addr]frr.Neighbor{}
	for _, n := range ns {
		m[n.Addr.Unmap()] = n
	}
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if err != nil {
		// A stopped FRR has no sessions.
		lf.neighbors = map[netip.Addr]frr.Neighbor{}
		return err
	}
	lf.neighbors = m
	return nil
}

// peerState answers the NX-API front's bgpPeerEntry state from FRR's sessions.
func (lf *Leaf) peerState(vrf, addr string) (string, bool) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return "", false
	}
	lf.mu.Lock()
	defer lf.mu.Unlock()
	n, ok := lf.neighbors[a.Unmap()]
	if !ok {
		return "idle", true
	}
	return nxosState(n), true
}

// nxosState is FRR's session state in NX-OS's spelling (bgpPeerEntry.operSt).
func nxosState(n frr.Neighbor) string {
	if n.Established {
		return nxostest.Established
	}
	s := strings.ToLower(n.State)
	if i := strings.IndexAny(s, " ("); i > 0 {
		s = s[:i]
	}
	if s == "" {
		return "idle"
	}
	return s
}

// Sessions returns the leaf's BGP sessions as FRR last reported them, by neighbor address.
func (lf *Leaf) Sessions() map[netip.Addr]frr.Neighbor {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	out := make(map[netip.Addr]frr.Neighbor, len(lf.neighbors))
	for k, v := range lf.neighbors {
		out[k] = v
	}
	return out
}

type frrNeighbor = frr.Neighbor

// vtysh runs one command against the leaf's FRR (the twin's checks clear sessions with it).
func (lf *Leaf) vtysh(ctx context.Context, l *Lab, cmd string) error {
	d := lf.dir(l)
	_, err := run(ctx, "", "vtysh", "--config_dir", d, "--vty_socket", d, "-c", cmd)
	return err
}
