package twin

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/twin/bird"
)

// statusRefresh is how often a node rewrites an unchanged CalicoNodeStatus (calico-node's
// update period as nxcalico requests it).
const statusRefresh = calico.NodeStatusUpdatePeriod * time.Second

// Node is one Calico node of the lab: a namespace running bird and bird6 configured from the
// cluster the way calico-node configures them.
type Node struct {
	// Name is the node's name in the design and the cluster.
	Name string
	// NS is the node's namespace.
	NS *NodeNS

	mu         sync.Mutex
	daemons    *bird.Daemons
	configured string // the last configuration applied (v4 + v6 text), to detect changes
	reloads    int
	err        error // why the node is not configured as the cluster says, nil when it is
	status     v3.CalicoNodeBGPStatus
	written    time.Time
	stopped    bool
	paused     bool // a check runs its own BIRD in the namespace
}

// ns returns the node's namespace.
func (n *Node) ns() *NodeNS {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.NS
}

// Daemons returns the node's BIRD daemons, nil until the cluster holds a configuration they
// can run (a BGPConfiguration with the node-to-node mesh off).
func (n *Node) Daemons() *bird.Daemons {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.daemons
}

// Err returns why the node's BIRD does not run the configuration the cluster asks for, or nil.
func (n *Node) Err() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.err
}

// Reloads returns how many times the node's BIRD was started or reconfigured.
func (n *Node) Reloads() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.reloads
}

// Node returns the running node of that name, or nil.
func (l *Lab) Node(name string) *Node {
	l.shapeMu.RLock()
	defer l.shapeMu.RUnlock()
	return l.nodes[name]
}

// nodeList returns the lab's nodes, ordered by name.
func (l *Lab) nodeList() []*Node {
	l.shapeMu.RLock()
	defer l.shapeMu.RUnlock()
	return byName(l.nodes)
}

// startNodes starts the watcher that configures every node's BIRD from the cluster and reports
// its sessions in CalicoNodeStatus. Nodes start their daemons once the cluster has what they need.
func (l *Lab) startNodes(ctx, bg context.Context) error {
	for i := range l.Topology.Nodes {
		ns := &l.Topology.Nodes[i]
		l.nodes[ns.Name] = &Node{Name: ns.Name, NS: ns}
	}
	l.stops = append(l.stops, func(ctx context.Context) error {
		var errs []error
		for _, n := range l.nodeList() {
			errs = append(errs, n.stop(ctx))
		}
		return errors.Join(errs...)
	})
	// The first pass runs now, so that a cluster configured before Start is live when Start returns.
	_ = l.SyncNodes(ctx)
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
			select {
			case <-bg.Done():
				return
			case <-t.C:
			}
			if err := l.SyncNodes(bg); err != nil && bg.Err() == nil {
				l.log.DebugContext(bg, "twin: node sync", "err", err)
			}
		}
	}()
	return nil
}

// stop stops the node's BIRD for good; it can run twice.
func (n *Node) stop(ctx context.Context) error {
	n.mu.Lock()
	n.stopped = true
	d := n.daemons
	n.daemons = nil
	n.mu.Unlock()
	if d != nil {
		return d.Stop(ctx)
	}
	return nil
}

// clusterState is one reading of the cluster's Calico resources, Nodes and password Secrets.
type clusterState struct {
	res   bird.Resources
	nodes map[string]birdNodeInfo
}

type birdNodeInfo struct {
	labels      map[string]string
	annotations map[string]string
}

