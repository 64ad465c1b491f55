package main

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// model is the device YANG model read as the DME: its groupings (classes),
// typedefs and containments.
type model struct {
	module    string
	revision  string
	groupings map[string]*stmt
	typedefs  map[string]*stmt
	byClass   map[string][]string // naive DME class name -> grouping names
	parents   map[string][]dme.ModelParent
}

// readModel indexes the parsed statements of a device model.
func readModel(top []*stmt) (*model, error) {
	var mod *stmt
	for _, s := range top {
		if s.kw == "module" {
			mod = s
		}
	}
	if mod == nil {
		return nil, fmt.Errorf("yang: no module statement")
	}
	m := &model{
		module:    mod.arg,
		groupings: map[string]*stmt{},
		typedefs:  map[string]*stmt{},
		byClass:   map[string][]string{},
		parents:   map[string][]dme.ModelParent{},
	}
	if r := mod.sub("revision"); r != nil {
		m.revision = r.arg
	}
	for _, s := range mod.subs {
		switch s.kw {
		case "grouping":
			m.groupings[s.arg] = s
			n := naiveClass(s.arg)
			m.byClass[n] = append(m.byClass[n], s.arg)
		case "typedef":
			m.typedefs[s.arg] = s
		}
	}
	if len(m.groupings) == 0 {
		return nil, fmt.Errorf("yang: module %s has no groupings", m.module)
	}
	// Containment: every container of a grouping names a child grouping.
	for _, g := range m.groupings {
		for _, c := range g.subs {
			if c.kw != "container" {
				continue
			}
			used, p := childOf(c)
			if used == "" {
				continue
			}
			p.Class = g.arg // grouping for now; renamed to classes by facts
			m.parents[used] = append(m.parents[used], p)
		}
	}
	return m, nil
}

// childOf returns the grouping a container uses and the containment it describes.
func childOf(c *stmt) (string, dme.ModelParent) {
	p := dme.ModelParent{Prefix: strings.TrimSuffix(c.arg, "-items"), ReadOnly: c.subArg("config") == "false"}
	if u := c.sub("uses"); u != nil {
		return u.arg, p
	}
	l := c.sub("list")
	if l == nil || l.sub("uses") == nil {
		return "", p
	}
	p.List = true
	p.Keys = strings.Fields(l.subArg("key"))
	if l.subArg("config") == "false" {
		p.ReadOnly = true
	}
	return l.sub("uses").arg, p
}

// naiveClass turns a grouping name into the DME class name it stands for:
// "bgp_DomAf-group" -> "bgpDomAf", "rtmap_RsRtDstAtt_source-group" ->
// "rtmapRsRtDstAtt", "System-group" -> "topSystem".
func naiveClass(g string) string {
	n := strings.TrimSuffix(g, "-group")
	n = strings.TrimSuffix(strings.TrimSuffix(n, "_source"), "_target")
	if n == "System" {
		return "topSystem"
	}
	pkg, rest, ok := strings.Cut(n, "_")
	if !ok {
		return n
	}
	return pkg + rest
}

