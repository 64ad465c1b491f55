package design

import (
	"fmt"
	"strconv"
	"strings"
)

// ASN is a BGP autonomous system number (RFC 6793, 4 bytes). The zero value means unset.
// Text forms: plain ("65102", "4200000001") and asdot ("64086.59904"); String prints plain.
type ASN uint32

// ASTrans is AS_TRANS (RFC 6793), reserved for 2-byte speakers; it can never be a real AS.
const ASTrans ASN = 23456

// ParseASN parses an AS number in plain or asdot form. It rejects 0 and AS_TRANS.
func ParseASN(s string) (ASN, error) {
	var v uint64
	var err error
	if hi, lo, ok := strings.Cut(s, "."); ok {
		var h, l uint64
		h, err = strconv.ParseUint(hi, 10, 16)
		if err == nil {
			l, err = strconv.ParseUint(lo, 10, 16)
		}
		v = h<<16 | l
	} else {
		v, err = strconv.ParseUint(s, 10, 32)
	}
	if err != nil {
		return 0, fmt.Errorf("invalid ASN %q: want a number from 1 to 4294967295 or asdot X.Y", s)
	}
	a := ASN(v)
	if err := a.check(); err != nil {
		return 0, fmt.Errorf("invalid ASN %q: %v", s, err)
	}
	return a, nil
}

func (a ASN) check() error {
	switch a {
	case 0:
		return fmt.Errorf("0 is reserved")
	case ASTrans:
		return fmt.Errorf("23456 is AS_TRANS, reserved")
	}
	return nil
}

// Valid reports whether the ASN can be used by a BGP speaker (not 0, not AS_TRANS).
func (a ASN) Valid() bool { return a.check() == nil }

// Is4Byte reports whether the ASN needs 4 bytes (above 65535).
func (a ASN) Is4Byte() bool { return a > 65535 }

// String returns the plain decimal form.
func (a ASN) String() string { return strconv.FormatUint(uint64(a), 10) }

// MarshalText implements encoding.TextMarshaler.
func (a ASN) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; see ParseASN.
func (a *ASN) UnmarshalText(b []byte) error {
	v, err := ParseASN(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// UnmarshalJSON accepts a JSON number or string.
func (a *ASN) UnmarshalJSON(b []byte) error {
	return a.UnmarshalText([]byte(strings.Trim(string(b), `"`)))
}

// MarshalJSON writes the ASN as a JSON number.
func (a ASN) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }
