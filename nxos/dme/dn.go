package dme

import (
	"fmt"
	"net/netip"
	"strings"
)

// DN is a parsed distinguished name such as "sys/bgp/inst/dom-default/peer-[10.2.1.5]".
//
// A DN keeps its spelling (String) and a canonical comparison key (Key) in which
// optional brackets are dropped, IP addresses and prefixes are written the way
// net/netip prints them and nested DNs are canonicalised recursively. Two DNs name
// the same object exactly when their keys are equal; use Equal or Key, never
// compare String values or use == on DNs spelled by different parties.
// The zero DN is invalid.
type DN struct {
	s   string
	key string
}

// ParseDN parses a DN. It is bracket- and nesting-aware: "/" splits RNs only
// outside brackets, so "sys/intf/phys-[eth1/1]" has three RNs and
// "…/rsrtDstAtt-[sys/rpm/pfxlistv4-[x]]" keeps its nested DN in one RN.
func ParseDN(s string) (DN, error) {
	rns, err := splitDN(s)
	if err != nil {
		return DN{}, err
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, rn := range rns {
		if i > 0 {
			b.WriteByte('/')
		}
		k, err := rnKey(rn)
		if err != nil {
			return DN{}, fmt.Errorf("dme: DN %q: %w", s, err)
		}
		b.WriteString(k)
	}
	return DN{s: s, key: b.String()}, nil
}

// MustParseDN is ParseDN for literals and tests; it panics on a bad DN.
func MustParseDN(s string) DN {
	d, err := ParseDN(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String returns the DN as it was written when parsed or built.
func (d DN) String() string { return d.s }

// Key returns the canonical comparison key: equal keys mean the same object.
// It is meant for map keys and equality, not for sending to a device.
func (d DN) Key() string { return d.key }

// Equal reports whether d and e name the same object.
func (d DN) Equal(e DN) bool { return d.key == e.key }

// IsZero reports whether d is the zero (invalid) DN.
func (d DN) IsZero() bool { return d.s == "" }

// RNs returns the relative names of d in order ("sys", "bgp", …); nil for the zero DN.
func (d DN) RNs() []string {
	if d.s == "" {
		return nil
	}
	rns, _ := splitDN(d.s)
	return rns
}

// Last returns the last RN of d ("" for the zero DN).
func (d DN) Last() string {
	i := lastSlash(d.s)
	return d.s[i+1:]
}

// Parent returns d without its last RN; the parent of a one-RN DN is the zero DN.
func (d DN) Parent() DN {
	i := lastSlash(d.s)
	if i < 0 {
		return DN{}
	}
	j := lastSlash(d.key)
	return DN{s: d.s[:i], key: d.key[:j]}
}

// Child returns d extended by rn, or the zero DN if d is zero or rn is not a valid RN.
func (d DN) Child(rn string) DN {
	if d.s == "" {
		return DN{}
	}
	if rns, err := splitDN(rn); err != nil || len(rns) != 1 {
		return DN{}
	}
	k, err := rnKey(rn)
	if err != nil {
		return DN{}
	}
	return DN{s: d.s + "/" + rn, key: d.key + "/" + k}
}

// lastSlash returns the index of the last "/" outside brackets, or -1.
func lastSlash(s string) int {
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ']':
			depth++
		case '[':
			depth--
		case '/':
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitDN splits s into RNs at "/" outside brackets and checks the bracket syntax.
func splitDN(s string) ([]string, error) {
	if s == "" {
		return nil, fmt.Errorf("dme: empty DN")
	}
	n := 1
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			n++
		}
	}
	rns := make([]string, 0, n)
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '[':
			if depth == 0 && (i == start || s[i-1] != '-') {
				return nil, fmt.Errorf("dme: DN %q: \"[\" at offset %d must follow \"-\"", s, i)
			}
			depth++
		case c == ']':
			if depth == 0 {
				return nil, fmt.Errorf("dme: DN %q: unbalanced \"]\" at offset %d", s, i)
			}
			if s[i-1] == '[' {
				return nil, fmt.Errorf("dme: DN %q: empty brackets at offset %d", s, i-1)
			}
			depth--
			if depth == 0 && i+1 < len(s) && s[i+1] != '-' && s[i+1] != '/' {
				return nil, fmt.Errorf("dme: DN %q: \"]\" at offset %d must end the RN or be followed by \"-\"", s, i)
			}
		case c == '/' && depth == 0:
			if i == start {
				return nil, fmt.Errorf("dme: DN %q: empty RN at offset %d", s, i)
			}
			rns = append(rns, s[start:i])
			start = i + 1
		case c < 0x20 || c == 0x7f || (c == ' ' && depth == 0):
			return nil, fmt.Errorf("dme: DN %q: invalid character %q at offset %d", s, c, i)
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("dme: DN %q: unclosed \"[\"", s)
	}
	if start == len(s) {
		return nil, fmt.Errorf("dme: DN %q: empty RN at offset %d", s, start)
	}
	return append(rns, s[start:]), nil
}

// RNKey returns the canonical comparison key of one RN, the per-RN part of DN.Key:
// RNKey("af-[ipv4-ucast]") == RNKey("af-ipv4-ucast").
func RNKey(rn string) (string, error) {
	rns, err := splitDN(rn)
	if err != nil {
		return "", err
	}
	if len(rns) != 1 {
		return "", fmt.Errorf("dme: RN %q contains \"/\" outside brackets", rn)
	}
	return rnKey(rn)
}

// rnKey canonicalises one syntactically valid RN: bracket groups lose their
// brackets unless the value needs them, values are canonicalised. The key of a
// key is the key itself (see needsBrackets).
func rnKey(rn string) (string, error) {
	if strings.IndexByte(rn, '[') < 0 {
		return canonBare(rn), nil
	}
	var b strings.Builder
	b.Grow(len(rn))
	i := 0
	for i < len(rn) {
		j := strings.IndexByte(rn[i:], '[')
		if j < 0 {
			b.WriteString(canonBare(rn[i:]))
			break
		}
		b.WriteString(canonBare(rn[i : i+j]))
		open := i + j
		end := closeBracket(rn, open)
		if end < 0 { // cannot happen: the RN was parsed balanced
			end = len(rn) - 1
		}
		v, err := canonValue(rn[open+1 : end])
		if err != nil {
			return "", err
		}
		if needsBrackets(v) {
			b.WriteByte('[')
			b.WriteString(v)
			b.WriteByte(']')
		} else {
			b.WriteString(v)
		}
		i = end + 1
	}
	return b.String(), nil
}

// needsBrackets reports whether the canonical naming value v must keep its
// brackets in a key: when it holds "/" or brackets, or when read unbracketed it
// would be canonicalised again. A bracket group always sits between "-"
// separators, so unbracketed its "-"-separated tokens are canonBare's tokens:
// "[-00::]" must stay bracketed, since bare "-00::" has the token "00::" that
// canonBare rewrites to "::" (the value as a whole is not an address).
func needsBrackets(v string) bool {
	return strings.ContainsAny(v, "/[]") || canonBare(v) != v
}

// canonValue canonicalises a bracketed naming value: addresses, prefixes, nested DNs.
func canonValue(v string) (string, error) {
	if a, err := netip.ParseAddr(v); err == nil {
		return a.String(), nil
	}
	if strings.IndexByte(v, '/') > 0 && strings.IndexByte(v, '[') < 0 {
		if p, err := netip.ParsePrefix(v); err == nil {
			return p.String(), nil
		}
	}
	if v == "sys" || strings.HasPrefix(v, "sys/") {
		d, err := ParseDN(v)
		if err != nil {
			return "", fmt.Errorf("nested DN %q: %w", v, err)
		}
		return d.key, nil
	}
	return v, nil
}

// canonBare canonicalises unbracketed RN text: "-"-separated tokens that are IP
// addresses are rewritten in canonical form (only IPv6 spellings can change).
func canonBare(s string) string {
	if strings.IndexByte(s, ':') < 0 {
		return s
	}
	toks := strings.Split(s, "-")
	changed := false
	for i, t := range toks {
		if strings.IndexByte(t, ':') < 0 {
			continue
		}
		if a, err := netip.ParseAddr(t); err == nil && a.String() != t {
			toks[i] = a.String()
			changed = true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(toks, "-")
}
