package nxos_test

import (
	"fmt"
	"strings"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
)

// Render the reference design: one configuration per leaf, each a features body and a config
// body for POST /api/mo/sys.json.
func ExampleRender() {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		fmt.Println(err)
		return
	}
	leaves, err := nxos.Render(in, nxos.RenderOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range leaves {
		fmt.Println(c.Leaf, c.Features.Class, c.Config.Class, len(c.Config.Children), "subtrees")
	}
	// Output:
	// Leaf2101 topSystem topSystem 10 subtrees
	// Leaf2102 topSystem topSystem 10 subtrees
}

// The CLI view of a leaf, here its loopback and the coloring route-map. Entry 100 lets every other
// route through the VRF's export map unchanged.
func ExampleLeafConfig_CLI() {
	in, _ := design.Derive(design.CaseStudy())
	c, err := nxos.RenderLeaf(in, "Leaf2102", nxos.RenderOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, stanza := range strings.Split(c.CLI(), "\n\n") {
		if strings.HasPrefix(stanza, "interface loopback") || strings.HasPrefix(stanza, "route-map loopback") {
			fmt.Println(stanza)
		}
	}
	// Output:
	// route-map loopback permit 10
	//   match ip address prefix-list dup_ip_avoidance
	//   set extcommunity rt 2101:2102
	// route-map loopback permit 20
	//   match ipv6 address prefix-list dup_ip_avoidance_v6
	//   set extcommunity rt 2101:2102
	// route-map loopback permit 100
	// interface loopback1002
	//   vrf member vrf-001
	//   ip address 192.168.100.2/32 tag 6789
	//   ipv6 address 2001:193:168:1::5/128
}

// The route filters of the IPv4 template: the nodes may announce pod blocks (up to /26 inside the
// pool) and service routes, and receive only the default route; maximum-prefix caps what one node
// may announce.
func ExampleLeafConfig_CLI_routeFilters() {
	in, _ := design.Derive(design.CaseStudy())
	c, err := nxos.RenderLeaf(in, "Leaf2101", nxos.RenderOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	inTemplate := false
	for _, line := range strings.Split(c.CLI(), "\n") {
		switch {
		case strings.HasPrefix(line, "  template peer "):
			inTemplate = line == "  template peer CALICO"
		case !strings.HasPrefix(line, "    "):
			inTemplate = false
		}
		if strings.Contains(line, "CALICO-") || inTemplate || line == "  template peer CALICO" {
			fmt.Println(line)
		}
	}
	// Output:
	// ip prefix-list CALICO-in seq 5 permit 10.244.0.0/16 le 26
	// ip prefix-list CALICO-in seq 10 permit 10.96.0.0/12 le 32
	// ip prefix-list CALICO-out seq 5 permit 0.0.0.0/0
	// route-map CALICO-in permit 10
	//   match ip address prefix-list CALICO-in
	// route-map CALICO-out permit 10
	//   match ip address prefix-list CALICO-out
	//   template peer CALICO
	//     remote-as 65531
	//     update-source loopback1002
	//     ebgp-multihop 10
	//     address-family ipv4 unicast
	//       as-override
	//       disable-peer-as-check
	//       send-community
	//       send-community extended
	//       route-map CALICO-in in
	//       route-map CALICO-out out
	//       maximum-prefix 260 75
}

// With a password secret in the design, the password handed to the renderer appears on the
// templates in type-7 form only.
func ExampleRenderOptions() {
	d := design.CaseStudy()
	d.Peering.PasswordSecret = &design.SecretRef{Namespace: "calico-system", Name: "bgp-auth", Key: "password"}
	in, _ := design.Derive(d)
	c, err := nxos.RenderLeaf(in, "Leaf2101", nxos.RenderOptions{Password: design.NewSecret("cisco")})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(c.CLI(), "\n") {
		if strings.Contains(line, "template peer") || strings.Contains(line, "password") {
			fmt.Println(line)
		}
	}
	// Output:
	//   template peer CALICO
	//     password 7 01100F175804
	//   template peer K8-v6
	//     password 7 01100F175804
}
