package nxos

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/design"
)

// type7Key is the fixed key table of the Cisco type-7 password encoding.
const type7Key = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"

// type7 returns the Cisco type-7 form of a BGP password ("password 7 <form>"), with a salt taken
// from the password itself so that one password always renders to one string. Type 7 is a
// reversible obfuscation that keeps the clear text out of files and screens; it is not
// encryption. The error never contains the password.
func type7(p design.Secret) (string, error) {
	clear := p.Reveal()
	if why := passwordProblem(clear); why != "" {
		return "", fmt.Errorf("nxos: %s: the password %s", passwordPath, why)
	}
	sum := 0
	for i := 0; i < len(clear); i++ {
		sum += int(clear[i])
	}
	return type7Encode(clear, sum%16), nil
}

// passwordProblem accepts 1 or more printable ASCII characters without blanks: what NX-OS takes
// as one CLI token. It returns "" or why not, naming the position of the first bad character,
// never the password.
func passwordProblem(clear string) string {
	if clear == "" {
		return "is empty"
	}
	for i := 0; i < len(clear); i++ {
		if c := clear[i]; c <= ' ' || c > '~' {
			return fmt.Sprintf("has a character that is not printable ASCII or is a blank at position %d", i+1)
		}
	}
	return ""
}

// type7Encode encodes clear with salt (0–15): two decimal salt digits, then per byte i the byte
// XOR key[(salt+i) mod len(key)] as two upper-case hex digits.
func type7Encode(clear string, salt int) string {
	var b strings.Builder
	b.Grow(2 + 2*len(clear))
	if salt < 10 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.Itoa(salt))
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(clear); i++ {
		x := clear[i] ^ type7Key[(salt+i)%len(type7Key)]
		b.WriteByte(hex[x>>4])
		b.WriteByte(hex[x&0xf])
	}
	return b.String()
}

// type7Decode reverses type7Encode. It exists for tests and tools that check what was rendered.
func type7Decode(enc string) (string, error) {
	if len(enc) < 2 || len(enc)%2 != 0 {
		return "", fmt.Errorf("nxos: type-7 string of length %d: want an even length of at least 2", len(enc))
	}
	salt, err := strconv.Atoi(enc[:2])
	if err != nil || salt < 0 || salt > 15 {
		return "", fmt.Errorf("nxos: type-7 string starts with %q: want a salt 00–15", enc[:2])
	}
	out := make([]byte, 0, len(enc)/2-1)
	for i := 2; i < len(enc); i += 2 {
		v, err := strconv.ParseUint(enc[i:i+2], 16, 8)
		if err != nil {
			return "", fmt.Errorf("nxos: type-7 string: %q at offset %d is not a hex byte", enc[i:i+2], i)
		}
		out = append(out, byte(v)^type7Key[(salt+len(out))%len(type7Key)])
	}
	return string(out), nil
}
