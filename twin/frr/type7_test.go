package frr

import (
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
)

// TestType7KnownVector decodes the type-7 form nxos renders for the single-leaf test design's
// password (nxos/testdata/render/single-ipv4/leaf-edge-1.json).
func TestType7KnownVector(t *testing.T) {
	got, err := decodeType7("02281C16280703284F41360A5614000E1845")
	if err != nil || got != "Nx-Calico_s3cret!" {
		t.Fatalf("decode = %q, %v", got, err)
	}
}

// TestType7RoundTripWithNXOS renders the case study with passwords through nxos.Render (whose
// encoder is unexported) and checks that the translation holds each password in clear, on the
// peer-groups, and only there: Redacted hides it.
func TestType7RoundTripWithNXOS(t *testing.T) {
	d := design.CaseStudy()
	d.Peering.PasswordSecret = &design.SecretRef{Namespace: "calico-system", Name: "bgp", Key: "password"}
	in, err := design.Derive(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"a", "s3cr3t", "~!@$%^&*()_+{}|:\"<>?`-=[]\\;',./", strings.Repeat("Az09", 30)} {
		cs, err := nxos.Render(in, nxos.RenderOptions{Password: design.NewSecret(pw)})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(cs[0].Config.String(), pw) && len(pw) > 2 {
			t.Fatalf("the DME tree holds the password in clear")
		}
		c := translateOK(t, cs[0].Config, Options{})
		for _, g := range []string{"CALICO", "K8-v6"} {
			hasLines(t, c, "neighbor "+g+" password "+pw)
		}
		if strings.Contains(c.Redacted(), "password "+pw+"\n") || !strings.Contains(c.Redacted(), "password <redacted>") || !c.HasSecrets() {
			t.Errorf("Redacted shows the password or no marker:\n%s", c.Redacted())
		}
	}
}

func TestType7DecodeErrors(t *testing.T) {
	for _, enc := range []string{"", "0", "071", "1611", "xx1122", "07ZZ", "074F"} {
		if got, err := decodeType7(enc); err == nil {
			t.Errorf("decodeType7(%q) = %q, want an error", enc, got)
		}
	}
}
