package frr_test

import (
	"fmt"
	"strings"

	"github.com/nxcalico/nxcalico/nxos/dme"
	"github.com/nxcalico/nxcalico/twin/frr"
)

// Translate a leaf whose tenant VRF has one node neighbor inheriting a template with as-override,
// disable-peer-as-check and maximum-prefix, and a default route to announce.
func ExampleTranslate() {
	tree := dme.New("topSystem", "name", "leaf1").Add(
		dme.New("bgpEntity").Add(dme.New("bgpInst", "asn", "65102").Add(
			dme.New("bgpDom", "name", "default", "rtrId", "10.2.1.1").Add(
				dme.New("bgpPeerCont", "name", "CALICO", "asn", "65531", "ttl", "10").Add(
					dme.New("bgpPeerAf", "type", "ipv4-ucast", "asOverride", "enabled", "ctrl", "dis-peer-as-check",
						"sendComStd", "enabled", "sendComExt", "enabled").Add(
						dme.New("bgpMaxPfxP", "maxPfx", "260", "thresh", "75", "action", "shut")))),
			dme.New("bgpDom", "name", "vrf-001").Add(
				dme.New("bgpDomAf", "type", "ipv4-ucast").Add(dme.New("bgpAdvPrefix", "addr", "0.0.0.0/0")),
				dme.New("bgpPeer", "addr", "192.168.1.10", "peerImp", "CALICO").Add(dme.New("bgpPeerAf", "type", "ipv4-ucast")),
			),
		)),
	)
	c, err := frr.Translate(tree, frr.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, bgp, _ := strings.Cut(c.String(), "router bgp")
	fmt.Print("router bgp" + bgp)
	// Output:
	// router bgp 65102
	//  bgp router-id 10.2.1.1
	//  no bgp ebgp-requires-policy
	//  no bgp network import-check
	//  no bgp default ipv4-unicast
	//  bgp graceful-restart
	//  bgp graceful-restart restart-time 120
	//  bgp graceful-restart stalepath-time 300
	//  neighbor CALICO peer-group
	//  neighbor CALICO remote-as 65531
	//  neighbor CALICO ebgp-multihop 10
	//  neighbor 192.168.1.10 peer-group CALICO
	//  !
	//  address-family ipv4 unicast
	//   network 0.0.0.0/0
	//   neighbor CALICO activate
	//   neighbor CALICO as-override
	//   no neighbor CALICO send-community large
	//   neighbor CALICO maximum-prefix 260 75
	//   maximum-paths 1
	//   maximum-paths ibgp 1
	//  exit-address-family
	// exit
	// !
	// end
}