// grouping finds the grouping of DME class name. Relation targets are named by
// the other side's package in the model (the DME's nwRtVrfMbr is
// l3_RtVrfMbr_target-group), so a class the naive names miss is looked up by
// its name without package among the relation groupings, if that is unique.
func (m *model) grouping(name string) (string, bool) {
	if gs := m.byClass[name]; len(gs) > 0 {
		sort.Strings(gs)
		for _, g := range gs {
			if !strings.HasSuffix(g, "_source-group") && !strings.HasSuffix(g, "_target-group") {
				return g, true
			}
		}
		return gs[0], true
	}
	i := strings.IndexFunc(name, unicode.IsUpper)
	if i <= 0 {
		return "", false
	}
	rest := name[i:]
	var found []string
	for g := range m.groupings {
		if strings.HasSuffix(g, "_"+rest+"_target-group") || strings.HasSuffix(g, "_"+rest+"_source-group") {
			found = append(found, g)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// facts returns what the model says about the DME classes names, and the
// names it does not hold. classOf maps groupings back to the names asked for,
// so parents are spelled as the DME spells them.
func (m *model) facts(names []string) ([]dme.ModelClass, []string, error) {
	classOf := map[string]string{}
	groupOf := map[string]string{}
	var missing []string
	for _, n := range names {
		g, ok := m.grouping(n)
		if !ok {
			missing = append(missing, n)
			continue
		}
		classOf[g] = n
		groupOf[n] = g
	}
	className := func(g string) string {
		if n, ok := classOf[g]; ok {
			return n
		}
		return naiveClass(g)
	}
	var out []dme.ModelClass
	for _, n := range names {
		g, ok := groupOf[n]
		if !ok {
			continue
		}
		mc := dme.ModelClass{Name: n, Grouping: g}
		for _, s := range m.groupings[g].subs {
			if s.kw != "leaf" {
				continue
			}
			a, err := m.attr(s)
			if err != nil {
				return nil, nil, fmt.Errorf("%s (%s): %w", n, g, err)
			}
			mc.Attrs = append(mc.Attrs, a)
		}
		sort.Slice(mc.Attrs, func(i, j int) bool { return mc.Attrs[i].Name < mc.Attrs[j].Name })
		for _, p := range m.parents[g] {
			p.Class = className(p.Class)
			mc.Parents = append(mc.Parents, p)
		}
		if g == "System-group" {
			mc.Parents = append(mc.Parents, dme.ModelParent{Prefix: "sys"})
		}
		sort.Slice(mc.Parents, func(i, j int) bool {
			a, b := mc.Parents[i], mc.Parents[j]
			if a.Class != b.Class {
				return a.Class < b.Class
			}
			return a.Prefix < b.Prefix
		})
		out = append(out, mc)
	}
	return out, missing, nil
}

// attr reads one leaf: its value kind, enumeration, integer ranges, default
// and whether it is configurable.
func (m *model) attr(leaf *stmt) (dme.ModelAttr, error) {
	a := dme.ModelAttr{Name: leaf.arg, ReadOnly: leaf.subArg("config") == "false", Default: leaf.subArg("default")}
	t := leaf.sub("type")
	if t == nil {
		return a, fmt.Errorf("leaf %s: no type", leaf.arg)
	}
	if err := m.resolve(&a, t, 0); err != nil {
		return a, fmt.Errorf("leaf %s: %w", leaf.arg, err)
	}
	return a, nil
}

// intBounds are the value ranges of YANG's integer types.
var intBounds = map[string][2]int64{
	"int8": {math.MinInt8, math.MaxInt8}, "int16": {math.MinInt16, math.MaxInt16},
	"int32": {math.MinInt32, math.MaxInt32}, "int64": {math.MinInt64, math.MaxInt64},
	"uint8": {0, math.MaxUint8}, "uint16": {0, math.MaxUint16}, "uint32": {0, math.MaxUint32},
	"uint64": {0, math.MaxInt64}, // values above int64 are beyond what any DME property nxcalico uses holds
}

// resolve fills a's kind, enumeration and ranges from type statement t,
// following typedefs; restrictions given closer to the leaf win.
func (m *model) resolve(a *dme.ModelAttr, t *stmt, depth int) error {
	if depth > 16 {
		return fmt.Errorf("typedef chain too deep at %s", t.arg)
	}
	switch name := t.arg; {
	case name == "enumeration":
		a.Kind = dme.Enum
		for _, e := range t.subs {
			if e.kw == "enum" {
				a.Enum = append(a.Enum, e.arg)
			}
		}
		if len(a.Enum) == 0 {
			return fmt.Errorf("enumeration without values")
		}
	case name == "boolean":
		a.Kind = dme.Bool
	case intBounds[name] != [2]int64{}:
		a.Kind = dme.Int
	case name == "string" || name == "union" || name == "decimal64" || name == "empty" || name == "binary" || name == "bits" || name == "identityref" || name == "leafref" || name == "instance-identifier":
		a.Kind = dme.String
	default:
		td, ok := m.typedefs[name]
		if !ok {
			return fmt.Errorf("unknown type %q", name)
		}
		if r := t.sub("range"); r != nil && a.Ranges == nil {
			rs, err := parseRanges(r.arg)
			if err != nil {
				return err
			}
			a.Ranges = rs
		}
		if a.Default == "" {
			a.Default = td.subArg("default")
		}
		a.Type = name
		return m.resolve(a, td.sub("type"), depth+1)
	}
	if r := t.sub("range"); r != nil && a.Ranges == nil {
		rs, err := parseRanges(r.arg)
		if err != nil {
			return err
		}
		a.Ranges = rs
	}
	if b, ok := intBounds[t.arg]; ok && a.Ranges == nil {
		a.Ranges = []dme.Range{{Min: b[0], Max: b[1]}}
	}
	if b, ok := intBounds[t.arg]; ok {
		for i := range a.Ranges { // "min" and "max" are the base type's bounds
			a.Ranges[i].Min = max(a.Ranges[i].Min, b[0])
			a.Ranges[i].Max = min(a.Ranges[i].Max, b[1])
		}
	}
	return nil
}

// parseRanges reads a YANG range expression such as "1..64" or "0..4 | 8192..1048576".
func parseRanges(expr string) ([]dme.Range, error) {
	var out []dme.Range
	for _, part := range strings.Split(expr, "|") {
		part = strings.TrimSpace(part)
		lo, hi, ok := strings.Cut(part, "..")
		if !ok {
			hi = lo
		}
		lo64, err := rangeBound(strings.TrimSpace(lo), math.MinInt64)
		if err != nil {
			return nil, fmt.Errorf("range %q: %w", expr, err)
		}
		hi64, err := rangeBound(strings.TrimSpace(hi), math.MaxInt64)
		if err != nil {
			return nil, fmt.Errorf("range %q: %w", expr, err)
		}
		out = append(out, dme.Range{Min: lo64, Max: hi64})
	}
	return out, nil
}

func rangeBound(s string, open int64) (int64, error) {
	switch s {
	case "min", "max":
		return open, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil && u > math.MaxInt64 {
		return math.MaxInt64, nil
	}
	return 0, fmt.Errorf("bad bound %q", s)
}
