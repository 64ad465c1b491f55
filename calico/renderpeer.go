package calico

import (
	"errors"
	"fmt"
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
// selecting the pair's nodes. With filter, every peer
// uses the BGPFilter BGPFilterName; a graceful restart time becomes maxRestartTime.
func renderBGPPeers(c *design.ClusterIntent, gateway design.AnycastGateway, filter bool) ([]*v3.BGPPeer, error) {
	var errs []error
	peers := make([]*v3.BGPPeer, 0, len(c.Peers))
	var password *v3.BGPPassword
	if s := c.PasswordSecret; s != nil {
		if s.Name == "" || s.Key == "" {
			errs = append(errs, fmt.Errorf("calico: Cluster.PasswordSecret %q: name and key are required", s.String()))
		}
		password = &v3.BGPPassword{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: s.Name},
			Key:                  s.Key,
		}}
	}
	// c.Peers is sorted by pair: name each pair's run of peers together.
	for start := 0; start < len(c.Peers); {
		end := start + 1
		for end < len(c.Peers) && c.Peers[end].Pair == c.Peers[start].Pair {
			end++
		}
		run := c.Peers[start:end]
		pair := run[0].Pair
		var names []string
		if pair != "" {
			if err := checkLabelValue(fmt.Sprintf("Cluster.Peers[%d].Pair", start), pair); err != nil {
				errs = append(errs, err)
				start = end
				continue
			}
			names = pairPeerNames(pair, run)
		}
		for i, p := range run {
			if !p.Addr.IsValid() {
				errs = append(errs, fmt.Errorf("calico: Cluster.Peers[%d].Addr: not set", start+i))
				continue
			}
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
				if !gw.IsValid() {
					errs = append(errs, fmt.Errorf("calico: Cluster.Peers[%d] (%s): node reachability %s needs the %s anycast gateway, which is not set",
						start+i, p.Addr, c.Reachability, p.Family))
					continue
				}
				peer.Spec.ReachableBy = gw.String()
			}
			peers = append(peers, peer)
		}
		start = end
	}
	return peers, errors.Join(errs...)
}
