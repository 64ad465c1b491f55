// Package nodesim stands in for calico-node on simulated clusters: it reports, in each node's
// CalicoNodeStatus, the BGP sessions calico-node would have — one per BGPPeer that selects the
// node — in the state the simulated leaf shows for that node's neighbor. Demos and end-to-end tests
// use it with nxos/nxostest and kit/calicotest so that verification reads real objects from
// both sides; it is not a BGP speaker.
package nodesim

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// Leaf is one simulated leaf: its pair, its tenant VRF and its simulator.
type Leaf struct {
	Name string
	Pair string
	VRF  string
	ASN  string
	Sim  *nxostest.Server
	// Loopbacks are the leaf's peering loopback addresses.
	Loopbacks []netip.Addr
}

// Reporter writes the simulated status of every node that has a CalicoNodeStatus.
type Reporter struct {
	Calico clientset.Interface  // projectcalico.org/v3
	Core   kubernetes.Interface // Nodes, for their labels
	Leaves []Leaf
	// Now stamps the reports; nil means time.Now.
	Now func() time.Time
}

// selectorRE matches the selectors nxcalico renders: `<label> == '<value>'`.
var selectorRE = regexp.MustCompile(`^\s*([A-Za-z0-9./_-]+)\s*==\s*'([^']*)'\s*$`)

// Report fills the status of every CalicoNodeStatus on the server (calico.Client.Status creates
// them). A node's peers are the BGPPeers whose nodeSelector is empty, "all()", or
// `label == 'value'` matching the node's labels; a peer is Established when a leaf of the node's
// pair owns the peer address, has the peer's AS, and shows the node's neighbor established.
func (r *Reporter) Report(ctx context.Context) error {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	statuses, err := r.Calico.ProjectcalicoV3().CalicoNodeStatuses().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("nodesim: listing CalicoNodeStatus: %w", err)
	}
	peers, err := r.Calico.ProjectcalicoV3().BGPPeers().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("nodesim: listing BGPPeers: %w", err)
	}
	var errs []error
	for i := range statuses.Items {
		st := &statuses.Items[i]
		kn, err := r.Core.CoreV1().Nodes().Get(ctx, st.Spec.Node, metav1.GetOptions{})
		if err != nil {
			errs = append(errs, fmt.Errorf("nodesim: node %s: %w", st.Spec.Node, err))
			continue
		}
		bgp := v3.CalicoNodeBGPStatus{}
		for _, p := range peers.Items {
			if !selects(p.Spec.NodeSelector, kn.Labels) {
				continue
			}
			addr, err := netip.ParseAddr(p.Spec.PeerIP)
			if err != nil {
				continue
			}
			peer := v3.CalicoNodePeer{PeerIP: addr.String(), Type: v3.BGPPeerTypeGlobalPeer, State: v3.BGPSessionStateActive, Since: now().UTC().Format("15:04:05")}
			if p.Spec.NodeSelector != "" {
				peer.Type = v3.BGPPeerTypeNodePeer
			}
			if r.established(kn.Labels[node.LeafPairLabel], addr, p.Spec.ASNumber.String(), kn.Annotations) {
				peer.State = v3.BGPSessionStateEstablished
			}
			up := peer.State == v3.BGPSessionStateEstablished
			if addr.Is4() {
				bgp.PeersV4 = append(bgp.PeersV4, peer)
				bgp.NumberEstablishedV4 += b2i(up)
				bgp.NumberNotEstablishedV4 += b2i(!up)
			} else {
				bgp.PeersV6 = append(bgp.PeersV6, peer)
				bgp.NumberEstablishedV6 += b2i(up)
				bgp.NumberNotEstablishedV6 += b2i(!up)
			}
		}
		st.Status.BGP = bgp
		st.Status.LastUpdated = metav1.NewTime(now())
		if _, err := r.Calico.ProjectcalicoV3().CalicoNodeStatuses().Update(ctx, st, metav1.UpdateOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("nodesim: updating status of %s: %w", st.Spec.Node, err))
		}
	}
	return errors.Join(errs...)
}

// Run reports every interval until ctx ends.
func (r *Reporter) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		_ = r.Report(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// established reports whether a leaf of the pair owns addr with that AS and shows the node's
// neighbor (its address of addr's family, from Calico's node annotations) established.
func (r *Reporter) established(pair string, addr netip.Addr, asn string, annotations map[string]string) bool {
	key := "projectcalico.org/IPv4Address"
	if addr.Is6() {
		key = "projectcalico.org/IPv6Address"
	}
	nodePfx, err := netip.ParsePrefix(annotations[key])
	if err != nil {
		return false
	}
	node := nodePfx.Addr().String()
	for _, l := range r.Leaves {
		if l.Pair != pair || l.ASN != asn || !contains(l.Loopbacks, addr) {
			continue
		}
		ent := l.Sim.Get("sys/bgp/inst/dom-" + l.VRF + "/peer-[" + node + "]/ent-[" + node + "]")
		return ent != nil && ent.Get("operSt") == "established"
	}
	return false
}

func selects(selector string, labels map[string]string) bool {
	if selector == "" || selector == "all()" {
		return true
	}
	if m := hasRE.FindStringSubmatch(selector); m != nil {
		_, ok := labels[m[1]]
		return ok
	}
	m := selectorRE.FindStringSubmatch(selector)
	return m != nil && labels[m[1]] == m[2]
}

// hasRE is the selector of the peers every node of a design has: has(<label>).
var hasRE = regexp.MustCompile(`^\s*has\(\s*([A-Za-z0-9./_-]+)\s*\)\s*$`)

func contains(list []netip.Addr, a netip.Addr) bool {
	for _, b := range list {
		if a == b {
			return true
		}
	}
	return false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
