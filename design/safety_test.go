package design

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/addressing"
)

// TestRoutePolicies feeds prefixes through the policies the case study derives and checks that
// exactly the intended set passes, on the leaf side and (mirrored) on the Calico side.
func TestRoutePolicies(t *testing.T) {
	d := CaseStudy()
	d.Cluster.ServiceLoadBalancerIPs = []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}
	d.Peering.AdvertiseToNodes = []netip.Prefix{netip.MustParsePrefix("172.16.0.0/12")}
	in := mustDerive(t, d)
	leaf := in.Leaf("Leaf2101")
	imp4, exp4 := leaf.Template(addressing.IPv4).Import, leaf.Template(addressing.IPv4).Export
	imp6, exp6 := leaf.Template(addressing.IPv6).Import, leaf.Template(addressing.IPv6).Export

	tests := []struct {
		name   string
		policy *Policy
		route  string
		want   bool
	}{
		{"node announces a pod block", imp4, "10.244.3.64/26", true},
		{"node announces the pool aggregate", imp4, "10.244.0.0/16", true},
		{"node announces a borrowed /32 beyond the block size", imp4, "10.244.3.65/32", false},
		{"node announces a service /32", imp4, "10.96.120.215/32", true},
		{"node announces the service range", imp4, "10.96.0.0/12", true},
		{"node announces a load-balancer /32", imp4, "203.0.113.7/32", true},
		{"node announces the default route", imp4, "0.0.0.0/0", false},
		{"node announces a leaf loopback", imp4, "192.168.100.1/32", false},
		{"node announces the gateway subnet", imp4, "192.168.1.0/24", false},
		{"node announces a prefix outside the pools", imp4, "10.245.0.0/26", false},
		{"node announces a supernet of a pool", imp4, "10.0.0.0/8", false},
		{"node announces an IPv6 pod block", imp6, "fd00:10:244:0:1::40/122", true},
		{"node announces the IPv6 default route", imp6, "::/0", false},
		{"node announces an IPv6 loopback", imp6, "2001:193:168:1::4/128", false},
		{"IPv4 policy never passes IPv6", imp4, "fd00:10:244::/122", false},
		{"leaf sends the default route", exp4, "0.0.0.0/0", true},
		{"leaf sends a listed prefix", exp4, "172.16.0.0/12", true},
		{"leaf does not send a sub-prefix of a listed prefix", exp4, "172.16.1.0/24", false},
		{"leaf does not send a fabric route", exp4, "10.2.1.1/32", false},
		{"leaf sends the IPv6 default route", exp6, "::/0", true},
		{"leaf does not send other IPv6 routes", exp6, "2001:db8::/32", false},
	}
	for _, tt := range tests {
		if got := tt.policy.Permits(netip.MustParsePrefix(tt.route)); got != tt.want {
			t.Errorf("%s: %s permits %s = %v, want %v", tt.name, tt.policy.RouteMap, tt.route, got, tt.want)
		}
	}
	// Calico's side mirrors the leaves: what nodes export is what leaves import, and vice versa.
	if len(in.Cluster.Export) != 2 || len(in.Cluster.Import) != 2 {
		t.Fatalf("cluster policies: %d export, %d import", len(in.Cluster.Export), len(in.Cluster.Import))
	}
	for _, tt := range tests {
		var mirror *Policy
		switch tt.policy {
		case imp4:
			mirror = &in.Cluster.Export[0]
		case imp6:
			mirror = &in.Cluster.Export[1]
		case exp4:
			mirror = &in.Cluster.Import[0]
		case exp6:
			mirror = &in.Cluster.Import[1]
		}
		if got := mirror.Permits(netip.MustParsePrefix(tt.route)); got != tt.want {
			t.Errorf("Calico mirror of %s: %s = %v, want %v", tt.policy.RouteMap, tt.route, got, tt.want)
		}
	}
}

