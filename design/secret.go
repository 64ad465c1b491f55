package design

import (
	"fmt"
	"log/slog"
)

// Secret holds a sensitive string (a BGP password) so that it cannot leak by accident: every way
// of printing, logging or marshalling it shows "[redacted]". Only Reveal returns the value. The
// zero value is the empty secret.
type Secret struct{ value string }

// Redacted is what a Secret prints as.
const Redacted = "[redacted]"

// NewSecret wraps a sensitive value.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the value. Call it only where the value must leave the program (a request body).
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.value == "" }

// String returns "[redacted]" (or "" for the empty secret).
func (s Secret) String() string {
	if s.value == "" {
		return ""
	}
	return Redacted
}

// GoString returns the same as String, so %#v does not reveal the value.
func (s Secret) GoString() string { return `design.Secret("` + s.String() + `")` }

// Format makes every fmt verb print the redacted form.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(s.GoString()))
		return
	}
	_, _ = f.Write([]byte(s.String()))
}

// LogValue implements slog.LogValuer with the redacted form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText writes the redacted form, so JSON and YAML never carry the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
