package design

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"net/netip"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files under testdata")

// loadProblems loads text and returns its problems as "path: code: message" lines.
func loadProblems(t *testing.T, text string) []string {
	t.Helper()
	d, err := Load(strings.NewReader(text))
	if err == nil {
		t.Fatalf("Load succeeded (%+v), want problems", d)
	}
	ps, ok := AsProblems(err)
	if !ok {
		t.Fatalf("Load error %T %v, want Problems", err, err)
	}
	if d != nil {
		t.Errorf("Load returned a design with its problems")
	}
	return strings.Split(ps.Error(), "\n")
}

func checkLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLoadUnknownFields misspells keys in an otherwise valid design: each key is reported, and the
// field it was meant to set counts as unknown, not as missing (no "required" follows).
func TestLoadUnknownFields(t *testing.T) {
	got := loadProblems(t, `
fabrik: {}
fabric:
  ASN: 65102
  vrf: vrf-001
  anycastGateway: {vlan: 3001, ipv4: 192.168.1.1/24}
  leafPairs:
  - name: rack1
    leaves:
    - name: Leaf2101
      routerID: 10.2.1.1
      peeringLoopback: {id: 1002, ipv4: 192.168.100.1/32, tags: 6789}
cluster:
  name: prod
  asn: 65531
  nodes:
  - {name: a, leafPair: rack1, ipv4: 192.168.1.10}
  - {name: b, leafPair: rack1, ipv4: 192.168.1.11}
  - {name: c, leafPair: rack1, ipv4Adress: 192.168.1.12, colour: blue}
  ipPools: [{name: pods, cidr: 10.244.0.0/16}]
peering:
  asoverride: false
  passwordSecret: {namespace: x, name: bgp-auth, key: z, value: hunter2}
`)
	checkLines(t, got, []string{
		`cluster.nodes[2].colour: unknown-field: "colour" is not a field of cluster.nodes[2] (fields: name, leafPair, ipv4, ipv6)`,
		`cluster.nodes[2].ipv4Adress: unknown-field: "ipv4Adress" is not a field of cluster.nodes[2] (did you mean "ipv4"?)`,
		`fabric.ASN: unknown-field: "ASN" is not a field of fabric (did you mean "asn"?)`,
		`fabric.leafPairs[0].leaves[0].peeringLoopback.tags: unknown-field: "tags" is not a field of fabric.leafPairs[0].leaves[0].peeringLoopback (did you mean "tag"?)`,
		`fabrik: unknown-field: "fabrik" is not a field of the top level (did you mean "fabric"?)`,
		`peering.asoverride: unknown-field: "asoverride" is not a field of peering (did you mean "asOverride"?)`,
		`peering.passwordSecret.value: unknown-field: "value" is not a field of peering.passwordSecret (fields: namespace, name, key)`,
	})
}

func TestLoadBadValues(t *testing.T) {
	got := loadProblems(t, `
fabric:
  asn: 0
  vrf: 001
  anycastGateway: {vlan: 4000, ipv4: 192.168.1.0/24, ipv6: "2001:db8:1::1/64"}
  leafPairs:
  - name: rack1
    routeTargetColor: 2101
    leaves: {name: Leaf2101}
  - name: rack2
    routeTargetColor: "2101:99999999999"
    leaves:
    - name: Leaf2201
      routerID: 10.2.2.256
      peeringLoopback: {id: ten, ipv4: "2001:db8::1/128", ipv6: "2001:db8::/64"}
cluster:
  name: [prod]
  asn: 4294967296
  listenPort: 70000
  nodes:
  - {name: master, leafPair: rack1, ipv4: 192.168.1.10/24, ipv6: "fe80::1%bond0"}
  ipPools:
  - {name: pods, cidr: 10.244.0.1/16, blockSize: 26.5, encapsulation: GRE, natOutgoing: "yes"}
  serviceClusterIPs: 10.96.0.0/12
peering:
  ebgpMultihop: "10"
  asOverride: 1
  nodeReachability: Flooding
  nodeRoutes: [192.168.100.0/33]
`)
	checkLines(t, got, []string{
		`cluster.asn: invalid-asn: invalid ASN "4294967296": want a number from 1 to 4294967295 or asdot X.Y`,
		`cluster.ipPools[0].blockSize: invalid-value: want an integer, got 26.5`,
		`cluster.ipPools[0].cidr: invalid-prefix: invalid prefix "10.244.0.1/16": host bits set (want 10.244.0.0/16)`,
		`cluster.ipPools[0].encapsulation: invalid-value: invalid encapsulation "GRE": want one of None, IPIP, VXLAN`,
		`cluster.ipPools[0].natOutgoing: invalid-value: want true or false, got the string "yes"`,
		`cluster.listenPort: invalid-value: 70000 is out of range: at most 65535`,
		`cluster.name: invalid-value: want a string, got a list of 1 items (quote it to keep it as text)`,
		`cluster.nodes[0].ipv4: invalid-prefix: invalid address "192.168.1.10/24": unexpected character (at "/24") (write the address without a prefix length; the subnet is the anycast gateway's)`,
		`cluster.nodes[0].ipv6: invalid-prefix: invalid address "fe80::1%bond0": zone not allowed`,
		`cluster.serviceClusterIPs: invalid-value: want a list, got the string "10.96.0.0/12"`,
		`fabric.anycastGateway.ipv4: invalid-prefix: invalid interface prefix "192.168.1.0/24": network address of 192.168.1.0/24 is not a host address`,
		`fabric.anycastGateway.vlan: invalid-vlan: invalid VLAN "4000": want 1 to 3967`,
		`fabric.asn: invalid-asn: invalid ASN "0": 0 is reserved`,
		`fabric.leafPairs[0].leaves: invalid-value: want a list, got a mapping`,
		`fabric.leafPairs[0].routeTargetColor: invalid-value: want a string, got the number 2101`,
		`fabric.leafPairs[1].leaves[0].peeringLoopback.id: invalid-value: want an integer, got the string "ten"`,
		`fabric.leafPairs[1].leaves[0].peeringLoopback.ipv4: invalid-prefix: "2001:db8::1/128" is an IPv6 prefix; this field holds IPv4 only`,
		`fabric.leafPairs[1].leaves[0].peeringLoopback.ipv6: loopback-not-host: peering loopback 2001:db8::/64 is a /64; a loopback address is a host prefix (/128)`,
		`fabric.leafPairs[1].leaves[0].routerID: invalid-prefix: invalid address "10.2.2.256": IPv4 field has value >255`,
		`fabric.leafPairs[1].routeTargetColor: invalid-value: invalid route target "2101:99999999999": the assigned number must be 0 to 4294967295`,
		`fabric.vrf: invalid-value: want a string, got the number 1 (quote it to keep it as text)`,
		`peering.asOverride: invalid-value: want true or false, got the number 1`,
		`peering.ebgpMultihop: invalid-value: want an integer, got the string "10"`,
		`peering.nodeReachability: invalid-value: invalid node reachability "Flooding": want one of StaticRoutes, ReachableBy`,
		`peering.nodeRoutes[0]: invalid-prefix: invalid prefix "192.168.100.0/33": prefix length out of range`,
	})
}

// TestLoadRetiredLeaves reads fabric.retiredLeaves strictly: a list of names, each a string; a
// misspelt key or an undecodable item is one problem, and the rules that need it are skipped.
func TestLoadRetiredLeaves(t *testing.T) {
	base, err := os.ReadFile("testdata/casestudy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	with := func(line string) string {
		return strings.Replace(string(base), "  leafPairs:\n", "  "+line+"\n  leafPairs:\n", 1)
	}
	d, err := Load(strings.NewReader(with("retiredLeaves: [Leaf2202x, Leaf1901]")))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Leaf2202x", "Leaf1901"}; !slices.Equal(d.Fabric.RetiredLeaves, want) {
		t.Errorf("RetiredLeaves = %q, want %q", d.Fabric.RetiredLeaves, want)
	}
	tests := []struct {
		line string
		want []string
	}{
		{"retiredLeaves: Leaf1901", []string{`fabric.retiredLeaves: invalid-value: want a list, got the string "Leaf1901"`}},
		{"retiredLeaves: [Leaf1901, 2101, Leaf2101]", []string{
			`fabric.retiredLeaves[1]: invalid-value: want a string, got the number 2101 (quote it to keep it as text)`,
			`fabric.retiredLeaves[2]: retired-in-use: retired leaf "Leaf2101" is a leaf of the design (fabric.leafPairs[0].leaves[0], "Leaf2101"); a leaf is either in a leaf pair or retired, and only a leaf that has left the design is retired`,
		}},
		{"retiredLeafs: [Leaf2101]", []string{`fabric.retiredLeafs: unknown-field: "retiredLeafs" is not a field of fabric (did you mean "retiredLeaves"?)`}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			checkLines(t, loadProblems(t, with(tt.line)), tt.want)
		})
	}
}

