package design_test

import (
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/design/designtest"
)

// derivedDesigns are designs of every shape the project tests with, by name.
func derivedDesigns(t testing.TB) map[string]*design.Design {
	t.Helper()
	ds := map[string]*design.Design{
		"CaseStudy":             design.CaseStudy(),
		"SharedLoopbacks":       designtest.SharedLoopbacks(),
		"UniqueLoopbacks":       designtest.UniqueLoopbacks(),
		"TwoPairs":              designtest.TwoPairs(),
		"Racks(3,4,shared)":     designtest.Racks(3, 4, true),
		"Racks(3,4,unique)":     designtest.Racks(3, 4, false),
		"Scale(20,10,shared)":   designtest.Scale(20, 10, true),
		"Scale(20,10,unique)":   designtest.Scale(20, 10, false),
		"CaseStudy+password":    withPassword(design.CaseStudy()),
		"CaseStudy+reachableBy": withReachableBy(design.CaseStudy()),
	}
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("testdata designs: %v (%d files)", err, len(files))
	}
	valid := 0
	for _, f := range files {
		d, err := design.LoadFile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// Some files hold designs with mistakes on purpose (the case study as published): only
		// what Derive accepts has an intent.
		if _, err := design.Derive(d); err == nil {
			ds[f] = d
			valid++
		}
	}
	if valid == 0 {
		t.Fatal("no valid design in testdata")
	}
	return ds
}

func withPassword(d *design.Design) *design.Design {
	d.Peering.PasswordSecret = &design.SecretRef{Namespace: "calico-system", Name: "bgp-password", Key: "password"}
	return d
}

func withReachableBy(d *design.Design) *design.Design {
	d.Peering.NodeReachability = design.ReachableBy
	d.Peering.NodeRoutes = nil
	return d
}

// TestDerivedIntentsValidate checks that whatever Derive returns passes Intent.Validate.
func TestDerivedIntentsValidate(t *testing.T) {
	for name, d := range derivedDesigns(t) {
		t.Run(name, func(t *testing.T) {
			in, err := design.Derive(d)
			if err != nil {
				t.Fatal(err)
			}
			if ps := in.Validate(); ps != nil {
				t.Errorf("Validate of a derived intent:\n%v", ps)
			}
		})
	}
}

