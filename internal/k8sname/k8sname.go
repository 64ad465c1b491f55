package k8sname

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Length limits of the Kubernetes names.
const (
	MaxLabelLen     = 63  // a DNS-1123 label, a label value, the name part of a qualified name
	MaxSubdomainLen = 253 // a DNS-1123 subdomain, the prefix of a qualified name
)

// Subdomain checks a DNS-1123 subdomain, the rule of most Kubernetes object names: 1–253
// characters, dot-separated labels of lower-case letters, digits and '-', each starting and ending
// with a letter or digit.
func Subdomain(s string) string {
	if r := Length(s, MaxSubdomainLen); r != "" {
		return r
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if r := labelChars(s, start, i); r != "" {
				return r
			}
			start = i + 1
		}
	}
	return ""
}

// Label checks a DNS-1123 label (namespace names, for one): 1–63 lower-case letters, digits and
// '-', starting and ending with a letter or digit.
func Label(s string) string {
	if r := Length(s, MaxLabelLen); r != "" {
		return r
	}
	return labelChars(s, 0, len(s))
}

// LabelValue checks a label value: empty, or 1–63 letters, digits, '-', '_' and '.', starting and
// ending with a letter or digit. An empty value is valid, as Kubernetes has it; callers that need
// one check for "" themselves.
func LabelValue(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > MaxLabelLen {
		return tooLong(s, MaxLabelLen)
	}
	return keyChars(s, 0, len(s), "a label value")
}

// QualifiedName checks a qualified name, the rule of label and annotation keys: a name part of
// 1–63 letters, digits, '-', '_' and '.' starting and ending with a letter or digit, optionally
// after a prefix that is a DNS-1123 subdomain and a '/' ("example.com/MyName").
func QualifiedName(s string) string {
	if s == "" {
		return "is empty"
	}
	name, off := s, 0
	if i := strings.IndexByte(s, '/'); i >= 0 {
		if j := strings.IndexByte(s[i+1:], '/'); j >= 0 {
			return "has a second '/' at offset " + strconv.Itoa(i+1+j) + " (at most one, after the prefix)"
		}
		if r := Subdomain(s[:i]); r != "" {
			return "has a prefix that " + r // the prefix starts s: its offsets are s's
		}
		name, off = s[i+1:], i+1
	}
	switch {
	case name == "":
		return "has an empty name part at offset " + strconv.Itoa(off)
	case len(name) > MaxLabelLen:
		return "has a name part of " + strconv.Itoa(len(name)) + " characters (at most " + strconv.Itoa(MaxLabelLen) + ")"
	}
	return keyChars(s, off, len(s), "a name part")
}

// labelChars checks s[from:to] as a DNS-1123 label whose length is known to be fine.
func labelChars(s string, from, to int) string {
	if from == to {
		return "has an empty label at offset " + strconv.Itoa(from)
	}
	for i := from; i < to; i++ {
		c := s[i]
		switch {
		case isLowerAlnum(c):
		case c == '-':
			if i == from || i == to-1 {
				return "has '-' at offset " + strconv.Itoa(i) + " (a label must start and end with a letter or digit)"
			}
		default:
			return BadChar(s, i) + " (lower-case letters, digits and '-' only)"
		}
	}
	return ""
}

// keyChars checks s[from:to], non-empty, as letters, digits, '-', '_' and '.' starting and ending
// with a letter or digit; what names the part for the message.
func keyChars(s string, from, to int, what string) string {
	for i := from; i < to; i++ {
		c := s[i]
		switch {
		case isAlnum(c):
		case c == '-' || c == '_' || c == '.':
			if i == from || i == to-1 {
				return BadChar(s, i) + " (" + what + " must start and end with a letter or digit)"
			}
		default:
			return BadChar(s, i) + " (letters, digits and - _ . only)"
		}
	}
	return ""
}

// MaxSecretKeyLen is the longest Secret (or ConfigMap) data key.
const MaxSecretKeyLen = 253

// SecretKey checks a Secret data key: 1–253 letters, digits, '-', '_' and '.', not "." or "..".
func SecretKey(s string) string {
	if r := Length(s, MaxSecretKeyLen); r != "" {
		return r
	}
	if s == "." || s == ".." {
		return "is " + strconv.Quote(s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return BadChar(s, i) + " (letters, digits and - _ . only)"
		}
	}
	return ""
}

// Length returns "is empty" or "is N characters long (at most maxLen)" for a name outside
// 1–maxLen bytes, else "".
func Length(s string, maxLen int) string {
	switch {
	case s == "":
		return "is empty"
	case len(s) > maxLen:
		return tooLong(s, maxLen)
	}
	return ""
}

func tooLong(s string, maxLen int) string {
	return "is " + strconv.Itoa(len(s)) + " characters long (at most " + strconv.Itoa(maxLen) + ")"
}

// BadChar names the character at byte offset i: "has 'x' at offset 3". A byte that starts no
// valid UTF-8 sequence is shown as its escape.
func BadChar(s string, i int) string {
	r, size := utf8.DecodeRuneInString(s[i:])
	q := strconv.QuoteRune(r)
	if r == utf8.RuneError && size == 1 {
		q = strconv.Quote(s[i : i+1])
	}
	return "has " + q + " at offset " + strconv.Itoa(i)
}

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isLowerAlnum(c) || c >= 'A' && c <= 'Z' }