func TestLoadNumbersAndStrings(t *testing.T) {
	d, err := Load(strings.NewReader(`
fabric: {asn: "64086.59904", vrf: "001", anycastGateway: {vlan: "Vlan3001"}}
cluster: {asn: 4200000001}
`))
	if err != nil {
		t.Fatal(err)
	}
	if d.Fabric.ASN != 64086<<16|59904 || d.Fabric.VRF != "001" || d.Fabric.AnycastGateway.VLAN != 3001 || d.Cluster.ASN != 4200000001 {
		t.Errorf("decoded %+v", d)
	}
	got := loadProblems(t, "fabric: {asn: 1.10}\ncluster: {asn: 23456}\n")
	var asns []string
	for _, line := range got {
		if strings.Contains(line, ".asn: ") {
			asns = append(asns, line)
		}
	}
	checkLines(t, asns, []string{
		`cluster.asn: invalid-asn: invalid ASN "23456": 23456 is AS_TRANS, reserved`,
		`fabric.asn: invalid-asn: YAML reads 1.1 as the number 1.1, not as an asdot ASN: quote an asdot ASN ("1.10"), or write it plain`,
	})
}

func TestLoadNullAndEmptyLeaveUnset(t *testing.T) {
	d, err := Load(strings.NewReader("fabric:\n  vrf:\n  anycastGateway: {ipv6: \"\"}\ncluster:\n  serviceExternalIPs: []\npeering: {asOverride: null}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, &Design{}) {
		t.Errorf("Load = %+v, want the zero design", d)
	}
}

func TestLoadFileLevelProblems(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty", "# nothing\n", "required: the design file is empty: want a mapping with fabric, cluster and peering"},
		{"list at the top", "- fabric\n", "invalid-value: want a mapping, got a list of 1 items"},
		{"syntax", "fabric: {asn: 1\n", "invalid-value: the design file is not valid YAML: yaml: line 1: did not find expected ',' or '}'"},
		{"duplicate key", "fabric:\n  asn: 1\n  asn: 2\n", `invalid-value: the design file is not valid YAML: yaml: unmarshal errors: line 3: key "asn" already set in map`},
		{"two documents", "fabric: {}\n---\ncluster: {}\n", "invalid-value: line 2: the design file holds more than one YAML document; want exactly one"},
		{"content after the end", "fabric: {}\n...\n# more\ncluster: {}\n", "invalid-value: line 4: the design file holds more than one YAML document; want exactly one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLines(t, loadProblems(t, tt.text), []string{tt.want})
		})
	}
	if _, err := Load(strings.NewReader("---\nfabric: {asn: 65102}\n...\n")); err != nil {
		t.Errorf("a single document with markers: %v", err)
	}
}

