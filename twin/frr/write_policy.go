package frr

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// writer collects configuration lines.
type writer struct{ b strings.Builder }

func (w *writer) line(depth int, parts ...string) {
	for range depth {
		w.b.WriteByte(' ')
	}
	w.b.WriteString(strings.Join(parts, " "))
	w.b.WriteByte('\n')
}

func (w *writer) String() string { return w.b.String() }

// write renders the whole configuration.
func (t *translator) write(w *writer) {
	w.line(0, "! nxcalico routing twin: leaf", t.hostname+";", "NX-OS tenant VRF", cmp.Or(t.vrf, "(none)"), "is this namespace's main table")
	w.line(0, "frr defaults traditional")
	w.line(0, "hostname", t.hostname)
	w.line(0, "ip forwarding")
	w.line(0, "ipv6 forwarding")
	// A changed route-map (a VRF's imports, a neighbor's filter) applies at once rather than after
	// FRR's default 5 s: a leaf that comes into service takes its imports with its configuration.
	w.line(0, "bgp route-map delay-timer 0")
	w.line(0, "!")
	// Route-maps first: they record which prefix-lists they match.
	var rm writer
	t.writeRouteMaps(&rm)
	t.writePrefixLists(w)
	t.writeFabricPolicies(&rm)
	w.b.WriteString(rm.String())
	t.writeBGP(w)
	w.line(0, "end")
}

// writePrefixLists renders the prefix-lists, IPv4 then IPv6, sorted by name, entries by
// sequence. A prefix-list a route-map matches but the tree lacks, or one without entries, is
// rendered as "permit any": NX-OS lets every route through a match on an absent or empty list,
// FRR would let none through.
func (t *translator) writePrefixLists(w *writer) {
	for _, f := range addressing.Families {
		kw := "ip"
		if f == addressing.IPv6 {
			kw = "ipv6"
		}
		names := sortedKeys(t.plists[fi(f)])
		for n := range t.usedPL[fi(f)] {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		for _, name := range names {
			if err := checkName("prefix-list", name); err != nil {
				t.errs = append(t.errs, err)
				continue
			}
			pl := t.plists[fi(f)][name]
			ents := children(pl, "rtpfxEntry")
			if len(ents) == 0 {
				w.line(0, kw, "prefix-list", name, "seq 5 permit any")
				if pl == nil {
					t.unmap("%s prefix-list %s is matched by a route-map but not defined: NX-OS then matches every route, so the twin defines it as permit any.", kw, name)
				} else {
					t.unmap("%s prefix-list %s has no entries: NX-OS then matches every route, so the twin renders it as permit any.", kw, name)
				}
				continue
			}
			slices.SortFunc(ents, func(a, b *dme.Object) int { return cmp.Compare(atoi(a.Get("order")), atoi(b.Get("order"))) })
			for _, e := range ents {
				line, err := prefixEntry(f, e)
				if err != nil {
					t.fail("%s prefix-list %s seq %s: %v", kw, name, e.Get("order"), err)
					continue
				}
				w.line(0, kw, "prefix-list", name, line)
			}
		}
	}
	w.line(0, "!")
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// prefixEntry renders "seq N permit|deny P [ge A] [le B]" of an rtpfxEntry: criteria exact is
// the prefix alone; inexact takes ge from fromPfxLen and le from toPfxLen (0 = not set). A ge
// equal to the prefix length is dropped (FRR refuses it; it matches the same routes).
func prefixEntry(f addressing.Family, e *dme.Object) (string, error) {
	seq := e.Get("order")
	if n, err := strconv.ParseUint(seq, 10, 32); err != nil || n == 0 {
		return "", fmt.Errorf("order %q is not a sequence number 1–4294967294", seq)
	}
	action := cmp.Or(e.Get("action"), "permit")
	if action != "permit" && action != "deny" {
		return "", fmt.Errorf("action %q is not permit or deny", action)
	}
	p, err := netip.ParsePrefix(e.Get("pfx"))
	if err != nil || addressing.PrefixFamily(p) != f {
		return "", fmt.Errorf("pfx %q is not an %s prefix", e.Get("pfx"), f)
	}
	p = p.Masked()
	if m := e.Get("mask"); m != "" && m != "0.0.0.0" && m != "::" {
		return "", fmt.Errorf("mask %q (a wildcard mask) has no FRR equivalent", m)
	}
	s := "seq " + seq + " " + action + " " + p.String()
	if cmp.Or(e.Get("criteria"), "exact") == "exact" {
		return s, nil
	}
	ge, le := int(atoi(e.Get("fromPfxLen"))), int(atoi(e.Get("toPfxLen")))
	bits := p.Addr().BitLen()
	if ge != 0 && (ge < p.Bits() || ge > bits) {
		return "", fmt.Errorf("fromPfxLen (ge) %d is outside %d–%d", ge, p.Bits(), bits)
	}
	if le != 0 && (le <= p.Bits() || le > bits || (ge > 0 && le < ge)) {
		return "", fmt.Errorf("toPfxLen (le) %d is outside %d–%d", le, max(p.Bits()+1, ge), bits)
	}
	if ge == p.Bits() {
		ge = 0
	}
	// An inexact entry without lengths matches exactly the prefix, as in NX-OS.
	if ge > 0 {
		s += " ge " + strconv.Itoa(ge)
	}
	if le > 0 {
		s += " le " + strconv.Itoa(le)
	}
	return s, nil
}

// checkName refuses a policy or template name FRR would read as several words or a comment, and
// the names the twin reserves for its fabric.
func checkName(kind, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("frr: %s with an empty name", kind)
	case strings.ContainsAny(name, " \t\n!#"):
		return fmt.Errorf("frr: %s %q: the name contains a blank or comment character", kind, name)
	case name == fabricGroup || strings.HasPrefix(name, fabricInPrefix) || strings.HasPrefix(name, fabricOutPrefix) || strings.HasPrefix(name, fabricImport):
		return fmt.Errorf("frr: %s %q: the name is reserved for the twin's fabric (%s…)", kind, name, fabricGroup)
	}
	return nil
}

// rmEntry is one translated route-map entry.
type rmEntry struct {
	seq      int64
	action   string
	matches  []string
	sets     []string
	rts      []string // set extcommunity rt values
	additive bool
}

// routeMapEntries translates the entries of an rtmapRule, sorted by sequence.
func (t *translator) routeMapEntries(rule *dme.Object) []rmEntry {
	name := rule.Get("name")
	var out []rmEntry
	for _, e := range children(rule, "rtmapEntry") {
		seq := e.Get("order")
		n, err := strconv.ParseUint(seq, 10, 16)
		if err != nil {
			t.fail("route-map %s: order %q is not a sequence number 0–65535", name, seq)
			continue
		}
		if n == 0 {
			t.fail("route-map %s: sequence 0 has no FRR equivalent (FRR numbers entries 1–65535)", name)
			continue
		}
		re := rmEntry{seq: int64(n), action: cmp.Or(e.Get("action"), "permit")}
		for _, c := range e.Children {
			switch c.Class {
			case "rtmapMatchRtDst", "rtmapMatchRtDstV6":
				f, kw, rs := addressing.IPv4, "ip", "rtmapRsRtDstAtt"
				if c.Class == "rtmapMatchRtDstV6" {
					f, kw, rs = addressing.IPv6, "ipv6", "rtmapRsRtDstV6Att"
				}
				refs := children(c, rs)
				for i, r := range refs {
					pl, ok := prefixListOf(r.Get("tDn"))
					if !ok {
						t.fail("route-map %s seq %s: match %s address: tDn %q names no prefix-list", name, seq, kw, r.Get("tDn"))
						continue
					}
					if i > 0 {
						t.unmap("route-map %s seq %s matches %s prefix-list %s besides %s: FRR matches one prefix-list per entry, so only the first is used.", name, seq, kw, pl, re.matches[len(re.matches)-1])
						continue
					}
					t.usedPL[fi(f)][pl] = true
					re.matches = append(re.matches, "match "+kw+" address prefix-list "+pl)
				}
			case "rtmapSetRttComm":
				re.additive = c.Get("additive") == "enabled"
				for _, it := range children(c, "rtextcomItem") {
					rt, err := parseRT(it.Get("community"))
					if err != nil {
						t.fail("route-map %s seq %s: set extcommunity rt: %v", name, seq, err)
						continue
					}
					re.rts = append(re.rts, rt)
				}
			default:
				t.unmap("route-map %s seq %s: %s has no translation in the twin; the entry is rendered without it.", name, seq, c.Class)
			}
		}
		if len(re.rts) > 0 {
			re.sets = append(re.sets, "set extcommunity rt "+strings.Join(re.rts, " "))
		}
		out = append(out, re)
	}
	slices.SortFunc(out, func(a, b rmEntry) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

// prefixListOf reads the prefix-list name out of "sys/rpm/pfxlistv4-[name]".
func prefixListOf(tdn string) (string, bool) {
	i := strings.Index(tdn, "pfxlistv")
	if i < 0 {
		return "", false
	}
	rest := tdn[i:]
	open, close := strings.IndexByte(rest, '['), strings.LastIndexByte(rest, ']')
	if open < 0 || close <= open+1 {
		return "", false
	}
	return rest[open+1 : close], true
}

// writeRouteMaps renders the tree's route-maps, sorted by name.
func (t *translator) writeRouteMaps(w *writer) {
	for _, name := range sortedKeys(t.rmaps) {
		if err := checkName("route-map", name); err != nil {
			t.errs = append(t.errs, err)
			continue
		}
		ents := t.routeMapEntries(t.rmaps[name])
		if len(ents) == 0 {
			t.unmap("route-map %s has no entries: it denies everything in NX-OS and in FRR alike; FRR shows no empty route-map, so it is left out.", name)
			continue
		}
		for _, e := range ents {
			writeEntry(w, name, e, e.sets)
		}
		w.line(0, "!")
	}
}

func writeEntry(w *writer, name string, e rmEntry, sets []string) {
	w.line(0, "route-map", name, e.action, strconv.FormatInt(e.seq, 10))
	for _, m := range e.matches {
		w.line(1, m)
	}
	for _, s := range sets {
		w.line(1, s)
	}
	w.line(0, "exit")
}
