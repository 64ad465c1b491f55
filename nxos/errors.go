package nxos

import (
	"fmt"
	"strconv"
	"strings"
)

// APIError is a request that NX-API refused: the HTTP status, the DME error code
// and text from the response body (empty when the body carried none) and the DN
// (or class query) the request addressed. Callers act on Status and Code, for
// example 102 (parent missing) or a 400 schema violation.
type APIError struct {
	Method string // HTTP method of the refused request
	Status int    // HTTP status code (200 when a 2xx body carried an error object)
	Code   string // DME error code, e.g. "102"
	Text   string // DME error text
	DN     string // DN or "class/<name>" the request addressed
}

// Error implements error. It never contains request bodies, so no secret can
// leak through it.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("nxos: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
	}
	b.WriteString(strconv.Quote(e.DN))
	b.WriteString(": HTTP ")
	b.WriteString(strconv.Itoa(e.Status))
	if e.Code != "" {
		b.WriteString(": code ")
		b.WriteString(e.Code)
	}
	if e.Text != "" {
		b.WriteString(": ")
		b.WriteString(e.Text)
	}
	return b.String()
}

// Temporary reports whether repeating the request may succeed (HTTP 5xx).
func (e *APIError) Temporary() bool { return e.Status >= 500 && e.Status <= 599 }

// AuthError is a failed login or token refresh: the switch was reachable but
// refused the credentials or the session. It names the user and the switch,
// never the password or the token.
type AuthError struct {
	URL    string // the switch's base URL
	User   string // the user name that was refused
	Status int    // HTTP status code of the refusal
	Text   string // DME error text, if the body carried one
}

// Error implements error.
func (e *AuthError) Error() string {
	msg := fmt.Sprintf("nxos: login as %q to %s: HTTP %d", e.User, e.URL, e.Status)
	if e.Text != "" {
		msg += ": " + e.Text
	}
	return msg
}
