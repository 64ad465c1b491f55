package bird

import (
	"fmt"
	"slices"
	"strings"
)

// MatchSelector reports whether labels satisfy the Calico label selector sel, in the subset of
// Calico's selector language that BGPPeer nodeSelector and peerSelector use:
//
//	all()                   every label set
//	has(k)    !has(k)       the label k is present / absent
//	k == 'v'  k != 'v'      equality (!= also holds when k is absent)
//	k in {'a', 'b'}         membership (k not in {...} also holds when k is absent)
//	a && b    a || b   !a   conjunction, disjunction, negation (&& binds tighter than ||)
//	( ... )                 grouping
//
// Strings are quoted with ' or ". An empty (all-blank) selector selects everything, as in Calico.
// Anything else is an error that quotes the selector and names the position.
func MatchSelector(sel string, labels map[string]string) (bool, error) {
	s, err := ParseSelector(sel)
	if err != nil {
		return false, err
	}
	return s.Match(labels), nil
}

// Selector is a parsed Calico label selector (see MatchSelector for the language).
type Selector struct {
	src  string
	root selNode
}

// ParseSelector parses sel once so that it can be matched against many label sets.
func ParseSelector(sel string) (*Selector, error) {
	p := &selParser{src: sel}
	p.next()
	if p.tok.kind == tokEOF {
		return &Selector{src: sel, root: selAll{}}, nil
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.errorf("unexpected %s", p.tok)
	}
	return &Selector{src: sel, root: n}, nil
}

// Match reports whether labels satisfy the selector.
func (s *Selector) Match(labels map[string]string) bool { return s.root.match(labels) }

// String returns the selector as it was written.
func (s *Selector) String() string { return s.src }

type selNode interface{ match(map[string]string) bool }

type (
	selAll struct{}
	selHas struct{ key string }
	selEq  struct{ key, val string }
	selNe  struct{ key, val string }
	selIn  struct {
		key  string
		vals []string
	}
	selNotIn struct {
		key  string
		vals []string
	}
	selNot struct{ x selNode }
	selAnd struct{ x, y selNode }
	selOr  struct{ x, y selNode }
)

func (selAll) match(map[string]string) bool { return true }
func (n selHas) match(l map[string]string) bool {
	_, ok := l[n.key]
	return ok
}
func (n selEq) match(l map[string]string) bool {
	v, ok := l[n.key]
	return ok && v == n.val
}
func (n selNe) match(l map[string]string) bool {
	v, ok := l[n.key]
	return !ok || v != n.val
}
func (n selIn) match(l map[string]string) bool {
	v, ok := l[n.key]
	return ok && slices.Contains(n.vals, v)
}
func (n selNotIn) match(l map[string]string) bool {
	v, ok := l[n.key]
	return !ok || !slices.Contains(n.vals, v)
}
func (n selNot) match(l map[string]string) bool { return !n.x.match(l) }
func (n selAnd) match(l map[string]string) bool { return n.x.match(l) && n.y.match(l) }
func (n selOr) match(l map[string]string) bool  { return n.x.match(l) || n.y.match(l) }

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokAnd
	tokOr
	tokNot
	tokEq
	tokNe
	tokLParen
	tokRParen
	tokLBrace
	tokRBrace
	tokComma
	tokBad
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of selector"
	case tokString:
		return fmt.Sprintf("string %q", t.text)
	case tokBad:
		return fmt.Sprintf("character %q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

type selParser struct {
	src   string
	off   int
	tok   token
	depth int
}

func (p *selParser) errorf(format string, args ...any) error {
	return fmt.Errorf("selector %q: at offset %d: %s", p.src, p.tok.pos, fmt.Sprintf(format, args...))
}

// isKeyChar reports whether c may appear in a label key or a bare word (all, has, in, not).
func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '/' || c == '-'
}

func (p *selParser) next() {
	for p.off < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.off]) >= 0 {
		p.off++
	}
	start := p.off
	if p.off >= len(p.src) {
		p.tok = token{kind: tokEOF, pos: start}
		return
	}
	two := ""
	if p.off+2 <= len(p.src) {
		two = p.src[p.off : p.off+2]
	}
	switch two {
	case "&&":
		p.off += 2
		p.tok = token{tokAnd, two, start}
		return
	case "||":
		p.off += 2
		p.tok = token{tokOr, two, start}
		return
	case "==":
		p.off += 2
		p.tok = token{tokEq, two, start}
		return
	case "!=":
		p.off += 2
		p.tok = token{tokNe, two, start}
		return
	}
	c := p.src[p.off]
	single := map[byte]tokKind{'!': tokNot, '(': tokLParen, ')': tokRParen, '{': tokLBrace, '}': tokRBrace, ',': tokComma}
	if k, ok := single[c]; ok {
		p.off++
		p.tok = token{k, string(c), start}
		return
	}
	if c == '\'' || c == '"' {
		end := strings.IndexByte(p.src[p.off+1:], c)
		if end < 0 {
			p.tok = token{tokBad, p.src[p.off:], start}
			p.off = len(p.src)
			return
		}
		p.tok = token{tokString, p.src[p.off+1 : p.off+1+end], start}
		p.off += end + 2
		return
	}
	if isKeyChar(c) {
		for p.off < len(p.src) && isKeyChar(p.src[p.off]) {
			p.off++
		}
		p.tok = token{tokIdent, p.src[start:p.off], start}
		return
	}
	p.off++
	p.tok = token{tokBad, string(c), start}
}