// caseStudyIntent derives the case study with a password secret and ReachableBy-free defaults.
func caseStudyIntent(t *testing.T) *design.Intent {
	t.Helper()
	in, err := design.Derive(withPassword(design.CaseStudy()))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestIntentValidateFindsEachProblem breaks a derived intent in one place per case and checks the
// problem's path and code.
func TestIntentValidateFindsEachProblem(t *testing.T) {
	const leaf = "leaves[Leaf2101]"
	tmpl := func(in *design.Intent, i int) *design.TemplateIntent { return &in.Leaf("Leaf2101").Templates[i] }
	// policy returns a copy of template i's import or export policy, set in its place.
	policy := func(in *design.Intent, i int, export bool) *design.Policy {
		t := tmpl(in, i)
		src := &t.Import
		if export {
			src = &t.Export
		}
		p := **src
		p.Entries = slices.Clone(p.Entries)
		*src = &p
		return &p
	}
	tests := []struct {
		name string
		edit func(in *design.Intent)
		path string
		code design.Code
	}{
		{"no VRF", func(in *design.Intent) { in.Fabric.VRF = "" }, "fabric.vrf", design.CodeRequired},
		{"VRF breaking a DN", func(in *design.Intent) { in.Fabric.VRF = "k8s/x" }, "fabric.vrf", design.CodeInvalidName},
		{"AS 0", func(in *design.Intent) { in.Fabric.ASN = 0 }, "fabric.asn", design.CodeRequired},
		{"AS_TRANS", func(in *design.Intent) { in.Fabric.ASN = 23456 }, "fabric.asn", design.CodeInvalidASN},
		{"no gateway VLAN", func(in *design.Intent) { in.Fabric.Gateway.VLAN = 0 }, "fabric.gateway.vlan", design.CodeRequired},
		{"reserved VLAN", func(in *design.Intent) { in.Fabric.Gateway.VLAN = 4000 }, "fabric.gateway.vlan", design.CodeInvalidVLAN},
		{"maximum paths", func(in *design.Intent) { in.Fabric.MaximumPaths = 65 }, "fabric.maximumPaths", design.CodeInvalidValue},
		{"restart time too long", func(in *design.Intent) {
			in.Fabric.GracefulRestart = &design.GracefulRestart{RestartTime: 4000, StalePathTime: 300}
		}, "fabric.gracefulRestart.restartTime", design.CodeInvalidValue},
		{"stale path time negative", func(in *design.Intent) {
			in.Fabric.GracefulRestart = &design.GracefulRestart{RestartTime: 120, StalePathTime: -1}
		}, "fabric.gracefulRestart.stalePathTime", design.CodeInvalidValue},

		{"no leaf name", func(in *design.Intent) { in.Leaves[0].Name = "" }, "leaves[0].name", design.CodeRequired},
		{"leaf name with a space", func(in *design.Intent) { in.Leaves[1].Name = "Leaf 2102" }, "leaves[1].name", design.CodeInvalidName},
		{"two leaves of one name", func(in *design.Intent) { in.Leaves[1].Name = in.Leaves[0].Name }, leaf + ".name", design.CodeDuplicateName},
		{"no router ID", func(in *design.Intent) { in.Leaf("Leaf2101").RouterID = netip.Addr{} }, leaf + ".routerID", design.CodeRequired},
		{"IPv6 router ID", func(in *design.Intent) { in.Leaf("Leaf2101").RouterID = netip.MustParseAddr("2001:db8::1") }, leaf + ".routerID", design.CodeInvalidValue},
		{"loopback ID", func(in *design.Intent) { in.Leaf("Leaf2101").Loopback.ID = 5000 }, leaf + ".loopback.id", design.CodeInvalidLoopbackID},
		{"no loopback address", func(in *design.Intent) {
			l := in.Leaf("Leaf2101")
			l.Loopback.IPv4, l.Loopback.IPv6 = netip.Prefix{}, netip.Prefix{}
		}, leaf + ".loopback", design.CodeRequired},
		{"IPv6 loopback in the IPv4 slot", func(in *design.Intent) {
			in.Leaf("Leaf2101").Loopback.IPv4 = netip.MustParsePrefix("2001:db8::1/128")
		}, leaf + ".loopback.ipv4", design.CodeInvalidPrefix},

		{"no template name", func(in *design.Intent) { tmpl(in, 0).Name = "" }, leaf + ".templates[0].name", design.CodeRequired},
		{"template name with a space", func(in *design.Intent) { tmpl(in, 1).Name = "K8 v6" }, leaf + ".templates[1].name", design.CodeInvalidName},
		{"two templates of one name", func(in *design.Intent) { tmpl(in, 1).Name = tmpl(in, 0).Name }, leaf + ".templates[1].name", design.CodeDuplicateName},
		{"template without family", func(in *design.Intent) { tmpl(in, 1).Family = 0 }, leaf + ".templates[1].family", design.CodeInvalidValue},
		{"template without password", func(in *design.Intent) { tmpl(in, 0).Password = false }, leaf + ".templates[0].password", design.CodeInvalidValue},
		{"password without secret", func(in *design.Intent) { in.Cluster.PasswordSecret = nil }, leaf + ".templates[0].password", design.CodeInvalidValue},
		{"negative limit", func(in *design.Intent) { tmpl(in, 1).MaxPrefix = -1 }, leaf + ".templates[1].maxPrefix", design.CodeInvalidValue},
		{"warning above 100", func(in *design.Intent) { tmpl(in, 0).MaxPrefixWarning = 101 }, leaf + ".templates[0].maxPrefixWarning", design.CodeInvalidValue},
		{"policy of the other family", func(in *design.Intent) { policy(in, 0, false).Family = addressing.IPv6 }, leaf + ".templates[0].import.family", design.CodeFamilyMismatch},
		{"empty route-map name", func(in *design.Intent) { policy(in, 0, false).RouteMap = "" }, leaf + ".templates[0].import.routeMap", design.CodeRequired},
		{"route-map name with a bracket", func(in *design.Intent) { policy(in, 0, false).RouteMap = "in]" }, leaf + ".templates[0].import.routeMap", design.CodeInvalidName},
		{"empty prefix-list name", func(in *design.Intent) { policy(in, 1, true).PrefixList = "" }, leaf + ".templates[1].export.prefixList", design.CodeRequired},
		{"route-map taken by the other direction", func(in *design.Intent) {
			policy(in, 0, true).RouteMap = tmpl(in, 0).Import.RouteMap
		}, leaf + ".templates[0].export.routeMap", design.CodeDuplicateName},
		{"route-map taken by coloring", func(in *design.Intent) {
			policy(in, 1, false).RouteMap = in.Leaf("Leaf2101").Coloring.RouteMap
		}, leaf + ".templates[1].import.routeMap", design.CodeDuplicateName},
		{"prefix-list taken by coloring", func(in *design.Intent) {
			policy(in, 0, false).PrefixList = in.Leaf("Leaf2101").Coloring.PrefixListV4
		}, leaf + ".templates[0].import.prefixList", design.CodeDuplicateName},
		{"entry without prefix", func(in *design.Intent) {
			policy(in, 0, false).Entries[0] = design.PolicyEntry{}
		}, leaf + ".templates[0].import.entries[0]", design.CodeRequired},
		{"entry of the other family", func(in *design.Intent) {
			policy(in, 0, true).Entries = []design.PolicyEntry{{Prefix: netip.MustParsePrefix("::/0")}}
		}, leaf + ".templates[0].export.entries[0]", design.CodeFamilyMismatch},
		{"le not longer than the prefix", func(in *design.Intent) {
			policy(in, 0, false).Entries = []design.PolicyEntry{{Prefix: netip.MustParsePrefix("10.244.0.0/16"), MaxLen: 16}}
		}, leaf + ".templates[0].import.entries[0]", design.CodeInvalidValue},
		{"le beyond the address", func(in *design.Intent) {
			policy(in, 0, false).Entries = []design.PolicyEntry{{Prefix: netip.MustParsePrefix("10.244.0.0/16"), MaxLen: 33}}
		}, leaf + ".templates[0].import.entries[0]", design.CodeInvalidValue},
		{"coloring route-map missing", func(in *design.Intent) { in.Leaf("Leaf2101").Coloring.RouteMap = "" }, leaf + ".coloring.routeMap", design.CodeRequired},
		{"neighbor without template", func(in *design.Intent) {
			in.Leaf("Leaf2101").Templates = in.Leaf("Leaf2101").Templates[:1]
		}, leaf + ".neighbors[" + firstNeighbor(in0(t), addressing.IPv6) + "].template", design.CodeFamilyMismatch},
		{"neighbor inheriting another template", func(in *design.Intent) {
			in.Leaf("Leaf2101").Neighbors[0].Template = "OTHER"
		}, leaf + ".neighbors[0].template", design.CodeInvalidValue},
		{"neighbor of the other family", func(in *design.Intent) {
			in.Leaf("Leaf2101").Neighbors[0].Addr = netip.MustParseAddr("2001:db8::9")
		}, leaf + ".neighbors[0].addr", design.CodeFamilyMismatch},
		{"network without prefix", func(in *design.Intent) {
			in.Leaf("Leaf2101").Networks = append(in.Leaf("Leaf2101").Networks, design.Network{})
		}, leaf + ".networks[" + itoa(len(in0(t).Leaf("Leaf2101").Networks)) + "]", design.CodeRequired},

		{"no cluster name", func(in *design.Intent) { in.Cluster.Name = "" }, "cluster.name", design.CodeRequired},
		{"cluster name no label value", func(in *design.Intent) { in.Cluster.Name = "Prod Cluster" }, "cluster.name", design.CodeInvalidName},
		{"cluster AS_TRANS", func(in *design.Intent) { in.Cluster.ASN = 23456 }, "cluster.asn", design.CodeInvalidASN},
		{"pool name upper case", func(in *design.Intent) { in.Cluster.Pools[0].Name = "Pool" }, "cluster.pools[0].name", design.CodeInvalidName},
		{"two pools of one name", func(in *design.Intent) { in.Cluster.Pools[1].Name = in.Cluster.Pools[0].Name }, "cluster.pools[1].name", design.CodeDuplicateName},
		{"pool without CIDR", func(in *design.Intent) { in.Cluster.Pools[0].CIDR = netip.Prefix{} }, "cluster.pools[0].cidr", design.CodeRequired},
		{"unknown encapsulation", func(in *design.Intent) { in.Cluster.Pools[1].Encapsulation = "GRE" }, "cluster.pools[1].encapsulation", design.CodeInvalidValue},
		{"IPIP on IPv6", func(in *design.Intent) { in.Cluster.Pools[1].Encapsulation = design.EncapIPIP }, "cluster.pools[1].encapsulation", design.CodeFamilyMismatch},
		{"unknown encapsulation mode", func(in *design.Intent) { in.Cluster.Pools[0].EncapsulationMode = "Sometimes" }, "cluster.pools[0].encapsulationMode", design.CodeInvalidValue},
		{"secret without key", func(in *design.Intent) { in.Cluster.PasswordSecret.Key = "" }, "cluster.passwordSecret.key", design.CodeRequired},
		{"secret without name", func(in *design.Intent) { in.Cluster.PasswordSecret.Name = "" }, "cluster.passwordSecret.name", design.CodeRequired},
		{"pair no label value", func(in *design.Intent) {
			for i := range in.Cluster.Peers {
				in.Cluster.Peers[i].Pair = "rack 1'"
			}
		}, "cluster.peers[0].pair", design.CodeInvalidName},
		{"pair no object name", func(in *design.Intent) {
			for i := range in.Cluster.Peers {
				in.Cluster.Peers[i].Pair = "Rack_1"
			}
		}, "cluster.peers[0].pair", design.CodeInvalidName},
		{"peer without address", func(in *design.Intent) { in.Cluster.Peers[1].Addr = netip.Addr{} }, "cluster.peers[1].addr", design.CodeRequired},
		{"peer with a zone", func(in *design.Intent) {
			in.Cluster.Peers[2].Addr = in.Cluster.Peers[2].Addr.WithZone("eth0")
		}, "cluster.peers[2].addr", design.CodeFamilyMismatch},
		{"peer AS 0", func(in *design.Intent) { in.Cluster.Peers[0].ASN = 0 }, "cluster.peers[0].asn", design.CodeRequired},
		{"two peers of one address", func(in *design.Intent) { in.Cluster.Peers[1].Addr = in.Cluster.Peers[0].Addr }, "cluster.peers[1].addr", design.CodeDuplicateAddress},
		{"reachableBy without the IPv6 gateway", func(in *design.Intent) {
			in.Cluster.Reachability = design.ReachableBy
			in.Fabric.Gateway.IPv6 = netip.Prefix{}
		}, "cluster.peers[" + firstPeer(in0(t), addressing.IPv6) + "]", design.CodeFamilyMismatch},
		{"filter policy without family", func(in *design.Intent) { in.Cluster.Export[0].Family = 0 }, "cluster.export[0].family", design.CodeInvalidValue},
		{"filter entry of the other family", func(in *design.Intent) {
			in.Cluster.Import[1].Entries = []design.PolicyEntry{{Prefix: netip.MustParsePrefix("10.0.0.0/8")}}
		}, "cluster.import[1].entries[0]", design.CodeFamilyMismatch},
		{"filter le below the prefix", func(in *design.Intent) {
			in.Cluster.Export[0].Entries = []design.PolicyEntry{{Prefix: netip.MustParsePrefix("10.244.0.0/16"), MaxLen: 15}}
		}, "cluster.export[0].entries[0]", design.CodeInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := caseStudyIntent(t)
			tt.edit(in)
			ps := in.Validate()
			if !ps.HasAt(tt.path, tt.code) {
				t.Fatalf("no %s problem at %s in:\n%v", tt.code, tt.path, ps)
			}
			sorted := slices.Clone(ps)
			sorted.Sort()
			if !slices.Equal(ps, sorted) {
				t.Errorf("problems not sorted by path:\n%v", ps)
			}
			err := ps.Err()
			got, ok := design.AsProblems(err)
			if !ok || len(got) != len(ps) {
				t.Errorf("AsProblems(Err()) = %v, %v", got, ok)
			}
		})
	}
	if ps := (*design.Intent)(nil).Validate(); len(ps) != 1 || ps[0].Code != design.CodeRequired {
		t.Errorf("Validate of a nil intent: %v", ps)
	}
}

