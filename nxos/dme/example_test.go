package dme_test

import (
	"fmt"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

func ExampleNew() {
	peer := dme.New("bgpPeer", "peerImp", "CALICO", "addr", "192.168.1.10").Add(
		dme.New("bgpPeerAf", "type", "ipv4-ucast", "ctrl", "dis-peer-as-check"),
	)
	b, _ := peer.MarshalJSON()
	fmt.Println(string(b))
	rn, _ := peer.RN()
	fmt.Println(rn)
	// Output:
	// {"bgpPeer":{"attributes":{"addr":"192.168.1.10","peerImp":"CALICO"},"children":[{"bgpPeerAf":{"attributes":{"type":"ipv4-ucast","ctrl":"dis-peer-as-check"}}}]}}
	// peer-[192.168.1.10]
}

func ExampleParseDN() {
	a := dme.MustParseDN("sys/bgp/inst/dom-[vrf-001]/peer-[2001:0db8::0010]")
	b := dme.MustParseDN("sys/bgp/inst/dom-vrf-001/peer-[2001:db8::10]")
	fmt.Println(a.Equal(b), a.Key())
	fmt.Println(a.Parent(), len(a.RNs()))
	_, err := dme.ParseDN("sys/intf/phys-[eth1/1")
	fmt.Println(err)
	// Output:
	// true sys/bgp/inst/dom-vrf-001/peer-2001:db8::10
	// sys/bgp/inst/dom-[vrf-001] 5
	// dme: DN "sys/intf/phys-[eth1/1": unclosed "["
}

func ExampleParse() {
	body := []byte(`{"totalCount":"1","imdata":[{"bgpPeerEntry":{"attributes":{"dn":"sys\/bgp\/inst\/dom-vrf-001\/peer-[192.168.1.10]\/ent-[192.168.1.10]","operSt":"established"}}}]}`)
	objs, _ := dme.Parse(body)
	fmt.Println(objs[0].Class, objs[0].Get("operSt"), objs[0].Get("dn"))

	_, err := dme.Parse([]byte(`{"imdata":[{"error":{"attributes":{"code":"17","text":"Unknown class fmServiceAcceleration"}}}]}`))
	fmt.Println(err)
	// Output:
	// bgpPeerEntry established sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/ent-[192.168.1.10]
	// nxos: error 17: Unknown class fmServiceAcceleration
}

func ExampleCheck() {
	peer := dme.New("bgpPeer", "addr", "192.168.1.10", "ttl", "256").Add(
		dme.New("bgpPeerAf", "type", "ipv4-ucast", "ctrl", "disable-peer-as-check"),
	)
	for _, err := range dme.Check("bgpDom", peer) {
		fmt.Println(err)
	}
	// Output:
	// dme: peer-[192.168.1.10]: bgpPeer.ttl="256": out of range [0..255]
	// dme: peer-[192.168.1.10]/af-[ipv4-ucast]: bgpPeerAf.ctrl="disable-peer-as-check": flag "disable-peer-as-check" is not one of rr-client, nh-self, dis-peer-as-check, allow-self-as, default-originate, advertisement-interval, suppress-inactive, nh-self-all
}

func ExampleChildClass() {
	c, naming, ok := dme.ChildClass("bgpDomAf", "interleak-direct-interleak-none")
	fmt.Println(c.Name, naming["proto"], naming["inst"], ok)
	// Output:
	// bgpInterLeakP direct none true
}
