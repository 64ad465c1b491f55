package dme

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Object is one managed object of the DME tree: its class, its properties (all
// values are strings, as on the wire) and its children.
type Object struct {
	Class    string
	Attrs    map[string]string // nil means no properties
	Children []*Object
}

// New returns an object of class with the given property name/value pairs:
// New("bgpPeer", "addr", "192.168.1.10", "peerImp", "CALICO"). An odd number of
// kv strings is a programming error and panics.
func New(class string, kv ...string) *Object {
	if len(kv)%2 != 0 {
		panic(fmt.Sprintf("dme.New(%q): odd number of key/value strings (%d)", class, len(kv)))
	}
	o := &Object{Class: class}
	if len(kv) > 0 {
		o.Attrs = make(map[string]string, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			o.Attrs[kv[i]] = kv[i+1]
		}
	}
	return o
}

// Add appends children (nil ones are skipped) and returns o, so trees can be built inline.
func (o *Object) Add(children ...*Object) *Object {
	for _, c := range children {
		if c != nil {
			o.Children = append(o.Children, c)
		}
	}
	return o
}

// Get returns the value of property attr, or "" when it is not set.
func (o *Object) Get(attr string) string {
	if o == nil {
		return ""
	}
	return o.Attrs[attr]
}

// Has reports whether property attr is set (possibly to "").
func (o *Object) Has(attr string) bool {
	if o == nil {
		return false
	}
	_, ok := o.Attrs[attr]
	return ok
}

// Set sets property attr to value and returns o.
func (o *Object) Set(attr, value string) *Object {
	if o.Attrs == nil {
		o.Attrs = make(map[string]string)
	}
	o.Attrs[attr] = value
	return o
}

// Clone returns a deep copy of o (nil for nil).
func (o *Object) Clone() *Object {
	if o == nil {
		return nil
	}
	c := &Object{Class: o.Class}
	if o.Attrs != nil {
		c.Attrs = make(map[string]string, len(o.Attrs))
		for k, v := range o.Attrs {
			c.Attrs[k] = v
		}
	}
	if len(o.Children) > 0 {
		c.Children = make([]*Object, len(o.Children))
		for i, ch := range o.Children {
			c.Children[i] = ch.Clone()
		}
	}
	return c
}

// Equal reports whether o and p have the same class, properties and children
// (in the same order). A nil and an empty property map are equal.
func (o *Object) Equal(p *Object) bool {
	if o == nil || p == nil {
		return o == p
	}
	if o.Class != p.Class || len(o.Attrs) != len(p.Attrs) || len(o.Children) != len(p.Children) {
		return false
	}
	for k, v := range o.Attrs {
		if w, ok := p.Attrs[k]; !ok || w != v {
			return false
		}
	}
	for i := range o.Children {
		if !o.Children[i].Equal(p.Children[i]) {
			return false
		}
	}
	return true
}

// RN returns the relative name of o: its explicit "rn" property if set, else the
// name built from its class's rn format and naming properties.
func (o *Object) RN() (string, error) {
	if rn := o.Get("rn"); rn != "" {
		return rn, nil
	}
	c, ok := Lookup(o.Class)
	if !ok {
		return "", fmt.Errorf("dme: unknown class %q", o.Class)
	}
	return c.FormatRN(o.Attrs)
}

// String returns the JSON form of o, for messages and debugging.
func (o *Object) String() string {
	b, _ := o.MarshalJSON()
	return string(b)
}

// MarshalJSON writes {"<class>":{"attributes":{…},"children":[…]}}. The output is
// deterministic: naming properties first in schema order, the rest sorted by name;
// empty "attributes" and "children" are omitted.
func (o *Object) MarshalJSON() ([]byte, error) {
	if o == nil {
		return []byte("null"), nil
	}
	if o.Class == "" {
		return nil, fmt.Errorf("dme: marshal: object without class")
	}
	return o.appendJSON(make([]byte, 0, 256))
}

func (o *Object) appendJSON(b []byte) ([]byte, error) {
	if o.Class == "" {
		return nil, fmt.Errorf("dme: marshal: object without class")
	}
	b = append(b, '{')
	b = appendString(b, o.Class)
	b = append(b, ':', '{')
	if len(o.Attrs) > 0 {
		b = append(b, `"attributes":{`...)
		first := true
		var naming []string
		if c, ok := Lookup(o.Class); ok {
			naming = c.Naming
		}
		for _, n := range naming {
			if v, ok := o.Attrs[n]; ok {
				b = appendPair(b, n, v, first)
				first = false
			}
		}
		keys := make([]string, 0, len(o.Attrs))
		for k := range o.Attrs {
			if !contains(naming, k) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			b = appendPair(b, k, o.Attrs[k], first)
			first = false
		}
		b = append(b, '}')
	}
	if len(o.Children) > 0 {
		if len(o.Attrs) > 0 {
			b = append(b, ',')
		}
		b = append(b, `"children":[`...)
		first := true
		for _, ch := range o.Children {
			if ch == nil {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			var err error
			if b, err = ch.appendJSON(b); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	return append(b, '}', '}'), nil
}

func appendPair(b []byte, k, v string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = appendString(b, k)
	b = append(b, ':')
	return appendString(b, v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string (no HTML escaping; invalid UTF-8 becomes U+FFFD).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// wireNode is the JSON form of one object, decoded in a single pass.
type wireNode map[string]wireBody

type wireBody struct {
	Attributes map[string]any `json:"attributes"`
	Children   []wireNode     `json:"children"`
}

// UnmarshalJSON reads {"<class>":{"attributes":{…},"children":[…]}}. Property
// values are normally strings; numbers and booleans are kept as their JSON text
// and null as "".
func (o *Object) UnmarshalJSON(b []byte) error {
	var w wireNode
	if err := decodeJSON(b, &w); err != nil {
		return fmt.Errorf("dme: object: %w", err)
	}
	obj, err := w.object()
	if err != nil {
		return err
	}
	*o = *obj
	return nil
}

// decodeJSON decodes b into v keeping numbers as their text.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value in %s", abbrev(b))
	}
	return nil
}

func (w wireNode) object() (*Object, error) {
	if len(w) != 1 {
		return nil, fmt.Errorf("dme: object must have exactly one class key, got %d", len(w))
	}
	for class, body := range w {
		if class == "" {
			return nil, fmt.Errorf("dme: object with empty class key")
		}
		o := &Object{Class: class}
		if len(body.Attributes) > 0 {
			o.Attrs = make(map[string]string, len(body.Attributes))
			for k, v := range body.Attributes {
				s, err := scalar(v)
				if err != nil {
					return nil, fmt.Errorf("dme: object %q: property %q: %w", class, k, err)
				}
				o.Attrs[k] = s
			}
		}
		if len(body.Children) > 0 {
			o.Children = make([]*Object, len(body.Children))
			for i, cw := range body.Children {
				if cw == nil {
					return nil, fmt.Errorf("dme: object %q: child %d is null", class, i)
				}
				c, err := cw.object()
				if err != nil {
					return nil, err
				}
				o.Children[i] = c
			}
		}
		return o, nil
	}
	panic("unreachable")
}

func scalar(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		return strconv.FormatBool(v), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("value of type %T is not a scalar", v)
}

func abbrev(b []byte) string {
	const max = 80
	if len(b) > max {
		return fmt.Sprintf("%q…", b[:max])
	}
	return fmt.Sprintf("%q", b)
}
