package design

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseASN(t *testing.T) {
	tests := []struct {
		in      string
		want    ASN
		wantErr string
	}{
		{in: "65102", want: 65102},
		{in: "4294967295", want: 4294967295},
		{in: "1.10", want: 65546},
		{in: "0", wantErr: `invalid ASN "0": 0 is reserved`},
		{in: "23456", wantErr: `invalid ASN "23456": 23456 is AS_TRANS, reserved`},
		{in: "4294967296", wantErr: `invalid ASN "4294967296"`},
		{in: "-1", wantErr: `invalid ASN "-1"`},
		{in: "65536.1", wantErr: `invalid ASN "65536.1"`},
		{in: "AS65000", wantErr: `invalid ASN "AS65000"`},
		{in: "", wantErr: `invalid ASN ""`},
	}
	for _, tt := range tests {
		got, err := ParseASN(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseASN(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseASN(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestASNJSON(t *testing.T) {
	var v struct{ A, B ASN }
	if err := json.Unmarshal([]byte(`{"A": 65102, "B": "4200000000"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 65102 || v.B != 4200000000 {
		t.Fatalf("got %+v", v)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"A":65102,"B":4200000000}` {
		t.Fatalf("marshal = %s", b)
	}
	if err := json.Unmarshal([]byte(`{"A": 0}`), &v); err == nil {
		t.Fatal("ASN 0 accepted")
	}
}

func TestParseVLAN(t *testing.T) {
	for in, want := range map[string]VLAN{"1": 1, "3001": 3001, "3967": 3967, "Vlan3001": 3001, "vlan10": 10} {
		if got, err := ParseVLAN(in); err != nil || got != want {
			t.Errorf("ParseVLAN(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "3968", "4095", "x", ""} {
		if _, err := ParseVLAN(in); err == nil || !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("ParseVLAN(%q) error = %v, want one quoting the input", in, err)
		}
	}
	if got := VLAN(3001).Interface(); got != "vlan3001" {
		t.Errorf("Interface() = %q", got)
	}
}

func TestParseRouteTarget(t *testing.T) {
	tests := []struct {
		in, cli, dme string
	}{
		{"2101:2102", "2101:2102", "route-target:as2-nn2:2101:2102"},
		{"route-target:as2-nn2:2101:2102", "2101:2102", "route-target:as2-nn2:2101:2102"},
		{"65000:100000", "65000:100000", "route-target:as2-nn4:65000:100000"},
		{"4200000001:7", "4200000001:7", "route-target:as4-nn2:4200000001:7"},
		{"1.10:7", "65546:7", "route-target:as4-nn2:65546:7"},
		{"10.2.1.1:7", "10.2.1.1:7", "route-target:ipv4-nn2:10.2.1.1:7"},
		{"route-target:ipv4-nn2:10.2.1.1:7", "10.2.1.1:7", "route-target:ipv4-nn2:10.2.1.1:7"},
	}
	for _, tt := range tests {
		rt, err := ParseRouteTarget(tt.in)
		if err != nil {
			t.Errorf("ParseRouteTarget(%q): %v", tt.in, err)
			continue
		}
		if rt.String() != tt.cli || rt.DME() != tt.dme {
			t.Errorf("ParseRouteTarget(%q) = %q / %q, want %q / %q", tt.in, rt, rt.DME(), tt.cli, tt.dme)
		}
		again, err := ParseRouteTarget(rt.DME())
		if err != nil || again != rt {
			t.Errorf("DME form %q does not round-trip: %v, %v", rt.DME(), again, err)
		}
	}
	for _, in := range []string{"", "2101", ":5", "5:", "0:5", "23456:1", "4200000001:70000", "10.2.1.1:70000",
		"2001:db8::1:5", "route-target:as2-nn2:4200000001:7", "route-target:2101:2102", "x:y"} {
		if _, err := ParseRouteTarget(in); err == nil || !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("ParseRouteTarget(%q) error = %v, want one quoting the input", in, err)
		}
	}
	var zero RouteTarget
	if !zero.IsZero() || zero.String() != "" || zero.DME() != "" {
		t.Error("zero route target is not unset")
	}
}

func TestRouteTargetText(t *testing.T) {
	var v struct {
		C RouteTarget `json:"c,omitzero"`
	}
	if err := json.Unmarshal([]byte(`{"c":"2101:2102"}`), &v); err != nil || v.C.String() != "2101:2102" {
		t.Fatalf("unmarshal: %v %v", v.C, err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"c":"2101:2102"}` {
		t.Fatalf("marshal = %s", b)
	}
	v.C = RouteTarget{}
	if b, _ := json.Marshal(v); string(b) != `{}` {
		t.Fatalf("unset color marshals as %s", b)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	const clear = `s3cr"et\pass`
	s := NewSecret(clear)
	for _, got := range []string{
		s.String(), s.GoString(),
		sprintf("%v %s %q %+v %#v %x", s, s, s, s, s, s),
		sprintf("%v", struct{ P Secret }{s}),
		sprintf("%+v", &struct{ P Secret }{s}),
		mustJSON(t, struct{ P Secret }{s}),
	} {
		if strings.Contains(got, clear) || strings.Contains(got, "s3cr") {
			t.Errorf("secret leaked in %q", got)
		}
	}
	if s.Reveal() != clear {
		t.Error("Reveal lost the value")
	}
	if NewSecret("").String() != "" || !NewSecret("").IsZero() {
		t.Error("empty secret")
	}
}

func TestProblemsSortAndUnwrap(t *testing.T) {
	ps := Problems{
		{Path: "cluster.nodes[10].ipv4", Code: CodeNotInSubnet, Message: "b"},
		{Path: "cluster.nodes[9].ipv4", Code: CodeNotInSubnet, Message: "a"},
		{Path: "cluster.nodes[9].ipv4", Code: CodeNotInSubnet, Message: "a"},
		{Path: "cluster.asn", Code: CodeSameASN, Message: "c"},
	}
	err := ps.Err()
	got, ok := AsProblems(err)
	if !ok || len(got) != 3 {
		t.Fatalf("AsProblems = %v, %v", got, ok)
	}
	want := []string{"cluster.asn", "cluster.nodes[9].ipv4", "cluster.nodes[10].ipv4"}
	for i, p := range got {
		if p.Path != want[i] {
			t.Errorf("problem %d path %q, want %q", i, p.Path, want[i])
		}
	}
	if len(got.Unwrap()) != 3 || !got.Has(CodeSameASN) || got.Has(CodeOverlap) {
		t.Error("Unwrap/Has")
	}
	if got[0].Error() != "cluster.asn: same-asn: c" {
		t.Errorf("Error() = %q", got[0].Error())
	}
	if Problems(nil).Err() != nil {
		t.Error("no problems must be a nil error")
	}
}
