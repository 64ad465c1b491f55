package design

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// The fuzz targets take small inputs on purpose: when an input finds new code, the fuzzer
// minimizes it by running the target on ever shorter variants, a number of runs that grows with
// the square of the input's length (up to a minute each by default). Kilobyte seeds (whole design
// files), each run taking a millisecond, kept the workers minimizing instead of fuzzing. So
// FuzzLoad starts from one-line designs and passes over longer inputs, and FuzzLoadValue fuzzes
// one short value of a whole file that is not part of the input.
const (
	maxFuzzFile  = 320 // bytes of a FuzzLoad input
	maxFuzzValue = 48  // bytes of a FuzzLoadValue value
)

// checkLoad loads data and checks what every load must hold: no panic; problems, when there are
// any, each reported once and returned sorted; a design only without problems; and a design that
// also validates derives, and writes out as a file that loads back to the same design.
func checkLoad(t *testing.T, data []byte) {
	t.Helper()
	_, raw := parseProblems(data)
	checkOnce(t, raw)
	d, err := Load(bytes.NewReader(data))
	if err != nil {
		ps, ok := AsProblems(err)
		if !ok {
			t.Fatalf("Load returned %T %v, want Problems", err, err)
		}
		if d != nil {
			t.Fatal("Load returned a design with problems")
		}
		want := slices.Clone(raw)
		want.Sort()
		if !slices.Equal(ps, want) {
			t.Fatalf("Load returned\n%v\nwant the problems sorted by path:\n%v", ps, want)
		}
		return
	}
	if len(raw) > 0 {
		t.Fatalf("Load succeeded with problems %v", raw)
	}
	v := validate(d, nil)
	checkOnce(t, v.probs)
	if len(v.probs) > 0 {
		return
	}
	if _, err := Derive(d); err != nil {
		t.Fatalf("Validate passed but Derive failed: %v", err)
	}
	y, err := d.MarshalYAML()
	if err != nil {
		t.Fatalf("MarshalYAML: %v", err)
	}
	back, err := Load(bytes.NewReader(y))
	if err != nil {
		t.Fatalf("Load(MarshalYAML(d)): %v\n%s", err, y)
	}
	if !reflect.DeepEqual(back, d) {
		t.Fatalf("Load(MarshalYAML(d)) differs from d:\n%s", y)
	}
}

// checkOnce fails when a problem (path, code and message) is reported twice.
func checkOnce(t *testing.T, ps Problems) {
	t.Helper()
	seen := make(map[Problem]bool, len(ps))
	for _, p := range ps {
		if seen[p] {
			t.Fatalf("problem reported twice: %v\nall: %v", p, ps)
		}
		seen[p] = true
	}
}

// FuzzLoad feeds arbitrary text to Load.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		// Valid designs on one line: IPv4, and IPv6 with peering settings.
		`{fabric: {asn: 1, vrf: v, anycastGateway: {vlan: 1, ipv4: 10.0.0.1/24}, leafPairs: [{name: r, leaves: [{name: l, routerID: 1.1.1.1, peeringLoopback: {ipv4: 9.9.9.9/32}}]}]}, cluster: {name: c, asn: 2, nodes: [{name: n, leafPair: r, ipv4: 10.0.0.2}], ipPools: [{name: p, cidr: 10.9.0.0/16}]}}`,
		`{fabric: {asn: 1, vrf: v, anycastGateway: {vlan: 1, ipv6: "a::1/64"}, leafPairs: [{name: r, leaves: [{name: l, routerID: 1.1.1.1, peeringLoopback: {ipv6: "b::1/128"}}]}]}, cluster: {name: c, asn: 2, nodes: [{name: n, leafPair: r, ipv6: "a::2"}], ipPools: [{name: p, cidr: "c::/48"}]}}`,
		// Colored pairs sharing loopbacks, peering settings.
		`{fabric: {leafPairs: [{name: a, routeTargetColor: "1:1", leaves: [{peeringLoopback: {ipv4: 9.9.9.9/32}}]}, {name: b, routeTargetColor: "1:2", leaves: [{peeringLoopback: {ipv4: 9.9.9.9/32}}]}]}, peering: {nodeRoutes: [9.9.9.0/24], maximumPrefix: 9, gracefulRestart: {}}}`,
		"fabric: {asn: 1.10, vrf: 001}\ncluster: {nodes: [{ipv4Adress: x}]}\n",
		"cluster:\n  ipPools: [{cidr: 10.0.0.1/8, blockSize: x, encapsulation: GRE}]\n  serviceClusterIPs: 10.96.0.0/12\n",
		"peering: {templates: {ipv4: T, ipv6: T}, asOverride: 1, passwordSecret: 5, advertiseToNodes: [0.0.0.0/0]}\n",
		"- a\n---\n- b\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzFile {
			return
		}
		checkLoad(t, data)
	})
}

// FuzzLoadValue replaces one value of a whole design file — the valid case study or the file with
// a mistake in every section — with fuzzed text: the k-th "key: value" of a line. The file is not
// part of the input, so every run exercises validation of a nearly complete design.
func FuzzLoadValue(f *testing.F) {
	var files [][]string
	for _, name := range []string{"testdata/casestudy.yaml", "testdata/mistakes/every-section.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		files = append(files, strings.Split(string(data), "\n"))
	}
	f.Add(uint8(0), uint16(1), uint8(0), "65102x")
	f.Add(uint8(0), uint16(10), uint8(2), "192.168.100.0/24")
	f.Add(uint8(0), uint16(19), uint8(3), "192.168.2.10")
	f.Add(uint8(0), uint16(6), uint8(0), "Rack1")
	f.Add(uint8(1), uint16(5), uint8(0), "vrf-001")
	f.Add(uint8(1), uint16(40), uint8(1), "rack1")
	f.Add(uint8(0), uint16(33), uint8(0), "{ipv4: x, ipv6: x}")
	f.Fuzz(func(t *testing.T, file uint8, line uint16, key uint8, value string) {
		if len(value) > maxFuzzValue {
			return
		}
		lines := slices.Clone(files[int(file)%len(files)])
		i := int(line) % len(lines)
		lines[i] = replaceValue(lines[i], int(key), value)
		checkLoad(t, []byte(strings.Join(lines, "\n")))
	})
}

// replaceValue replaces the value after the k-th ": " of line (up to the next ',' or '}' of a flow
// mapping, or the end of the line) with value; a line without one is returned as it is.
func replaceValue(line string, k int, value string) string {
	var starts []int
	for i := 0; i+1 < len(line); i++ {
		if line[i] == ':' && line[i+1] == ' ' {
			starts = append(starts, i+2)
		}
	}
	if len(starts) == 0 {
		return line
	}
	start := starts[k%len(starts)]
	end := len(line)
	if j := strings.IndexAny(line[start:], ",}"); j >= 0 && !strings.HasPrefix(line[start:], "{") {
		end = start + j
	}
	return line[:start] + value + line[end:]
}

// FuzzPlainSafe checks the shortcut of plainSafe against YAML itself: a string it writes plain
// reads back as that string.
func FuzzPlainSafe(f *testing.F) {
	for _, s := range []string{"vrf-001", "10.96.0.0/12", "2001:db8::1", "192.168.1.10", "1.10", "2006-01-02", "2001-1-2 3:4:5", "0b101", "-.inf", "yes", "Null", "<<", "1_000", "+1:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > maxFuzzValue || !plainSafe(s, false) {
			return
		}
		j, err := yaml.YAMLToJSON([]byte("k: " + s))
		if err != nil {
			t.Fatalf("%q is written plain but does not read: %v", s, err)
		}
		want, _ := json.Marshal(map[string]string{"k": s})
		if !bytes.Equal(j, want) {
			t.Fatalf("%q is written plain but reads as %s", s, j)
		}
	})
}
