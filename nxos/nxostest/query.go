package nxostest

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// query holds the parsed GET parameters.
type query struct {
	target      string          // self, children, subtree
	targetClass map[string]bool // target-subtree-class
	subtree     string          // no, children, full
	subClass    map[string]bool // rsp-subtree-class
	namingOnly  bool            // rsp-prop-include=naming-only
	filter      filter          // nil when absent
}

// errUnknownClass is the device's answer to a query naming an unknown class.
func errUnknownClass(class string) response {
	return errResp(http.StatusBadRequest, "17", "Unknown class "+class)
}

func classSet(v string) (map[string]bool, *response) {
	if v == "" {
		return nil, nil
	}
	m := map[string]bool{}
	for _, c := range strings.Split(v, ",") {
		c = strings.TrimSpace(c)
		if _, ok := dme.Lookup(c); !ok {
			r := errUnknownClass(c)
			return nil, &r
		}
		m[c] = true
	}
	return m, nil
}

func parseQuery(v url.Values) (query, *response) {
	q := query{target: "self", subtree: "no"}
	if t := v.Get("query-target"); t != "" {
		switch t {
		case "self", "children", "subtree":
			q.target = t
		default:
			r := errResp(http.StatusBadRequest, "400", fmt.Sprintf("invalid query-target %q (self, children, subtree)", t))
			return q, &r
		}
	}
	if t := v.Get("rsp-subtree"); t != "" {
		switch t {
		case "no", "children", "full":
			q.subtree = t
		default:
			r := errResp(http.StatusBadRequest, "400", fmt.Sprintf("invalid rsp-subtree %q (no, children, full)", t))
			return q, &r
		}
	}
	var bad *response
	if q.targetClass, bad = classSet(v.Get("target-subtree-class")); bad != nil {
		return q, bad
	}
	if q.subClass, bad = classSet(v.Get("rsp-subtree-class")); bad != nil {
		return q, bad
	}
	switch p := v.Get("rsp-prop-include"); p {
	case "", "all", "config-only":
	case "naming-only":
		q.namingOnly = true
	default:
		r := errResp(http.StatusBadRequest, "400", fmt.Sprintf("invalid rsp-prop-include %q", p))
		return q, &r
	}
	if f := v.Get("query-target-filter"); f != "" {
		flt, err := parseFilter(f)
		if err != nil {
			var uc unknownClassError
			if asUnknown(err, &uc) {
				r := errUnknownClass(string(uc))
				return q, &r
			}
			r := errResp(http.StatusBadRequest, "400", fmt.Sprintf("invalid query-target-filter %q: %v", f, err))
			return q, &r
		}
		q.filter = flt
	}
	return q, nil
}

type hit struct {
	n  *node
	dn string
}

func (s *Server) getMO(d dme.DN, v url.Values) response {
	q, bad := parseQuery(v)
	if bad != nil {
		return *bad
	}
	s.treeMu.RLock()
	defer s.treeMu.RUnlock()
	n := s.tree.lookup(d)
	if n == nil {
		return jsonOK(emptyAnswer)
	}
	dn := d.String()
	var hits []hit
	switch q.target {
	case "self":
		hits = []hit{{n, dn}}
	case "children":
		for _, k := range n.children() {
			if q.targetClass == nil || q.targetClass[k.class.Name] {
				hits = append(hits, hit{k, dn + "/" + k.rn})
			}
		}
	case "subtree":
		walk(n, dn, func(k *node, kdn string) {
			if q.targetClass == nil || q.targetClass[k.class.Name] {
				hits = append(hits, hit{k, kdn})
			}
		})
	}
	return s.answer(q, hits)
}

func (s *Server) getClass(class string, v url.Values) response {
	if _, ok := dme.Lookup(class); !ok {
		return errUnknownClass(class)
	}
	q, bad := parseQuery(v)
	if bad != nil {
		return *bad
	}
	s.treeMu.RLock()
	defer s.treeMu.RUnlock()
	var hits []hit
	walk(s.tree.top.child("sys"), "sys", func(k *node, kdn string) {
		if k.class.Name == class {
			hits = append(hits, hit{k, kdn})
		}
	})
	return s.answer(q, hits)
}

// answer filters hits and renders them with their subtrees as a GET answer.
func (s *Server) answer(q query, hits []hit) response {
	r := render{wire: true, namingOnly: q.namingOnly}
	if q.subClass != nil {
		r.keep = func(n *node) bool { return hasClass(n, q.subClass) }
	}
	depth := 0
	switch q.subtree {
	case "children":
		depth = 1
	case "full":
		depth = -1
	}
	items := make([]byte, 0, 1024)
	count := 0
	for _, h := range hits {
		if q.filter != nil && !q.filter(h.n) {
			continue
		}
		o := r.object(h.n, depth)
		o.Attrs["dn"] = h.dn
		ob, err := o.MarshalJSON()
		if err != nil {
			return errResp(http.StatusInternalServerError, "500", err.Error())
		}
		if count > 0 {
			items = append(items, ',')
		}
		items = append(items, ob...)
		count++
	}
	out := make([]byte, 0, len(items)+40)
	out = append(out, `{"totalCount":"`...)
	out = strconv.AppendInt(out, int64(count), 10)
	out = append(out, `","imdata":[`...)
	out = append(out, items...)
	out = append(out, "]}"...)
	return jsonOK(out)
}

// hasClass reports whether n or a descendant has a class in set.
func hasClass(n *node, set map[string]bool) bool {
	if set[n.class.Name] {
		return true
	}
	for _, k := range n.kids {
		if hasClass(k, set) {
			return true
		}
	}
	return false
}

// filter decides whether an object is part of the answer.
type filter func(*node) bool

type unknownClassError string

func (e unknownClassError) Error() string { return "unknown class " + string(e) }

func asUnknown(err error, target *unknownClassError) bool {
	u, ok := err.(unknownClassError)
	if ok {
		*target = u
	}
	return ok
}

// parseFilter parses eq(c.p,"v"), ne, lt, gt, le, ge, bw(c.p,"a","b"),
// wcard(c.p,"regex"), and(…), or(…), not(…).
func parseFilter(s string) (filter, error) {
	p := &filterParser{s: s}
	f, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at offset %d", p.s[p.i:], p.i)
	}
	return f, nil
}

type filterParser struct {
	s string
	i int
}

func (p *filterParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *filterParser) expect(c byte) error {
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != c {
		return fmt.Errorf("expected %q at offset %d", c, p.i)
	}
	p.i++
	return nil
}

func (p *filterParser) word() string {
	p.space()
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '(' || c == ')' || c == ',' || c == ' ' || c == '"' {
			break
		}
		p.i++
	}
	return p.s[start:p.i]
}

func (p *filterParser) str() (string, error) {
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return "", fmt.Errorf("expected a quoted value at offset %d", p.i)
	}
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '\\':
			if p.i+1 < len(p.s) {
				b.WriteByte(p.s[p.i+1])
				p.i += 2
				continue
			}
		case '"':
			p.i++
			return b.String(), nil
		}
		b.WriteByte(c)
		p.i++
	}
	return "", fmt.Errorf("unterminated quoted value")
}

func (p *filterParser) expr() (filter, error) {
	op := p.word()
	if err := p.expect('('); err != nil {
		return nil, err
	}
	switch op {
	case "and", "or", "not":
		var subs []filter
		for {
			f, err := p.expr()
			if err != nil {
				return nil, err
			}
			subs = append(subs, f)
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			break
		}
		if err := p.expect(')'); err != nil {
			return nil, err
		}
		switch op {
		case "and":
			return func(n *node) bool {
				for _, f := range subs {
					if !f(n) {
						return false
					}
				}
				return true
			}, nil
		case "or":
			return func(n *node) bool {
				for _, f := range subs {
					if f(n) {
						return true
					}
				}
				return false
			}, nil
		default:
			if len(subs) != 1 {
				return nil, fmt.Errorf("not() takes one argument, got %d", len(subs))
			}
			return func(n *node) bool { return !subs[0](n) }, nil
		}
	case "eq", "ne", "lt", "gt", "le", "ge", "bw", "wcard":
	default:
		return nil, fmt.Errorf("unknown operator %q", op)
	}
	ref := p.word()
	class, prop, ok := strings.Cut(ref, ".")
	if !ok || class == "" || prop == "" {
		return nil, fmt.Errorf("property reference %q is not class.property", ref)
	}
	if _, known := dme.Lookup(class); !known {
		return nil, unknownClassError(class)
	}
	var vals []string
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			v, err := p.str()
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
			continue
		}
		break
	}
	if err := p.expect(')'); err != nil {
		return nil, err
	}
	want := 1
	if op == "bw" {
		want = 2
	}
	if len(vals) != want {
		return nil, fmt.Errorf("%s(%s) takes %d value(s), got %d", op, ref, want, len(vals))
	}
	get := func(n *node) (string, bool) {
		if n.class.Name != class {
			return "", false
		}
		return n.attrs[prop], true
	}
	cmp := func(n *node, f func(int) bool) bool {
		v, ok := get(n)
		return ok && f(compare(v, vals[0]))
	}
	switch op {
	case "eq":
		return func(n *node) bool { v, ok := get(n); return ok && v == vals[0] }, nil
	case "ne":
		return func(n *node) bool { v, ok := get(n); return ok && v != vals[0] }, nil
	case "lt":
		return func(n *node) bool { return cmp(n, func(c int) bool { return c < 0 }) }, nil
	case "gt":
		return func(n *node) bool { return cmp(n, func(c int) bool { return c > 0 }) }, nil
	case "le":
		return func(n *node) bool { return cmp(n, func(c int) bool { return c <= 0 }) }, nil
	case "ge":
		return func(n *node) bool { return cmp(n, func(c int) bool { return c >= 0 }) }, nil
	case "bw":
		return func(n *node) bool {
			v, ok := get(n)
			return ok && compare(v, vals[0]) >= 0 && compare(v, vals[1]) <= 0
		}, nil
	}
	re, err := regexp.Compile(vals[0])
	if err != nil {
		return nil, fmt.Errorf("wcard pattern %q: %v", vals[0], err)
	}
	return func(n *node) bool { v, ok := get(n); return ok && re.MatchString(v) }, nil
}

// compare orders numerically when both values are integers, else as strings.
func compare(a, b string) int {
	x, err1 := strconv.ParseInt(a, 10, 64)
	y, err2 := strconv.ParseInt(b, 10, 64)
	if err1 == nil && err2 == nil {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return strings.Compare(a, b)
}
