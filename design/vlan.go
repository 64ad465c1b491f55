package design

import (
	"fmt"
	"strconv"
	"strings"
)

// VLAN is an 802.1Q VLAN ID as NX-OS accepts it for an SVI: 1 to 3967 (3968–4095 are reserved for
// internal use). The zero value means unset.
type VLAN uint16

// MaxVLAN is the highest VLAN ID NX-OS accepts for user VLANs.
const MaxVLAN VLAN = 3967

// ParseVLAN parses a VLAN ID ("3001", also "vlan3001" and "Vlan3001").
func ParseVLAN(s string) (VLAN, error) {
	t := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(s), "vlan"), "-")
	n, err := strconv.ParseUint(t, 10, 16)
	if err != nil || n < 1 || VLAN(n) > MaxVLAN {
		return 0, fmt.Errorf("invalid VLAN %q: want 1 to %d", s, MaxVLAN)
	}
	return VLAN(n), nil
}

// Valid reports whether the VLAN is within 1–3967.
func (v VLAN) Valid() bool { return v >= 1 && v <= MaxVLAN }

// String returns the number.
func (v VLAN) String() string { return strconv.Itoa(int(v)) }

// Interface returns the NX-OS short interface id of the VLAN's SVI ("vlan3001").
func (v VLAN) Interface() string { return "vlan" + v.String() }

// MarshalText implements encoding.TextMarshaler.
func (v VLAN) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; see ParseVLAN.
func (v *VLAN) UnmarshalText(b []byte) error {
	x, err := ParseVLAN(string(b))
	if err != nil {
		return err
	}
	*v = x
	return nil
}

// UnmarshalJSON accepts a JSON number or string.
func (v *VLAN) UnmarshalJSON(b []byte) error {
	return v.UnmarshalText([]byte(strings.Trim(string(b), `"`)))
}

// MarshalJSON writes the VLAN as a JSON number.
func (v VLAN) MarshalJSON() ([]byte, error) { return []byte(v.String()), nil }