// readCluster reads everything a node's BIRD configuration depends on.
func (l *Lab) readCluster(ctx context.Context) (*clusterState, error) {
	api := l.opts.Calico.ProjectcalicoV3()
	st := &clusterState{nodes: map[string]birdNodeInfo{}, res: bird.Resources{Passwords: map[string]string{}}}
	cfg, err := api.BGPConfigurations().Get(ctx, calico.BGPConfigurationName, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return nil, fmt.Errorf("twin: reading BGPConfiguration: %w", err)
	default:
		st.res.Config = cfg
	}
	peers, err := api.BGPPeers().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("twin: listing BGPPeers: %w", err)
	}
	st.res.Peers = peers.Items
	filters, err := api.BGPFilters().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("twin: listing BGPFilters: %w", err)
	}
	st.res.Filters = filters.Items
	pools, err := api.IPPools().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("twin: listing IPPools: %w", err)
	}
	st.res.Pools = pools.Items
	nodes, err := l.opts.Kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("twin: listing Nodes: %w", err)
	}
	for _, n := range nodes.Items {
		st.nodes[n.Name] = birdNodeInfo{labels: n.Labels, annotations: n.Annotations}
	}
	// The password Secrets live in calico-node's namespace: the design's secret namespace.
	st.res.Namespace = bird.DefaultNamespace
	if ref := l.Intent().Cluster.PasswordSecret; ref != nil && ref.Namespace != "" {
		st.res.Namespace = ref.Namespace
	}
	for _, p := range st.res.Peers {
		if p.Spec.Password == nil || p.Spec.Password.SecretKeyRef == nil {
			continue
		}
		ref := p.Spec.Password.SecretKeyRef
		key := bird.PasswordKey(st.res.Namespace, ref.Name, ref.Key)
		if _, done := st.res.Passwords[key]; done {
			continue
		}
		sec, err := l.opts.Kube.CoreV1().Secrets(st.res.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("twin: BGPPeer %s: password secret %s/%s: %w", p.Name, st.res.Namespace, ref.Name, err)
		}
		v, ok := sec.Data[ref.Key]
		if !ok {
			return nil, fmt.Errorf("twin: BGPPeer %s: password secret %s/%s has no key %q", p.Name, st.res.Namespace, ref.Name, ref.Key)
		}
		st.res.Passwords[key] = string(v)
	}
	return st, nil
}

// birdNode is what calico-node on node n knows about itself: the addresses of its Calico
// annotations (the lab's addresses when the cluster has none yet, as address autodetection would
// find them), its labels and its blocks.
func (st *clusterState) birdNode(n *NodeNS) bird.Node {
	info := st.nodes[n.Name]
	bn := bird.Node{Name: n.Name, Labels: maps.Clone(info.labels), Blocks: slices.Clone(n.Blocks)}
	for _, f := range addressing.Families {
		a := n.Addr.Get(f)
		var subnet netip.Prefix
		key := node.IPv4AddressAnnotation
		if f == addressing.IPv6 {
			key = node.IPv6AddressAnnotation
		}
		if v, ok := info.annotations[key]; ok {
			if p, err := netip.ParsePrefix(v); err == nil {
				a, subnet = p.Addr(), p.Masked()
			}
		}
		if f == addressing.IPv4 {
			bn.IPv4, bn.IPv4Subnet = a, subnet
		} else {
			bn.IPv6, bn.IPv6Subnet = a, subnet
		}
	}
	return bn
}

