package nxos

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Reset is one configured BGP session that applying a plan resets on NX-OS (when it is
// established): the switch tears the TCP connection down and the session starts again, and the
// routes learnt over it are withdrawn until it is back (graceful restart keeps them only for a
// restart of the peer, not for a reset the leaf's configuration causes).
type Reset struct {
	VRF      string // the neighbor's VRF ("default" for the default domain)
	Neighbor string // the neighbor's address as configured
	Reason   string // why, e.g. `template CALICO password changes`; several are joined by ", "
}

// String returns "vrf <vrf> <neighbor> (<reason>)".
func (r Reset) String() string { return "vrf " + r.VRF + " " + r.Neighbor + " (" + r.Reason + ")" }

// Resets returns the sessions applying the plan resets on NX-OS, sorted by VRF and address, with
// the reason; nil when it resets none. A neighbor the plan deletes is removed, not reset, and one
// it creates is new: neither is listed. The rules are the package doc's (Session resets).
func (p *Plan) Resets() []Reset {
	if p == nil || len(p.Changes) == 0 {
		return nil
	}
	deleted, created := map[string]bool{}, map[string]bool{}
	for _, c := range p.Changes {
		switch c.Action {
		case change.Delete:
			deleted[c.DN.Key()] = true
		case change.Create:
			created[c.DN.Key()] = true
		}
	}
	gone := func(k string) bool {
		for d := range deleted {
			if k == d || isBelow(k, d) {
				return true
			}
		}
		return false
	}
	tmplWhy := map[string][]string{}   // template name -> reasons affecting every neighbor inheriting it
	tmplAttrs := map[string][]string{} // template name -> session properties changed (asn, srcIf)
	peerWhy := map[string][]string{}   // neighbor DN key -> its own reasons
	newImp := map[string]bool{}        // neighbor DN keys whose template changes
	for _, c := range p.Changes {
		path := dnPath(c.DN)
		if len(path) == 0 {
			continue
		}
		switch {
		case c.Class == "bgpPeerCont" && c.Action == change.Update:
			name := path[len(path)-1].naming["name"]
			for _, why := range sessionChanges("template "+name, c) {
				tmplWhy[name] = append(tmplWhy[name], why.text)
				tmplAttrs[name] = append(tmplAttrs[name], why.attr)
			}
		case c.Class == "bgpPeerCont" && c.Action == change.Delete:
			name := path[len(path)-1].naming["name"]
			tmplWhy[name] = append(tmplWhy[name], "template "+name+" removed")
			tmplAttrs[name] = append(tmplAttrs[name], "")
		case c.Class == "bgpPeer" && c.Action == change.Update:
			k := c.DN.Key()
			for _, why := range sessionChanges("", c) {
				peerWhy[k] = append(peerWhy[k], why.text)
				if why.attr == "peerImp" {
					newImp[k] = true
				}
			}
		case c.Class == "bgpLocalAsn":
			parent := c.DN.Parent()
			pk := parent.Key()
			if created[pk] || gone(pk) || p.prior.objs[pk] == nil {
				continue
			}
			why := localASChange(c)
			switch owner := path[len(path)-2]; owner.class {
			case "bgpPeerCont":
				name := owner.naming["name"]
				tmplWhy[name] = append(tmplWhy[name], "template "+name+" "+why)
				tmplAttrs[name] = append(tmplAttrs[name], "")
			case "bgpPeer":
				peerWhy[pk] = append(peerWhy[pk], why)
			}
		}
	}
	// An address removed from an interface ends the sessions sourced from it (update-source).
	removedAddr := map[string][]string{} // interface id + family ("lo1002 4") -> addresses
	for _, c := range p.Changes {
		if c.Action != change.Delete || (c.Class != "ipv4Addr" && c.Class != "ipv6Addr") {
			continue
		}
		path := dnPath(c.DN)
		fam, ifc := "4", ancestor(path, "ipv4If")
		if c.Class == "ipv6Addr" {
			fam, ifc = "6", ancestor(path, "ipv6If")
		}
		if ifc != nil {
			key := ifc["id"] + " " + fam
			removedAddr[key] = append(removedAddr[key], ancestor(path, c.Class)["addr"])
		}
	}
	templateSrc := map[string]string{} // template name -> update-source before the plan
	for _, k := range p.prior.order {
		if f := p.prior.objs[k]; f.class == "bgpPeerCont" {
			templateSrc[namingAttrs(f)["name"]] = f.attrs["srcIf"]
		}
	}
	var out []Reset
	for _, k := range p.prior.order {
		f := p.prior.objs[k]
		if f.class != "bgpPeer" || gone(k) {
			continue
		}
		reasons := slices.Clone(peerWhy[k])
		if src := cmp.Or(strings.TrimPrefix(f.attrs["srcIf"], "unspecified"), templateSrc[f.attrs["peerImp"]]); src != "" && len(removedAddr) > 0 {
			fam := "4"
			if a, err := netip.ParseAddr(strings.Split(namingAttrs(f)["addr"], "/")[0]); err == nil && a.Is6() {
				fam = "6"
			}
			for _, a := range removedAddr[src+" "+fam] {
				reasons = append(reasons, "update-source "+src+" loses its address "+a)
			}
		}
		if tmpl := f.attrs["peerImp"]; tmpl != "" && !newImp[k] {
			for i, why := range tmplWhy[tmpl] {
				// A neighbor's own remote-as or update-source is not the template's to change.
				if a := tmplAttrs[tmpl][i]; (a == "asn" || a == "srcIf") && f.attrs[a] != "" && f.attrs[a] != "unspecified" {
					continue
				}
				reasons = append(reasons, why)
			}
		}
		if len(reasons) == 0 {
			continue
		}
		path := dnPath(f.dn)
		out = append(out, Reset{
			VRF:      ancestor(path, "bgpDom")["name"],
			Neighbor: namingAttrs(f)["addr"],
			Reason:   strings.Join(reasons, ", "),
		})
	}
	slices.SortFunc(out, func(a, b Reset) int {
		x, err1 := netip.ParsePrefix(a.Neighbor)
		if err1 != nil {
			ax, err := netip.ParseAddr(a.Neighbor)
			x, err1 = netip.PrefixFrom(ax, ax.BitLen()), err
		}
		y, err2 := netip.ParsePrefix(b.Neighbor)
		if err2 != nil {
			by, err := netip.ParseAddr(b.Neighbor)
			y, err2 = netip.PrefixFrom(by, by.BitLen()), err
		}
		if c := strings.Compare(a.VRF, b.VRF); c != 0 || err1 != nil || err2 != nil {
			return cmp.Or(c, strings.Compare(a.Neighbor, b.Neighbor))
		}
		return cmp.Or(x.Addr().Compare(y.Addr()), cmp.Compare(x.Bits(), y.Bits()))
	})
	return out
}

type sessionWhy struct {
	attr, text string
}

// sessionChanges returns the reasons an update of a template or neighbor resets its sessions:
// remote-as, update-source, the password and (a neighbor) the template it inherits. what prefixes
// each text ("template CALICO"), "" for a neighbor's own change.
func sessionChanges(what string, c Change) []sessionWhy {
	say := func(s string) string {
		if what == "" {
			return s
		}
		return what + " " + s
	}
	var out []sessionWhy
	for _, a := range sortedKeys(c.Attrs) {
		v, old := c.Attrs[a], c.Prior[a]
		switch a {
		case "asn":
			out = append(out, sessionWhy{a, say(fmt.Sprintf("remote-as %s -> %s", orNone(old), orNone(v)))})
		case "srcIf":
			out = append(out, sessionWhy{a, say(fmt.Sprintf("update-source %s -> %s", orNone(old), orNone(v)))})
		case "peerImp":
			out = append(out, sessionWhy{a, fmt.Sprintf("inherits template %s instead of %s", orNone(v), orNone(old))})
		case "password":
			if v == "" {
				out = append(out, sessionWhy{a, say("password removed")})
			} else {
				out = append(out, sessionWhy{a, say("password changes")})
			}
		}
	}
	return out
}

// localASChange describes a change of a bgpLocalAsn (local-as).
func localASChange(c Change) string {
	switch c.Action {
	case change.Create:
		return "local-as " + orNone(c.Attrs["localAsn"]) + " set"
	case change.Delete:
		return "local-as " + orNone(c.Prior["localAsn"]) + " removed"
	}
	return "local-as changes"
}

func orNone(s string) string {
	switch s {
	case "", "unspecified":
		return "(none)"
	case dme.UnsetMarker:
		return "(default)"
	}
	return s
}
