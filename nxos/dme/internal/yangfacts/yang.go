package main

import (
	"fmt"
	"strings"
)

// stmt is one YANG statement: keyword, optional argument, substatements.
type stmt struct {
	kw   string
	arg  string
	subs []*stmt
	line int
}

// sub returns the first substatement with keyword kw, or nil.
func (s *stmt) sub(kw string) *stmt {
	for _, c := range s.subs {
		if c.kw == kw {
			return c
		}
	}
	return nil
}

// subArg returns the argument of the first substatement kw, or "".
func (s *stmt) subArg(kw string) string {
	if c := s.sub(kw); c != nil {
		return c.arg
	}
	return ""
}

// parseYANG parses YANG text into its top-level statements. It implements the
// lexical rules the device model uses: unquoted, double-quoted (with
// backslash escapes) and single-quoted strings, "+" concatenation of quoted
// strings, "//" and "/* */" comments, and ";"/"{…}" statement bodies.
func parseYANG(src string) ([]*stmt, error) {
	l := &lexer{src: src, line: 1}
	top := &stmt{}
	if err := l.body(top, false); err != nil {
		return nil, err
	}
	return top.subs, nil
}

type lexer struct {
	src  string
	pos  int
	line int
}

// token kinds
const (
	tEOF = iota
	tWord
	tString
	tSemi
	tOpen
	tClose
	tPlus
)

func (l *lexer) errorf(format string, args ...any) error {
	return fmt.Errorf("yang: line %d: %s", l.line, fmt.Sprintf(format, args...))
}

// skip skips white space and comments.
func (l *lexer) skip() error {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '\n':
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r':
			l.pos++
		case strings.HasPrefix(l.src[l.pos:], "//"):
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return l.errorf("unterminated comment")
			}
			l.line += strings.Count(l.src[l.pos:l.pos+2+end], "\n")
			l.pos += end + 4
		default:
			return nil
		}
	}
	return nil
}

// next returns the next token and its text.
func (l *lexer) next() (int, string, error) {
	if err := l.skip(); err != nil {
		return 0, "", err
	}
	if l.pos >= len(l.src) {
		return tEOF, "", nil
	}
	switch c := l.src[l.pos]; c {
	case ';':
		l.pos++
		return tSemi, ";", nil
	case '{':
		l.pos++
		return tOpen, "{", nil
	case '}':
		l.pos++
		return tClose, "}", nil
	case '+':
		l.pos++
		return tPlus, "+", nil
	case '"':
		var b strings.Builder
		for i := l.pos + 1; i < len(l.src); i++ {
			switch l.src[i] {
			case '\\':
				if i+1 < len(l.src) {
					i++
					switch l.src[i] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						b.WriteByte(l.src[i])
					}
				}
			case '"':
				l.line += strings.Count(l.src[l.pos:i], "\n")
				l.pos = i + 1
				return tString, b.String(), nil
			default:
				b.WriteByte(l.src[i])
			}
		}
		return 0, "", l.errorf("unterminated string")
	case '\'':
		end := strings.IndexByte(l.src[l.pos+1:], '\'')
		if end < 0 {
			return 0, "", l.errorf("unterminated string")
		}
		s := l.src[l.pos+1 : l.pos+1+end]
		l.line += strings.Count(s, "\n")
		l.pos += end + 2
		return tString, s, nil
	}
	start := l.pos
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '{' || c == '}' {
			break
		}
		l.pos++
	}
	return tWord, l.src[start:l.pos], nil
}

// body reads statements into parent until "}" (nested) or end of input (top).
func (l *lexer) body(parent *stmt, nested bool) error {
	for {
		tok, text, err := l.next()
		if err != nil {
			return err
		}
		switch tok {
		case tEOF:
			if nested {
				return l.errorf("unexpected end of input")
			}
			return nil
		case tClose:
			if !nested {
				return l.errorf("unbalanced \"}\"")
			}
			return nil
		case tWord:
		default:
			return l.errorf("expected a keyword, got %q", text)
		}
		s := &stmt{kw: text, line: l.line}
		parent.subs = append(parent.subs, s)
		tok, text, err = l.next()
		if err != nil {
			return err
		}
		if tok == tWord || tok == tString {
			s.arg = text
			for {
				save, saveLine := l.pos, l.line
				t2, _, err := l.next()
				if err != nil {
					return err
				}
				if t2 != tPlus {
					l.pos, l.line = save, saveLine
					break
				}
				t3, more, err := l.next()
				if err != nil {
					return err
				}
				if t3 != tString {
					return l.errorf("expected a string after \"+\"")
				}
				s.arg += more
			}
			tok, text, err = l.next()
			if err != nil {
				return err
			}
		}
		switch tok {
		case tSemi:
		case tOpen:
			if err := l.body(s, true); err != nil {
				return err
			}
		default:
			return l.errorf("statement %q: expected \";\" or \"{\", got %q", s.kw, text)
		}
	}
}