func (p *selParser) parseOr() (selNode, error) {
	x, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokOr {
		p.next()
		y, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		x = selOr{x, y}
	}
	return x, nil
}

func (p *selParser) parseAnd() (selNode, error) {
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokAnd {
		p.next()
		y, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		x = selAnd{x, y}
	}
	return x, nil
}

// maxSelectorDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxSelectorDepth = 100

func (p *selParser) parseUnary() (selNode, error) {
	depth := 0
	neg := false
	for p.tok.kind == tokNot {
		neg = !neg
		p.next()
		if depth++; depth > maxSelectorDepth {
			return nil, p.errorf("too many '!'")
		}
	}
	x, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	if neg {
		return selNot{x}, nil
	}
	return x, nil
}

func (p *selParser) parsePrimary() (selNode, error) {
	switch p.tok.kind {
	case tokLParen:
		if p.depth++; p.depth > maxSelectorDepth {
			return nil, p.errorf("parentheses nested more than %d deep", maxSelectorDepth)
		}
		p.next()
		x, err := p.parseOr()
		p.depth--
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			return nil, p.errorf("expected ')', found %s", p.tok)
		}
		p.next()
		return x, nil
	case tokIdent:
	default:
		return nil, p.errorf("expected a label key, all(), has(...), '!' or '(', found %s", p.tok)
	}
	word := p.tok.text
	p.next()
	if (word == "all" || word == "has") && p.tok.kind == tokLParen {
		p.next()
		if word == "all" {
			if p.tok.kind != tokRParen {
				return nil, p.errorf("all() takes no argument, found %s", p.tok)
			}
			p.next()
			return selAll{}, nil
		}
		if p.tok.kind != tokIdent {
			return nil, p.errorf("has() needs a label key, found %s", p.tok)
		}
		key := p.tok.text
		p.next()
		if p.tok.kind != tokRParen {
			return nil, p.errorf("expected ')' after has(%s, found %s", key, p.tok)
		}
		p.next()
		return selHas{key}, nil
	}
	key := word
	switch p.tok.kind {
	case tokEq, tokNe:
		op := p.tok.kind
		p.next()
		if p.tok.kind != tokString {
			return nil, p.errorf("expected a quoted value after %s, found %s", key, p.tok)
		}
		val := p.tok.text
		p.next()
		if op == tokEq {
			return selEq{key, val}, nil
		}
		return selNe{key, val}, nil
	case tokIdent:
		not := false
		if p.tok.text == "not" {
			not = true
			p.next()
			if p.tok.kind != tokIdent || p.tok.text != "in" {
				return nil, p.errorf("expected 'in' after '%s not', found %s", key, p.tok)
			}
		}
		if p.tok.text != "in" {
			return nil, p.errorf("unsupported operator %s after label %q (supported: ==, !=, in, not in)", p.tok, key)
		}
		p.next()
		vals, err := p.parseSet()
		if err != nil {
			return nil, err
		}
		if not {
			return selNotIn{key, vals}, nil
		}
		return selIn{key, vals}, nil
	}
	return nil, p.errorf("expected ==, !=, in or not in after label %q, found %s", key, p.tok)
}

func (p *selParser) parseSet() ([]string, error) {
	if p.tok.kind != tokLBrace {
		return nil, p.errorf("expected '{', found %s", p.tok)
	}
	p.next()
	var vals []string
	if p.tok.kind == tokRBrace {
		p.next()
		return vals, nil
	}
	for {
		if p.tok.kind != tokString {
			return nil, p.errorf("expected a quoted value in set, found %s", p.tok)
		}
		vals = append(vals, p.tok.text)
		p.next()
		switch p.tok.kind {
		case tokComma:
			p.next()
		case tokRBrace:
			p.next()
			return vals, nil
		default:
			return nil, p.errorf("expected ',' or '}' in set, found %s", p.tok)
		}
	}
}
