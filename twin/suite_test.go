package twin

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
)

// The suite's designs are valid, the lab can be built for each (stable names and blocks), and
// each change changes what its name says.
func TestSuiteDesigns(t *testing.T) {
	for name, d := range map[string]*design.Design{"casestudy": design.CaseStudy(), "two racks shared": designtest.Racks(2, 2, true)} {
		t.Run(name, func(t *testing.T) {
			changes, err := Suite(d)
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) != 15 {
				t.Fatalf("%d changes, want 15", len(changes))
			}
			first, err := design.Derive(d)
			if err != nil {
				t.Fatal(err)
			}
			alloc := newAllocation()
			prev, err := planTopology(first, "t-", 0, netip.Prefix{}, netip.Prefix{}, alloc)
			if err != nil {
				t.Fatal(err)
			}
			from := first
			for _, c := range changes {
				next, err := planTopology(c.To, "t-", 0, prev.Fabric.IPv4, prev.Fabric.IPv6, alloc)
				if err != nil {
					t.Fatalf("%s: %v", c.Name, err)
				}
				// What both designs have keeps its blocks.
				for _, n := range next.Nodes {
					if old := prev.Node(n.Name); old != nil && !equalPrefixes(old.Blocks, n.Blocks) {
						t.Errorf("%s: node %s's blocks moved from %v to %v", c.Name, n.Name, old.Blocks, n.Blocks)
					}
				}
				switch {
				case strings.Contains(c.Name, "joins"):
					if len(c.To.Nodes) != len(from.Nodes)+1 {
						t.Errorf("%s: %d nodes after, %d before", c.Name, len(c.To.Nodes), len(from.Nodes))
					}
				case strings.Contains(c.Name, "rack is added"):
					if len(c.To.Pairs) != len(from.Pairs)+1 {
						t.Errorf("%s: %d pairs after, %d before", c.Name, len(c.To.Pairs), len(from.Pairs))
					}
				case strings.Contains(c.Name, "introduced"), strings.Contains(c.Name, "rotated"):
					if c.To.Cluster.PasswordSecret == nil || c.Password.IsZero() {
						t.Errorf("%s: no password", c.Name)
					}
				case strings.Contains(c.Name, "password is removed"):
					if c.To.Cluster.PasswordSecret != nil || !c.Password.IsZero() {
						t.Errorf("%s: the password stays", c.Name)
					}
				case strings.Contains(c.Name, "shape switches"):
					if c.To.Cluster.SharedLoopbacks == from.Cluster.SharedLoopbacks {
						t.Errorf("%s: shared loopbacks stay %t", c.Name, from.Cluster.SharedLoopbacks)
					}
				case strings.Contains(c.Name, "leaf is replaced"):
					for _, p := range c.To.Pairs {
						if p.Name == d.Fabric.LeafPairs[0].Name && from.Leaf(p.Leaves[1]) != nil {
							t.Errorf("%s: the pair's second leaf is still %s", c.Name, p.Leaves[1])
						}
					}
				}
				prev, from = next, c.To
			}
			// The rack added is removed again, with the node that moved there.
			if len(from.Pairs) != len(first.Pairs) || len(from.Nodes) != len(first.Nodes)-1 {
				t.Errorf("the suite ends with %d pairs and %d nodes, it started with %d and %d", len(from.Pairs), len(from.Nodes), len(first.Pairs), len(first.Nodes))
			}
		})
	}
}

func equalPrefixes(a, b []netip.Prefix) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDeletedPrefix(t *testing.T) {
	for line, want := range map[string]string{
		"Deleted 10.244.1.0/26 via 192.168.1.1 dev up0 proto bird metric 32":   "10.244.1.0/26",
		"Deleted 192.168.100.1 via 192.168.1.1 dev up0":                        "192.168.100.1/32",
		"Deleted blackhole 10.244.0.0/26 proto bird":                           "10.244.0.0/26",
		"Deleted fd00:10:244::/122 nhid 12 proto bgp metric 20 pref medium":    "fd00:10:244::/122",
		"Deleted local 192.168.1.10 dev up0 table local proto kernel":          "",
		"Deleted fe80::/64 dev up0 proto kernel metric 256":                    "",
		"10.244.1.0/26 via 192.168.1.1 dev up0 proto bird":                     "",
		"Deleted default via 192.168.1.1 dev up0 proto bird":                   "0.0.0.0/0",
		"Deleted default proto bird metric 1024 pref medium":                   "0.0.0.0/0 ::/0",
		"Deleted default via 2001:192:168:1::1 dev up0 proto bird metric 1024": "::/0",
		"Deleted unreachable default proto bird":                               "0.0.0.0/0 ::/0",
	} {
		var got []string
		for _, p := range deletedPrefixes(line) {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != want {
			t.Errorf("deletedPrefixes(%q) = %q, want %q", line, got, want)
		}
	}
}

func TestUnannounced(t *testing.T) {
	announced := []string{
		"Leaf2101: vrf vrf-001 192.168.1.10 (template CALICO password changes)",
		"Leaf2101: vrf vrf-001 2001:192:168:1::10 (template K8-v6 password changes)",
		"calico: BGPPeer nxcalico-rack1.leaf2101-ipv4 (192.168.100.1): its password changes",
	}
	observed := []string{"Leaf2101 192.168.1.10 (BGP Notification send)", "Leaf2102 192.168.1.10 (BGP Notification send)", "Leaf2101 2001:192:168:1::10 (x)"}
	got := unannounced(observed, announced)
	if len(got) != 1 || got[0] != "Leaf2102 192.168.1.10 (BGP Notification send)" {
		t.Errorf("unannounced = %q, want only Leaf2102's", got)
	}
}
