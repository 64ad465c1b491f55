package design

import (
	"bufio"
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nxcalico/nxcalico/addressing"
	"sigs.k8s.io/yaml"
)

// Load reads a design file (YAML, or JSON, which is YAML too) strictly: every field the format
// does not have and every value that does not decode is a problem (for example
// `cluster.nodes[2].ipv4Adress: unknown-field: …`). A field left out or set to null stays unset.
// Load checks the form of each value (an address parses, a network prefix has no host bits, an ASN
// is not 0); when every value decodes, it returns the design, and whether the design as a whole is
// sound is for Validate (or Derive).
//
// When some value does not decode, Load returns no design but every problem of the file at once,
// sorted by path: each value that does not decode (or that a misspelt key was meant to set) is
// reported once and counts as unknown, and Validate's rules run on the rest of the design, skipping
// for each unknown field the rules that need it, so that no follow-on problem repeats the same
// mistake.
//
// Only a failure to read r is returned as a plain error.
func Load(r io.Reader) (*Design, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("design: read design file: %w", err)
	}
	return parse(data)
}

// LoadFile is Load on the file at path. A file that cannot be read is a plain error naming the
// path; a file with problems returns Problems.
func LoadFile(path string) (*Design, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("design: %w", err)
	}
	return parse(data)
}

func parse(data []byte) (*Design, error) {
	d, probs := parseProblems(data)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

// parseProblems decodes a design file and returns the design and its problems, unsorted: none when
// every value decodes, and otherwise every problem of the file.
func parseProblems(data []byte) (*Design, Problems) {
	if p, ok := extraDocument(data); ok {
		return nil, Problems{p}
	}
	j, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, Problems{{Code: CodeInvalidValue, Message: "the design file is not valid YAML: " + oneLine(err.Error())}}
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, Problems{{Code: CodeInvalidValue, Message: "the design file is not valid YAML: " + err.Error()}}
	}
	if tree == nil {
		return nil, Problems{{Code: CodeRequired, Message: "the design file is empty: want a mapping with fabric, cluster and peering"}}
	}
	return decodeDesign(tree)
}

// decodeDesign decodes the generic tree of a design file. When a value does not decode, it also
// validates the rest of the design and returns every problem, unsorted.
func decodeDesign(tree any) (*Design, Problems) {
	d, u, probs := decodeTree(tree)
	if len(probs) == 0 || u.marked[""] {
		return d, probs // nothing to validate when the file is not a mapping at all
	}
	v := validate(d, u)
	return d, append(probs, v.probs...)
}

// decodeTree decodes the generic tree of a design file into a design, the fields whose value is
// unknown, and the problems of decoding.
func decodeTree(tree any) (*Design, *unknowns, Problems) {
	var d Design
	var l loader
	l.decode("", tree, reflect.ValueOf(&d).Elem(), valueSem{})
	return &d, &l.unknown, l.probs
}

// extraDocument reports a second YAML document in the file, which YAML decoding would silently
// drop.
func extraDocument(data []byte) (Problem, bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	content, ended, line := false, false, 0
	for sc.Scan() {
		line++
		t := strings.TrimRight(sc.Text(), " \t\r")
		start := t == "---" || strings.HasPrefix(t, "--- ")
		if (start && content) || (ended && t != "" && !strings.HasPrefix(strings.TrimSpace(t), "#")) {
			return Problem{Code: CodeInvalidValue, Message: fmt.Sprintf("line %d: the design file holds more than one YAML document; want exactly one", line)}, true
		}
		switch {
		case t == "...":
			ended = content
		case !start && t != "" && !strings.HasPrefix(strings.TrimSpace(t), "#") && !strings.HasPrefix(t, "%"):
			content = true
		}
	}
	return Problem{}, false
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// valueSem is what a field expects beyond its Go type.
type valueSem struct {
	family   addressing.Family // a field named ipv4 or ipv6 holds only that family
	iface    bool              // a prefix with a host address (gateway), not a network
	loopback bool              // a loopback prefix: Validate judges whether it is a host prefix
}

var (
	prefixType          = reflect.TypeFor[netip.Prefix]()
	addrType            = reflect.TypeFor[netip.Addr]()
	asnType             = reflect.TypeFor[ASN]()
	vlanType            = reflect.TypeFor[VLAN]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	anycastGatewayType  = reflect.TypeFor[AnycastGateway]()
	loopbackType        = reflect.TypeFor[Loopback]()
)

// structField is a field of the design file: its JSON name and Go field index.
type structField struct {
	name  string
	index int
}

var fieldCache sync.Map // reflect.Type → []structField

func fieldsOf(t reflect.Type) []structField {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]structField)
	}
	var fields []structField
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fields = append(fields, structField{name: name, index: i})
	}
	fieldCache.Store(t, fields)
	return fields
}

