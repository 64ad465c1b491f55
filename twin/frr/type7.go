package frr

import (
	"fmt"
	"strconv"
)

// type7Key is the fixed key table of the Cisco type-7 password encoding, the one NX-OS uses for
// "password 7 <form>".
const type7Key = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"

// decodeType7 returns the clear text of a Cisco type-7 string: two decimal digits of salt
// (00–15), then per clear byte i two hex digits of byte XOR key[(salt+i) mod len(key)]. Type 7 is
// an obfuscation, not encryption. The error never contains the clear text, only the length of
// the encoded form and the offset of the bad part.
func decodeType7(enc string) (string, error) {
	if len(enc) < 4 || len(enc)%2 != 0 {
		return "", fmt.Errorf("type-7 string of length %d: want an even length of at least 4", len(enc))
	}
	salt, err := strconv.Atoi(enc[:2])
	if err != nil || salt < 0 || salt > 15 {
		return "", fmt.Errorf("type-7 string: the first two characters are not a salt 00–15")
	}
	out := make([]byte, 0, len(enc)/2-1)
	for i := 2; i < len(enc); i += 2 {
		v, err := strconv.ParseUint(enc[i:i+2], 16, 8)
		if err != nil {
			return "", fmt.Errorf("type-7 string: characters at offset %d are not a hex byte", i)
		}
		c := byte(v) ^ type7Key[(salt+len(out))%len(type7Key)]
		if c <= ' ' || c > '~' {
			return "", fmt.Errorf("type-7 string: byte %d decodes to a blank or non-printable character", len(out)+1)
		}
		out = append(out, c)
	}
	return string(out), nil
}