func TestRouteFiltersOff(t *testing.T) {
	d := CaseStudy()
	d.Peering.RouteFilters = Bool(false)
	// With static node routes the leaves would send their loopbacks over the sessions that use
	// them as next hop: refused, naming the way out.
	var problems Problems
	if !errors.As(d.Validate(), &problems) || len(problems) != 1 || problems[0].Path != "peering.routeFilters" || problems[0].Code != CodeUnfilteredLoopbacks ||
		!strings.Contains(problems[0].Message, "ReachableBy") {
		t.Fatalf("routeFilters false with static routes: %v", problems)
	}
	d.Peering.NodeReachability = ReachableBy
	in := mustDerive(t, d)
	tmpl := in.Leaves[0].Templates[0]
	if tmpl.Import != nil || tmpl.Export != nil || len(in.Cluster.Export) != 0 || len(in.Cluster.Import) != 0 {
		t.Errorf("filters off still derives policies: %+v %+v", tmpl, in.Cluster)
	}
	if tmpl.MaxPrefix == 0 {
		t.Error("maximum-prefix must stay on without filters")
	}
}

func TestMinimumPrefixes(t *testing.T) {
	d := CaseStudy().WithDefaults()
	if got := MinimumPrefixes(d, addressing.IPv4); got != 4 { // 3 /26 blocks for 110 pods + 1 service range
		t.Errorf("IPv4 minimum = %d, want 4", got)
	}
	d.Cluster.MaxPodsPerNode = 250
	if got := MinimumPrefixes(d, addressing.IPv6); got != 5 { // ceil(250/64)+1 blocks of /122
		t.Errorf("IPv6 minimum = %d, want 5", got)
	}
	d.Cluster.IPPools[0].CIDR = netip.MustParsePrefix("10.244.0.0/25")
	if got := MinimumPrefixes(d, addressing.IPv4); got != 3 { // the /25 pool has only two /26 blocks
		t.Errorf("small pool minimum = %d, want 3", got)
	}
	d = CaseStudy()
	d.Peering.MaximumPrefix = 1000
	d.Peering.GracefulRestart = &GracefulRestart{RestartTime: 90}
	in := mustDerive(t, d)
	if in.Leaves[0].Templates[1].MaxPrefix != 1000 || in.Cluster.MaxRestartTime != 90 || in.Fabric.GracefulRestart.StalePathTime != 300 {
		t.Errorf("explicit limits: %+v / %d / %+v", in.Leaves[0].Templates[1], in.Cluster.MaxRestartTime, in.Fabric.GracefulRestart)
	}
}

// TestAdvertisePodBlocks checks the white paper's data path: the leaves send the nodes every pool
// up to its block size besides the default route, Calico's filter accepts the same, and the
// combinations that cannot route are refused.
func TestAdvertisePodBlocks(t *testing.T) {
	d := CaseStudy()
	d.Peering.AdvertisePodBlocks = Bool(true)
	var problems Problems
	if !errors.As(d.Validate(), &problems) || len(problems) != 1 || problems[0].Path != "cluster.ipPools[0].encapsulation" ||
		problems[0].Code != CodeTunnelToLeaf || !strings.Contains(problems[0].Message, "encapsulation None") {
		t.Fatalf("IPIP pool with advertisePodBlocks: %v", problems)
	}
	d.Cluster.IPPools[0].Encapsulation, d.Cluster.IPPools[0].EncapsulationMode = EncapNone, ""
	in := mustDerive(t, d)
	exp := in.Leaves[0].Template(addressing.IPv4).Export
	for _, tt := range []struct {
		route string
		want  bool
	}{
		{"0.0.0.0/0", true},
		{"10.244.3.64/26", true},  // a node's block
		{"10.244.0.0/16", true},   // the pool itself
		{"10.244.3.64/27", false}, // longer than a block
		{"192.168.100.1/32", false},
		{"10.96.0.0/12", false},
	} {
		if got := exp.Permits(netip.MustParsePrefix(tt.route)); got != tt.want {
			t.Errorf("leaf export permits %s = %v, want %v", tt.route, got, tt.want)
		}
		if got := in.Cluster.Import[0].Permits(netip.MustParsePrefix(tt.route)); got != tt.want {
			t.Errorf("Calico import permits %s = %v, want %v", tt.route, got, tt.want)
		}
	}
	d.Peering.RouteFilters = Bool(false)
	d.Peering.NodeReachability = ReachableBy
	if err := d.Validate(); !errors.As(err, &problems) || problems[0].Path != "peering.advertisePodBlocks" {
		t.Errorf("advertisePodBlocks without route filters: %v", err)
	}
}