// loader decodes the generic JSON tree into the design, collecting every problem and marking the
// field of each as unknown.
type loader struct {
	probs   Problems
	unknown unknowns
}

func (l *loader) add(path string, code Code, format string, args ...any) {
	l.probs = append(l.probs, problemf(path, code, format, args...))
	l.unknown.mark(path)
}

func (l *loader) decode(path string, raw any, v reflect.Value, sem valueSem) {
	if raw == nil {
		return // null: the field stays unset
	}
	t := v.Type()
	switch t {
	case prefixType:
		l.prefix(path, raw, v, sem)
		return
	case addrType:
		l.addr(path, raw, v, sem)
		return
	case asnType, vlanType:
		l.number(path, raw, v)
		return
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		l.text(path, raw, v)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		l.object(path, raw, v)
	case reflect.Slice:
		list, ok := raw.([]any)
		if !ok {
			l.add(path, CodeInvalidValue, "want a list, got %s", describe(raw))
			return
		}
		if len(list) == 0 {
			return
		}
		s := reflect.MakeSlice(t, len(list), len(list))
		for i, item := range list {
			l.decode(path+"["+strconv.Itoa(i)+"]", item, s.Index(i), sem)
		}
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		before := len(l.probs)
		l.decode(path, raw, p.Elem(), sem)
		if t.Elem().Kind() != reflect.Struct && len(l.probs) > before {
			return // unknown, not set to the zero value
		}
		v.Set(p)
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			l.add(path, CodeInvalidValue, "want a string, got %s (quote it to keep it as text)", describe(raw))
			return
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			l.add(path, CodeInvalidValue, "want true or false, got %s", describe(raw))
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := raw.(json.Number)
		if !ok {
			l.add(path, CodeInvalidValue, "want an integer, got %s", describe(raw))
			return
		}
		x, err := strconv.ParseInt(n.String(), 10, t.Bits())
		if err != nil {
			l.add(path, CodeInvalidValue, "%s", intError(n, err))
			return
		}
		v.SetInt(x)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := raw.(json.Number)
		if !ok {
			l.add(path, CodeInvalidValue, "want an integer, got %s", describe(raw))
			return
		}
		x, err := strconv.ParseUint(n.String(), 10, t.Bits())
		if err != nil {
			if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(n.String(), "-") {
				l.add(path, CodeInvalidValue, "%s is out of range: at most %d", n, uint64(1)<<t.Bits()-1)
				return
			}
			l.add(path, CodeInvalidValue, "%s", intError(n, err))
			return
		}
		v.SetUint(x)
	default:
		l.add(path, CodeInvalidValue, "cannot decode %s into %s", describe(raw), t)
	}
}

// object decodes a mapping into a struct, reporting every key the struct does not have.
func (l *loader) object(path string, raw any, v reflect.Value) {
	m, ok := raw.(map[string]any)
	if !ok {
		l.add(path, CodeInvalidValue, "want a mapping, got %s", describe(raw))
		return
	}
	t := v.Type()
	fields := fieldsOf(t)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		sub := joinPath(path, k)
		i := slices.IndexFunc(fields, func(f structField) bool { return f.name == k })
		if i < 0 {
			l.unknownField(sub, path, k, fields, m)
			continue
		}
		f := fields[i]
		sem := valueSem{iface: t == anycastGatewayType, loopback: t == loopbackType}
		switch f.name {
		case "ipv4":
			sem.family = addressing.IPv4
		case "ipv6":
			sem.family = addressing.IPv6
		}
		l.decode(sub, m[k], v.Field(f.index), sem)
	}
}

// unknownField reports a key that is not a field of the mapping m at parent. When it looks like a
// misspelling of a field that m does not set, that field counts as unknown: the key was meant to
// set it.
func (l *loader) unknownField(path, parent, key string, fields []structField, m map[string]any) {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	where := "the top level"
	if parent != "" {
		where = parent
	}
	msg := fmt.Sprintf("%q is not a field of %s (fields: %s)", key, where, strings.Join(names, ", "))
	s := suggest(key, names)
	if s != "" {
		msg = fmt.Sprintf("%q is not a field of %s (did you mean %q?)", key, where, s)
	}
	l.add(path, CodeUnknownField, "%s", msg)
	if _, set := m[s]; s != "" && !set {
		l.unknown.mark(joinPath(parent, s))
	}
}