func TestLoadJSON(t *testing.T) {
	d, err := Load(strings.NewReader(`{"fabric": {"asn": 65102, "vrf": "vrf-001"}, "cluster": {"nodes": [{"name": "a", "ipv6": "2001:db8::1"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.Fabric.VRF != "vrf-001" || d.Cluster.Nodes[0].IPv6 != addr("2001:db8::1") {
		t.Errorf("decoded %+v", d)
	}
}

func TestLoadFileErrors(t *testing.T) {
	_, err := LoadFile("testdata/no-such-file.yaml")
	if _, isProblems := AsProblems(err); isProblems || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "testdata/no-such-file.yaml") {
		t.Errorf("LoadFile(missing) = %v, want a plain not-exist error naming the path", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	designs := map[string]*Design{"CaseStudy": CaseStudy(), "validDesign": validDesign(), "zero": {}}
	full := CaseStudy()
	full.Fabric.LeafPairs[0].Leaves[0].Management = "https://10.0.0.21:8443"
	full.Cluster.ServiceExternalIPs = []netip.Prefix{pfx("203.0.113.0/24")}
	full.Cluster.ServiceLoadBalancerIPs = []netip.Prefix{pfx("198.51.100.0/24")}
	full.Cluster.ListenPort = 1179
	full.Cluster.IPPools[1].NodeSelector = "rack == 'r1' && !has(edge)"
	full.Peering.NodeRoutes = []netip.Prefix{pfx("192.168.100.0/24"), pfx("2001:193:168:1::/64")}
	full.Peering.MaximumPaths, full.Peering.MaximumPathsIBGP = 32, 4
	full.Peering.ColorRouteMap, full.Peering.ColorPrefixList = "true", "null"
	full.Peering.PasswordSecret = &SecretRef{Namespace: "calico-system", Name: "bgp-auth", Key: "password"}
	full.Peering.AdvertiseDefaultRoute = Bool(false)
	full.Cluster.Name = "yes"
	full.Fabric.RetiredLeaves = []string{"Leaf2201", "null", "1.10"}
	designs["every field"] = full
	for name, d := range designs {
		t.Run(name, func(t *testing.T) {
			y, err := d.MarshalYAML()
			if err != nil {
				t.Fatal(err)
			}
			back, err := Load(bytes.NewReader(y))
			if err != nil {
				t.Fatalf("Load(MarshalYAML) = %v\n%s", err, y)
			}
			if !reflect.DeepEqual(back, d) {
				t.Errorf("round trip changed the design:\n%s\ngot  %+v\nwant %+v", y, back, d)
			}
		})
	}
}

func TestCaseStudyGolden(t *testing.T) {
	y, err := CaseStudy().MarshalYAML()
	if err != nil {
		t.Fatal(err)
	}
	const path = "testdata/casestudy.yaml"
	if *updateGolden {
		if err := os.WriteFile(path, y, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(y, golden) {
		t.Errorf("MarshalYAML(CaseStudy()) differs from %s (go test -update rewrites it):\n%s", path, y)
	}
	d, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, CaseStudy()) {
		t.Errorf("LoadFile(%s) = %+v, want CaseStudy()", path, d)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("%s: %v", path, err)
	}
}

// TestCaseStudyAsPublished checks what Validate says about the design as the white paper
// publishes it: the master node's IPv6 address is outside the gateway subnet, and the IPv6 node
// route /128 covers neither leaf loopback.
func TestCaseStudyAsPublished(t *testing.T) {
	d, err := LoadFile("testdata/casestudy-as-published.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ps, ok := AsProblems(d.Validate())
	if !ok {
		t.Fatal("the published design validates; want its mistakes reported")
	}
	checkLines(t, strings.Split(ps.Error(), "\n"), []string{
		`cluster.nodes[0].ipv6: not-in-subnet: 2001:192:168::10 is outside the anycast gateway subnet 2001:192:168:1::/64 (fabric.anycastGateway.ipv6); node addresses must be on the gateway's subnet`,
		`peering.nodeRoutes[1]: unreachable-peer: node route 2001:193:168:1::/128 does not cover 2001:193:168:1::4, the IPv6 peering loopback of leaf "Leaf2101" (fabric.leafPairs[0].leaves[0].peeringLoopback.ipv6) that the nodes of leaf pair "rack1" peer with, and it is the only IPv6 node route`,
		`peering.nodeRoutes[1]: unreachable-peer: node route 2001:193:168:1::/128 does not cover 2001:193:168:1::5, the IPv6 peering loopback of leaf "Leaf2102" (fabric.leafPairs[0].leaves[1].peeringLoopback.ipv6) that the nodes of leaf pair "rack1" peer with, and it is the only IPv6 node route`,
	})
	// Correcting the two mistakes as CaseStudy does leaves no problem.
	d.Cluster.Nodes[0].IPv6 = addr("2001:192:168:1::10")
	d.Peering.NodeRoutes[1] = pfx("2001:193:168:1::4/127")
	if err := d.Validate(); err != nil {
		t.Errorf("corrected published design: %v", err)
	}
}
