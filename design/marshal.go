package design

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// MarshalYAML writes the design as a design file: the field names of the file format in the order
// of the Go types (fabric, cluster, peering), unset fields left out, short mappings and lists of
// scalars in flow style. Load reads the result back to an equal design.
func (d *Design) MarshalYAML() ([]byte, error) {
	j, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("design: marshal: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	tree, err := readOrdered(dec)
	if err != nil {
		return nil, fmt.Errorf("design: marshal: %w", err)
	}
	var b bytes.Buffer
	m, ok := tree.(orderedMap)
	if !ok {
		return nil, fmt.Errorf("design: marshal: want a mapping at the top, got %T", tree)
	}
	writeBlockMap(&b, prune(m, true), 0)
	return b.Bytes(), nil
}

// prune drops unset values that the Go types write without omitempty: empty strings (unset
// addresses and prefixes too), nulls, zero numbers other than a loopback id, and mappings left
// empty. Load reads a missing field as unset, so nothing is lost. The top level keeps its
// sections.
func prune(m orderedMap, top bool) orderedMap {
	out := m[:0:0]
	for _, kv := range m {
		switch v := kv.value.(type) {
		case nil:
			continue
		case string:
			if v == "" {
				continue
			}
		case json.Number:
			if v.String() == "0" && kv.key != "id" {
				continue
			}
		case orderedMap:
			v = prune(v, false)
			if len(v) == 0 && !top {
				continue
			}
			kv.value = v
		case []any:
			for i, item := range v {
				if im, ok := item.(orderedMap); ok {
					v[i] = prune(im, false)
				}
			}
		}
		out = append(out, kv)
	}
	return out
}

// orderedMap is a JSON object with its keys in document order.
type orderedMap []keyValue

type keyValue struct {
	key   string
	value any // orderedMap, []any, string, json.Number, bool or nil
}

// readOrdered reads one JSON value, keeping the order of object keys.
func readOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := orderedMap{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := readOrdered(dec)
				if err != nil {
					return nil, err
				}
				m = append(m, keyValue{key: kt.(string), value: v})
			}
			_, err := dec.Token()
			return m, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := readOrdered(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return tok, nil
	}
}

// flowWidth is the longest line written in flow style.
const flowWidth = 120

func writeBlockMap(b *bytes.Buffer, m orderedMap, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, kv := range m {
		b.WriteString(pad)
		writeEntry(b, kv, indent)
	}
}

// writeEntry writes "key: value" for one entry of a block mapping whose first line is already
// indented.
func writeEntry(b *bytes.Buffer, kv keyValue, indent int) {
	b.WriteString(scalarText(kv.key, false))
	b.WriteByte(':')
	switch v := kv.value.(type) {
	case orderedMap:
		if len(v) == 0 {
			b.WriteString(" {}\n")
			return
		}
		if s, ok := flow(v); ok && indent+len(kv.key)+2+len(s) <= flowWidth {
			b.WriteString(" " + s + "\n")
			return
		}
		b.WriteByte('\n')
		writeBlockMap(b, v, indent+2)
	case []any:
		if len(v) == 0 {
			b.WriteString(" []\n")
			return
		}
		if s, ok := flow(v); ok && indent+len(kv.key)+2+len(s) <= flowWidth {
			b.WriteString(" " + s + "\n")
			return
		}
		b.WriteByte('\n')
		writeBlockList(b, v, indent)
	default:
		b.WriteString(" " + scalar(v, false) + "\n")
	}
}

func writeBlockList(b *bytes.Buffer, list []any, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, item := range list {
		b.WriteString(pad + "- ")
		switch v := item.(type) {
		case orderedMap:
			if s, ok := flow(v); ok && indent+2+len(s) <= flowWidth {
				b.WriteString(s + "\n")
				continue
			}
			if len(v) == 0 {
				b.WriteString("{}\n")
				continue
			}
			writeEntry(b, v[0], indent+2)
			for _, kv := range v[1:] {
				b.WriteString(pad + "  ")
				writeEntry(b, kv, indent+2)
			}
		case []any:
			if s, ok := flow(v); ok {
				b.WriteString(s + "\n")
				continue
			}
			b.WriteByte('\n')
			writeBlockList(b, v, indent+2)
		default:
			b.WriteString(scalar(v, false) + "\n")
		}
	}
}

// flow renders a mapping or list of scalars in flow style; ok is false when it holds a mapping or
// a list.
func flow(v any) (string, bool) {
	var parts []string
	switch x := v.(type) {
	case orderedMap:
		for _, kv := range x {
			switch kv.value.(type) {
			case orderedMap, []any:
				return "", false
			}
			parts = append(parts, scalarText(kv.key, true)+": "+scalar(kv.value, true))
		}
		return "{" + strings.Join(parts, ", ") + "}", true
	case []any:
		for _, item := range x {
			switch item.(type) {
			case orderedMap, []any:
				return "", false
			}
			parts = append(parts, scalar(item, true))
		}
		return "[" + strings.Join(parts, ", ") + "]", true
	}
	return "", false
}

func scalar(v any, inFlow bool) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case json.Number:
		return x.String()
	case string:
		return scalarText(x, inFlow)
	}
	return fmt.Sprint(v)
}

// scalarText writes s plain when YAML reads it back as the same string, double-quoted otherwise.
func scalarText(s string, inFlow bool) string {
	if plainSafe(s, inFlow) {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// resolvableFirst are the first characters of the plain scalars YAML may read as something other
// than a string (go.yaml.in/yaml/v2's resolve table).
const resolvableFirst = "+-.0123456789~<yYnNtTfFoO"

// addressLike reports whether s, starting with a digit or a sign, holds '/' or ':' or two dots
// (prefixes, IPv6 and IPv4 addresses) without starting like a date (YYYY-): YAML's resolver then
// reads it as a string, since no integer, float or binary number has those characters.
func addressLike(s string) bool {
	if s == "" || !strings.ContainsRune("+-0123456789", rune(s[0])) {
		return false
	}
	if len(s) > 4 && s[4] == '-' && strings.Trim(s[:4], "0123456789") == "" {
		return false // may be a timestamp
	}
	return strings.ContainsAny(s, "/:") || strings.Count(s, ".") >= 2
}

func plainSafe(s string, inFlow bool) bool {
	if s == "" || s != strings.TrimSpace(s) || strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`") {
		return false
	}
	if strings.HasSuffix(s, ":") || strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}
	if inFlow && strings.ContainsAny(s, ",[]{}") {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r > 0x7e {
			return false
		}
	}
	// The resolver decides the rest: "true", "null", "010", "1e3" read as other types. It reads a
	// plain scalar as anything but a string only when the first character can start one (a digit,
	// a sign, '.', '~', '<', or the first letter of a boolean or null word); only those need asking,
	// which spares a YAML parse for most names.
	if !strings.ContainsRune(resolvableFirst, rune(s[0])) || addressLike(s) {
		return true
	}
	j, err := yaml.YAMLToJSON([]byte(s))
	if err != nil {
		return false
	}
	want, _ := json.Marshal(s)
	return bytes.Equal(j, want)
}