var in0Cache *design.Intent

// in0 is the case study's intent as caseStudyIntent derives it, for computing expected paths.
func in0(t *testing.T) *design.Intent {
	if in0Cache == nil {
		in0Cache = caseStudyIntent(t)
	}
	return in0Cache
}

func firstNeighbor(in *design.Intent, f addressing.Family) string {
	for i, n := range in.Leaf("Leaf2101").Neighbors {
		if n.Family == f {
			return itoa(i)
		}
	}
	return "none"
}

func firstPeer(in *design.Intent, f addressing.Family) string {
	for i, p := range in.Cluster.Peers {
		if p.Family == f {
			return itoa(i)
		}
	}
	return "none"
}

func itoa(i int) string { return strconv.Itoa(i) }

// BenchmarkIntentValidate measures Intent.Validate on the intent of a 500-pair, 20,000-node
// dual-stack design, next to Derive of that design (which validates the design first): Validate
// runs on every pass of a controller and must stay well under Derive.
func BenchmarkIntentValidate(b *testing.B) {
	for _, shared := range []bool{false, true} {
		d := designtest.Scale(500, 40, shared)
		in, err := design.Derive(d)
		if err != nil {
			b.Fatal(err)
		}
		kind := "unique"
		if shared {
			kind = "shared"
		}
		b.Run("Validate/"+kind, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if ps := in.Validate(); ps != nil {
					b.Fatal(ps)
				}
			}
		})
		b.Run("Derive/"+kind, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := design.Derive(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