func (l *loader) prefix(path string, raw any, v reflect.Value, sem valueSem) {
	s, ok := raw.(string)
	if !ok {
		l.add(path, CodeInvalidPrefix, "want a prefix such as 10.244.0.0/16 in a string, got %s", describe(raw))
		return
	}
	if s == "" {
		return
	}
	parse := addressing.ParsePrefix
	if sem.iface || sem.loopback {
		parse = addressing.ParseInterfacePrefix
	}
	p, err := parse(s)
	if err != nil && sem.loopback {
		// A loopback written as a network (10.1.2.0/24) is a design mistake, not a typo:
		// Validate reports it as a loopback that is not a host prefix.
		if q, qerr := netip.ParsePrefix(s); qerr == nil && !q.Addr().Is4In6() && q.Bits() < q.Addr().BitLen() {
			p, err = q, nil
		}
	}
	if err != nil {
		l.add(path, CodeInvalidPrefix, "%v", err)
		return
	}
	if sem.family != 0 && addressing.PrefixFamily(p) != sem.family {
		l.add(path, CodeInvalidPrefix, "%q is an %s prefix; this field holds %s only", s, addressing.PrefixFamily(p), sem.family)
		return
	}
	v.Set(reflect.ValueOf(p))
}

func (l *loader) addr(path string, raw any, v reflect.Value, sem valueSem) {
	s, ok := raw.(string)
	if !ok {
		l.add(path, CodeInvalidPrefix, "want an IP address in a string, got %s", describe(raw))
		return
	}
	if s == "" {
		return
	}
	a, err := addressing.ParseAddr(s)
	if err != nil {
		if strings.Contains(s, "/") {
			l.add(path, CodeInvalidPrefix, "%v (write the address without a prefix length; the subnet is the anycast gateway's)", err)
			return
		}
		l.add(path, CodeInvalidPrefix, "%v", err)
		return
	}
	if sem.family != 0 && addressing.FamilyOf(a) != sem.family {
		l.add(path, CodeInvalidPrefix, "%q is an %s address; this field holds %s only", s, addressing.FamilyOf(a), sem.family)
		return
	}
	v.Set(reflect.ValueOf(a))
}

// number decodes an ASN or a VLAN, written as a number or as a string.
func (l *loader) number(path string, raw any, v reflect.Value) {
	code, what := CodeInvalidASN, "an AS number"
	if v.Type() == vlanType {
		code, what = CodeInvalidVLAN, "a VLAN ID"
	}
	var s string
	switch x := raw.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
		if strings.ContainsAny(s, ".eE") {
			if v.Type() == asnType {
				l.add(path, code, "YAML reads %s as the number %s, not as an asdot ASN: quote an asdot ASN (\"1.10\"), or write it plain", s, s)
				return
			}
			l.add(path, code, "%s is not an integer", s)
			return
		}
	default:
		l.add(path, code, "want %s, got %s", what, describe(raw))
		return
	}
	u := v.Addr().Interface().(encoding.TextUnmarshaler)
	if err := u.UnmarshalText([]byte(s)); err != nil {
		l.add(path, code, "%v", err)
	}
}

// text decodes a value whose type parses itself from text (route targets, enums).
func (l *loader) text(path string, raw any, v reflect.Value) {
	s, ok := raw.(string)
	if !ok {
		l.add(path, CodeInvalidValue, "want a string, got %s", describe(raw))
		return
	}
	u := v.Addr().Interface().(encoding.TextUnmarshaler)
	if err := u.UnmarshalText([]byte(s)); err != nil {
		v.SetZero()
		l.add(path, CodeInvalidValue, "%v", err)
	}
}

// intError says why a number does not fit an integer field.
func intError(n json.Number, err error) string {
	switch {
	case strings.ContainsAny(n.String(), ".eE"):
		return "want an integer, got " + n.String()
	case strings.HasPrefix(n.String(), "-") && !errors.Is(err, strconv.ErrRange):
		return "want a number of at least 0, got " + n.String()
	}
	return n.String() + " is out of range"
}

// describe names a decoded JSON value and quotes it, for messages.
func describe(raw any) string {
	switch x := raw.(type) {
	case string:
		return "the string " + strconv.Quote(x)
	case json.Number:
		return "the number " + x.String()
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	case []any:
		return fmt.Sprintf("a list of %d items", len(x))
	case map[string]any:
		return "a mapping"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", raw)
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// suggest returns the name closest to key when it is close enough to be a likely misspelling:
// equal but for letter case, a prefix of key or key a prefix of it, or within a small edit
// distance.
func suggest(key string, names []string) string {
	lk := strings.ToLower(key)
	best, bestDist := "", -1
	for _, n := range names {
		ln := strings.ToLower(n)
		if ln == lk {
			return n
		}
		d := editDistance(lk, ln)
		if bestDist < 0 || d < bestDist {
			best, bestDist = n, d
		}
	}
	if bestDist >= 0 && bestDist <= max(2, len(key)/3) {
		return best
	}
	for _, n := range names {
		ln := strings.ToLower(n)
		if len(ln) >= 3 && (strings.HasPrefix(lk, ln) || strings.HasPrefix(ln, lk) && len(lk) >= 3) {
			return n
		}
	}
	return ""
}

// editDistance is the Levenshtein distance of a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
