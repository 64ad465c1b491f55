package calico

import (
	"slices"
	"strings"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
)

// PairSelector is the BGPPeer nodeSelector that selects the nodes of one leaf pair:
// nxcalico.io/leaf-pair == '<pair>'.
func PairSelector(pair string) string {
	return node.LeafPairLabel + " == '" + pair + "'"
}

// DesignNodesSelector is the nodeSelector of the peers every node of the design has (shared
// loopbacks): the nodes labelled with a leaf pair, has(nxcalico.io/leaf-pair). A node the design
// does not name carries no pair label, so it never peers with a leaf that does not expect it.
const DesignNodesSelector = "has(" + node.LeafPairLabel + ")"

// renderBGPPeers makes the BGPPeers of the cluster intent: a peer per shared loopback address
// selecting every node of the design (DesignNodesSelector), or a peer per pair, leaf and family
// selecting the pair's nodes. With filter, every peer uses the BGPFilter BGPFilterName; a graceful
// restart time becomes maxRestartTime. The peers are valid (design.Intent.Validate).
func renderBGPPeers(c *design.ClusterIntent, gateway design.AnycastGateway, filter bool) []*v3.BGPPeer {
	out := make([]*v3.BGPPeer, 0, len(c.Peers))
	var password *v3.BGPPassword
	if s := c.PasswordSecret; s != nil {
		password = &v3.BGPPassword{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: s.Name},
			Key:                  s.Key,
		}}
	}
	// A pair's peers are named together: gather them when c.Peers is not sorted by pair (it is when
	// derived).
	byPair := func(a, b design.ClusterPeer) int { return strings.Compare(a.Pair, b.Pair) }
	peers := c.Peers
	if !slices.IsSortedFunc(peers, byPair) {
		peers = slices.Clone(peers)
		slices.SortStableFunc(peers, byPair)
	}
	for start := 0; start < len(peers); {
		end := start + 1
		for end < len(peers) && peers[end].Pair == peers[start].Pair {
			end++
		}
		run := peers[start:end]
		pair := run[0].Pair
		var names []string
		if pair != "" {
			names = pairPeerNames(pair, run)
		}
		for i, p := range run {
			peer := &v3.BGPPeer{
				TypeMeta: metav1.TypeMeta{Kind: v3.KindBGPPeer, APIVersion: v3.GroupVersionCurrent},
				Spec: v3.BGPPeerSpec{
					PeerIP:   p.Addr.String(),
					ASNumber: numorstring.ASNumber(p.ASN),
					Password: password.DeepCopy(),
				},
			}
			if filter {
				peer.Spec.Filters = []string{BGPFilterName}
			}
			if c.MaxRestartTime > 0 {
				peer.Spec.MaxRestartTime = &metav1.Duration{Duration: time.Duration(c.MaxRestartTime) * time.Second}
			}
			if pair == "" {
				peer.ObjectMeta = objectMeta(globalPeerName(p.Addr), c.Name)
				peer.Spec.NodeSelector = DesignNodesSelector
			} else {
				peer.ObjectMeta = objectMeta(names[i], c.Name, node.LeafPairLabel, pair)
				peer.Spec.NodeSelector = PairSelector(pair)
			}
			if c.Reachability == design.ReachableBy {
				gw := addressing.PrefixPair{IPv4: gateway.IPv4, IPv6: gateway.IPv6}.Get(p.Family).Addr()
				peer.Spec.ReachableBy = gw.String()
			}
			out = append(out, peer)
		}
		start = end
	}
	return out
}
