package addressing

import (
	"errors"
	"strconv"
)

// ParseError reports text that is not a valid value of the kind being
// parsed. Its message quotes the input and says what is wrong, for example
//
//	invalid prefix "10.0.0.1/8": host bits set (want 10.0.0.0/8)
type ParseError struct {
	Kind  string // what was being parsed: "prefix", "interface prefix", "address", "address family"
	Input string // the text as given
	Msg   string // why it was rejected
}

// Error returns `invalid <kind> "<input>": <msg>`.
func (e *ParseError) Error() string {
	return "invalid " + e.Kind + " " + strconv.Quote(e.Input) + ": " + e.Msg
}

// ErrExhausted is returned, wrapped with the pool prefix and the request,
// when a [Pool] has no free address or subnet of the requested size. Test
// for it with [errors.Is].
var ErrExhausted = errors.New("address pool exhausted")

// ErrInUse is returned, wrapped with the pool prefix and the request, when a
// [Pool] reservation overlaps an address or subnet already taken.
var ErrInUse = errors.New("already in use")
