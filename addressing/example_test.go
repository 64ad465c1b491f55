package addressing_test

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/nxcalico/nxcalico/addressing"
)

func ExampleParsePrefix() {
	p, err := addressing.ParsePrefix("10.244.0.0/16")
	fmt.Println(p, err)

	_, err = addressing.ParsePrefix("10.0.0.1/8")
	fmt.Println(err)

	_, err = addressing.ParsePrefix("::ffff:10.0.0.0/104")
	fmt.Println(err)
	// Output:
	// 10.244.0.0/16 <nil>
	// invalid prefix "10.0.0.1/8": host bits set (want 10.0.0.0/8)
	// invalid prefix "::ffff:10.0.0.0/104": IPv4-mapped IPv6 prefix (write the IPv4 prefix)
}

func ExampleParseInterfacePrefix() {
	for _, s := range []string{"192.168.1.1/24", "192.168.100.1/32", "10.0.0.0/31", "192.168.1.255/24", "2001:db8::/64"} {
		p, err := addressing.ParseInterfacePrefix(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(p, "subnet", p.Masked())
	}
	// Output:
	// 192.168.1.1/24 subnet 192.168.1.0/24
	// 192.168.100.1/32 subnet 192.168.100.1/32
	// 10.0.0.0/31 subnet 10.0.0.0/31
	// invalid interface prefix "192.168.1.255/24": broadcast address of 192.168.1.0/24 is not a host address
	// invalid interface prefix "2001:db8::/64": Subnet-Router anycast address of 2001:db8::/64 is not a host address
}

func ExampleAddrPair() {
	var node addressing.AddrPair
	node = node.Set(addressing.IPv4, addressing.MustParseAddr("192.168.1.10"))
	fmt.Println(node, node.Families())

	node = node.Set(addressing.IPv6, addressing.MustParseAddr("2001:192:168:1::10"))
	fmt.Println(node, node.Families())

	for _, f := range addressing.Families {
		fmt.Println(f, node.Get(f), addressing.HostRoute(node.Get(f)))
	}
	// Output:
	// 192.168.1.10 [IPv4]
	// 192.168.1.10,2001:192:168:1::10 [IPv4 IPv6]
	// IPv4 192.168.1.10 192.168.1.10/32
	// IPv6 2001:192:168:1::10 2001:192:168:1::10/128
}

func ExamplePrefixPair() {
	svi := addressing.PrefixPair{
		IPv4: addressing.MustParseInterfacePrefix("192.168.1.1/24"),
	}
	fmt.Println(svi, svi.Has(addressing.IPv6))
	fmt.Println(svi.Set(addressing.IPv6, addressing.MustParseInterfacePrefix("2001:192:168:1::1/64")))
	// Output:
	// 192.168.1.1/24 false
	// 192.168.1.1/24,2001:192:168:1::1/64
}

func ExamplePool() {
	loopbacks, err := addressing.NewPool(addressing.MustParsePrefix("192.168.100.0/24"))
	if err != nil {
		fmt.Println(err)
		return
	}
	// .1 is the anycast gateway loopback, reserved by hand.
	if err := loopbacks.Reserve(addressing.MustParseAddr("192.168.100.1")); err != nil {
		fmt.Println(err)
	}
	for range 3 {
		a, _ := loopbacks.NextHost()
		fmt.Println(addressing.HostRoute(a))
	}
	fmt.Println(loopbacks.Reserve(addressing.MustParseAddr("192.168.100.2")))

	p2p, _ := addressing.NewPool(addressing.MustParsePrefix("10.0.0.0/29"))
	for range 5 {
		s, err := p2p.NextSubnet(31)
		fmt.Println(s, err, errors.Is(err, addressing.ErrExhausted))
	}
	// Output:
	// 192.168.100.2/32
	// 192.168.100.3/32
	// 192.168.100.4/32
	// pool 192.168.100.0/24: reserve 192.168.100.2: already in use
	// 10.0.0.0/31 <nil> false
	// 10.0.0.2/31 <nil> false
	// 10.0.0.4/31 <nil> false
	// 10.0.0.6/31 <nil> false
	// invalid Prefix pool 10.0.0.0/29: no free /31 subnet: address pool exhausted true
}

func ExampleFindOverlaps() {
	overlaps := addressing.FindOverlaps([]addressing.NamedPrefix{
		{Name: "service", Prefix: addressing.MustParsePrefix("10.244.1.0/24")},
		{Name: "cluster.ipPools[0].cidr", Prefix: addressing.MustParsePrefix("10.244.0.0/16")},
		{Name: "fabric.loopbacks", Prefix: addressing.MustParsePrefix("192.168.100.0/24")},
		{Name: "cluster.ipPools[1].cidr", Prefix: addressing.MustParsePrefix("10.244.0.0/16")},
	})
	for _, o := range overlaps {
		fmt.Println(o)
	}
	// Output:
	// cluster.ipPools[0].cidr 10.244.0.0/16 overlaps cluster.ipPools[1].cidr 10.244.0.0/16
	// cluster.ipPools[0].cidr 10.244.0.0/16 overlaps service 10.244.1.0/24
	// cluster.ipPools[1].cidr 10.244.0.0/16 overlaps service 10.244.1.0/24
}

func ExampleRouteSet() {
	routes := addressing.NewRouteSet(
		addressing.MustParsePrefix("192.168.1.0/24"),
		addressing.MustParsePrefix("2001:192:168:1::/64"),
	)
	nodes := []netip.Addr{
		addressing.MustParseAddr("192.168.1.10"),
		addressing.MustParseAddr("192.168.2.10"),
		addressing.MustParseAddr("2001:192:168:1::10"),
		addressing.MustParseAddr("192.168.2.10"),
	}
	fmt.Println(routes.Covers(nodes[0]))
	fmt.Println(routes.Uncovered(nodes))
	// Output:
	// true
	// [192.168.2.10]
}

func ExampleSummarize() {
	fmt.Println(addressing.Summarize([]netip.Prefix{
		addressing.MustParsePrefix("2001:db8:0:1::/64"),
		addressing.MustParsePrefix("10.0.1.0/24"),
		addressing.MustParsePrefix("10.0.0.0/24"),
		addressing.MustParsePrefix("10.0.0.128/25"),
		addressing.MustParsePrefix("2001:db8::/64"),
		addressing.MustParsePrefix("192.168.100.1/32"),
		addressing.MustParsePrefix("192.168.100.2/32"),
	}))
	// Output:
	// [10.0.0.0/23 192.168.100.1/32 192.168.100.2/32 2001:db8::/63]
}

func ExampleFamily_MarshalText() {
	var f addressing.Family
	err := f.UnmarshalText([]byte("IPv6"))
	text, _ := f.MarshalText()
	fmt.Println(f, err, string(text))
	fmt.Println(f.UnmarshalText([]byte("ipv5")))
	// Output:
	// IPv6 <nil> ipv6
	// invalid address family "ipv5": want ipv4 or ipv6
}
