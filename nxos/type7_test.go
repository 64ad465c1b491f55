package nxos

import (
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design"
)

// The vectors follow the definition of the encoding: two salt digits, then each byte XOR
// key[salt+i] in hex. "0822455D0A16" and "02050D480809" are the widely published forms of "cisco";
// the others were worked out by hand from the key table (key[0]='d', key[1]='s', key[15]='r').
func TestType7Encode(t *testing.T) {
	tests := []struct {
		clear string
		salt  int
		want  string
	}{
		{"cisco", 8, "0822455D0A16"},
		{"cisco", 2, "02050D480809"},
		{"a", 0, "0005"},             // 'd'^'a' = 0x05
		{"cisco", 1, "01100F175804"}, // 's'^'c', 'f'^'i', 'd'^'s', ';'^'c', 'k'^'o'
	}
	for _, tt := range tests {
		if got := type7Encode(tt.clear, tt.salt); got != tt.want {
			t.Errorf("type7Encode(%q, %d) = %q, want %q", tt.clear, tt.salt, got, tt.want)
		}
	}
	long := type7Encode(strings.Repeat("a", 40), 15)
	if len(long) != 82 || !strings.HasPrefix(long, "1513") || !strings.HasSuffix(long, "12") {
		t.Errorf("type7Encode(40×a, 15) = %q, want 82 characters, prefix 1513 (key 'r'), suffix 12 (key wraps to 's')", long)
	}
}

func TestType7DerivedSalt(t *testing.T) {
	// "cisco": byte sum 529, 529 mod 16 = 1.
	got, err := type7(design.NewSecret("cisco"))
	if err != nil || got != "01100F175804" {
		t.Fatalf("type7(cisco) = %q, %v; want 01100F175804", got, err)
	}
	again, _ := type7(design.NewSecret("cisco"))
	if again != got {
		t.Fatalf("type7 is not deterministic: %q then %q", got, again)
	}
}

func TestType7RoundTrip(t *testing.T) {
	for _, clear := range []string{"x", "cisco", "S3cr3t!pa$$", strings.Repeat("Zz9~", 30)} {
		for salt := 0; salt < 16; salt++ {
			enc := type7Encode(clear, salt)
			dec, err := type7Decode(enc)
			if err != nil || dec != clear {
				t.Errorf("decode(encode(%q, %d)) = %q, %v", clear, salt, dec, err)
			}
		}
	}
}

func TestType7Rejects(t *testing.T) {
	for _, clear := range []string{"", "has space", "tab\there", "naïve", "nl\n"} {
		_, err := type7(design.NewSecret(clear))
		if err == nil {
			t.Errorf("type7(%q): no error", clear)
			continue
		}
		if clear != "" && strings.Contains(err.Error(), clear) {
			t.Errorf("type7 error %q contains the password", err)
		}
		if !strings.Contains(err.Error(), "RenderOptions.Password") {
			t.Errorf("type7 error %q does not name the field", err)
		}
	}
	for _, enc := range []string{"", "0", "16AA", "08ZZ", "08A"} {
		if _, err := type7Decode(enc); err == nil {
			t.Errorf("type7Decode(%q): no error", enc)
		}
	}
}