// SyncNodes reads the cluster once, reconfigures every node whose BIRD configuration changed
// (starting its daemons the first time) and writes the CalicoNodeStatus of every node from its
// BIRD's sessions. The lab's watcher calls it every Options.WatchInterval; tests call it to act
// at once.
func (l *Lab) SyncNodes(ctx context.Context) error {
	st, err := l.readCluster(ctx)
	if err != nil {
		return err
	}
	nodes := l.nodeList()
	for _, n := range nodes {
		if _, ok := st.nodes[n.Name]; ok {
			st.res.Nodes = append(st.res.Nodes, st.birdNode(n.ns()))
		}
	}
	errs := make([]error, len(nodes))
	_ = parallel(ctx, len(nodes), 8, func(ctx context.Context, i int) error {
		errs[i] = nodes[i].sync(ctx, l, st)
		return nil
	})
	if err := l.reportStatus(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// sync brings one node's BIRD to the configuration the cluster asks for.
func (n *Node) sync(ctx context.Context, l *Lab, st *clusterState) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped || n.paused {
		return nil
	}
	if _, ok := st.nodes[n.Name]; !ok {
		// calico-node runs on a node only while the cluster has its Node.
		if n.daemons != nil {
			err := n.daemons.Stop(ctx)
			n.daemons, n.configured = nil, ""
			return err
		}
		return nil
	}
	v4, v6, err := bird.Generate(st.birdNode(n.NS), st.res)
	if err != nil {
		n.err = fmt.Errorf("twin: node %s: %w", n.Name, err)
		return n.err
	}
	text := v4.String() + "\x00" + v6.String()
	if text == n.configured && n.daemons != nil {
		n.err = nil
		return nil
	}
	if n.daemons == nil {
		d, err := bird.Start(ctx, bird.DaemonOptions{Netns: n.NS.Netns, Dir: l.Dir, Name: n.Name, Logger: l.log}, v4, v6)
		if err != nil {
			n.err = fmt.Errorf("twin: node %s: starting BIRD: %w", n.Name, err)
			return n.err
		}
		n.daemons = d
	} else if err := n.daemons.Configure(ctx, v4, v6); err != nil {
		n.err = fmt.Errorf("twin: node %s: reconfiguring BIRD: %w", n.Name, err)
		return n.err
	}
	n.configured, n.err = text, nil
	n.reloads++
	l.log.DebugContext(ctx, "twin: node configured", "node", n.Name, "reloads", n.reloads)
	return nil
}

// reportStatus fills every CalicoNodeStatus that names a node of the lab with the sessions of the
// node's BIRD, as calico-node does.
func (l *Lab) reportStatus(ctx context.Context) error {
	api := l.opts.Calico.ProjectcalicoV3().CalicoNodeStatuses()
	list, err := api.List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("twin: listing CalicoNodeStatus: %w", err)
	}
	var errs []error
	for i := range list.Items {
		cns := &list.Items[i]
		n := l.Node(cns.Spec.Node)
		if n == nil {
			continue
		}
		bgp, err := n.bgpStatus(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n.mu.Lock()
		fresh := time.Since(n.written) < statusRefresh && !cns.Status.LastUpdated.IsZero() && equalBGPStatus(cns.Status.BGP, bgp)
		n.mu.Unlock()
		if fresh {
			continue
		}
		cns.Status.BGP = bgp
		cns.Status.LastUpdated = metav1.NewTime(time.Now())
		if _, err := api.Update(ctx, cns, metav1.UpdateOptions{}); apierrors.IsConflict(err) {
			continue // changed meanwhile (Status applied it): written on the next pass
		} else if err != nil {
			errs = append(errs, fmt.Errorf("twin: updating CalicoNodeStatus %s: %w", cns.Name, err))
			continue
		}
		n.mu.Lock()
		n.status, n.written = bgp, time.Now()
		n.mu.Unlock()
	}
	return errors.Join(errs...)
}

// bgpStatus reads the node's BGP sessions from its BIRD daemons in calico-node's form.
func (n *Node) bgpStatus(ctx context.Context) (v3.CalicoNodeBGPStatus, error) {
	var out v3.CalicoNodeBGPStatus
	d := n.Daemons()
	if d == nil {
		return out, nil
	}
	protos, err := d.Protocols(ctx)
	if err != nil {
		return out, fmt.Errorf("twin: node %s: reading BIRD's protocols: %w", n.Name, err)
	}
	for _, p := range protos {
		typ, ok := peerType(p.Name)
		if !ok || !p.Neighbor.IsValid() {
			continue
		}
		peer := v3.CalicoNodePeer{PeerIP: p.Neighbor.String(), Type: typ, State: sessionState(p.BGPState), Since: p.Since}
		up := p.Established
		if p.Family == addressing.IPv6 {
			out.PeersV6 = append(out.PeersV6, peer)
			out.NumberEstablishedV6 += b2i(up)
			out.NumberNotEstablishedV6 += b2i(!up)
		} else {
			out.PeersV4 = append(out.PeersV4, peer)
			out.NumberEstablishedV4 += b2i(up)
			out.NumberNotEstablishedV4 += b2i(!up)
		}
	}
	return out, nil
}

// sessionState is BIRD's BGP state as CalicoNodeStatus spells it; a protocol that is down (no
// BGP state) is Idle, as calico-node reports it.
func sessionState(s string) v3.BGPSessionState {
	for _, st := range []v3.BGPSessionState{v3.BGPSessionStateIdle, v3.BGPSessionStateConnect, v3.BGPSessionStateActive,
		v3.BGPSessionStateOpenSent, v3.BGPSessionStateOpenConfirm, v3.BGPSessionStateEstablished, v3.BGPSessionStateClose} {
		if strings.EqualFold(s, string(st)) {
			return st
		}
	}
	return v3.BGPSessionStateIdle
}

// peerType is the CalicoNodeStatus type of a BIRD protocol calico-node names.
func peerType(name string) (v3.BGPPeerType, bool) {
	switch {
	case strings.HasPrefix(name, "Global_"):
		return v3.BGPPeerTypeGlobalPeer, true
	case strings.HasPrefix(name, "Node_"):
		return v3.BGPPeerTypeNodePeer, true
	case strings.HasPrefix(name, "Mesh_"):
		return v3.BGPPeerTypeNodeMesh, true
	}
	return "", false
}

func equalBGPStatus(a, b v3.CalicoNodeBGPStatus) bool {
	return a.NumberEstablishedV4 == b.NumberEstablishedV4 && a.NumberEstablishedV6 == b.NumberEstablishedV6 &&
		a.NumberNotEstablishedV4 == b.NumberNotEstablishedV4 && a.NumberNotEstablishedV6 == b.NumberNotEstablishedV6 &&
		slices.Equal(a.PeersV4, b.PeersV4) && slices.Equal(a.PeersV6, b.PeersV6)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
