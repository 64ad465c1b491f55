package design

import (
	"net/netip"
	"strconv"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/internal/k8sname"
)

// Validate checks that the intent can be rendered: every structural rule the nxos and calico
// renderers rely on, so that they run it once and need no checks of their own. It returns nil, or
// every problem at once sorted by path. Paths are in the intent's own terms: "fabric.vrf",
// "leaves[Leaf2101].routerID", "leaves[Leaf2101].templates[0].import.entries[1]",
// "cluster.peers[3].pair" (a leaf whose name is unusable is named by its index, "leaves[4]").
//
// What Derive returns always passes; Validate is for an Intent built or edited in Go, and for the
// renderers. It checks the fabric (VRF, AS, gateway VLAN, maximum paths, graceful restart timers),
// each leaf (name, unique; router ID; loopback number and addresses; templates — names, family,
// password, route filters and their names, entries and "le", prefix limits; neighbors, each
// inheriting the leaf's template of its family; coloring names; no route-map or prefix-list name
// given to two parts of a leaf) and the cluster (name, a label value; AS; pools — names, CIDR,
// encapsulation; password secret; peers — address, AS, pair label value, no two peers that would
// get one BGPPeer name, the anycast gateway ReachableBy needs; the BGPFilter policies).
//
// Validate is linear in the size of the intent and builds no text unless something is wrong: it
// is cheap enough to run on every pass of a controller over a large cluster.
func (in *Intent) Validate() Problems {
	if in == nil {
		return Problems{{Code: CodeRequired, Message: "the intent is nil"}}
	}
	v := intentValidator{in: in}
	v.fabric()
	v.leaves()
	v.cluster()
	v.probs.Sort()
	return v.probs
}

// intentValidator collects the problems of one intent.
type intentValidator struct {
	in     *Intent
	probs  Problems
	claims []nameClaim // the current leaf's, reused from leaf to leaf
}

func (v *intentValidator) add(path string, code Code, format string, args ...any) {
	v.probs = append(v.probs, problemf(path, code, format, args...))
}

// name reports a name check's reason: a missing name as required, another as invalid-name. It
// reports whether the name is valid.
func (v *intentValidator) name(path, what, name, reason string) bool {
	if reason == "" {
		return true
	}
	v.badName(path, what, name, reason)
	return false
}

// badName reports an invalid name; callers that would build path only for it check the reason
// first.
func (v *intentValidator) badName(path, what, name, reason string) {
	if name == "" {
		v.add(path, CodeRequired, "the %s is missing", what)
		return
	}
	v.add(path, CodeInvalidName, "%s %q %s", what, name, reason)
}

// asn reports a missing or invalid AS number. One above 2147483647 is rendered as it is, although
// Calico's CRDs up to 3.32 declare asNumber a signed 32-bit field: Derive refuses such a design.
func (v *intentValidator) asn(path string, a ASN, what string) {
	switch {
	case a == 0:
		v.add(path, CodeRequired, "%s is missing (want 1 to 4294967295, not 23456)", what)
	case !a.Valid():
		v.add(path, CodeInvalidASN, "%s %d is invalid: %v", what, uint32(a), a.check())
	}
}

// fabric checks what every leaf shares.
func (v *intentValidator) fabric() {
	f := &v.in.Fabric
	v.name("fabric.vrf", "VRF name", f.VRF, checkNXOSName(f.VRF, maxVRFNameLen))
	v.asn("fabric.asn", f.ASN, "the fabric AS number")
	switch {
	case f.Gateway.VLAN == 0:
		v.add("fabric.gateway.vlan", CodeRequired, "the anycast gateway VLAN is missing (want 1 to %d)", MaxVLAN)
	case !f.Gateway.VLAN.Valid():
		v.add("fabric.gateway.vlan", CodeInvalidVLAN, "VLAN %d is outside 1 to %d", f.Gateway.VLAN, MaxVLAN)
	}
	for _, fam := range addressing.Families {
		if p := (addressing.PrefixPair{IPv4: f.Gateway.IPv4, IPv6: f.Gateway.IPv6}).Get(fam); p.IsValid() && addressing.PrefixFamily(p) != fam {
			v.add("fabric.gateway."+famKey(fam), CodeInvalidPrefix, "%s is not an %s prefix", p, fam)
		}
	}
	if n := f.MaximumPaths; n < 0 || n > maxPaths {
		v.add("fabric.maximumPaths", CodeInvalidValue, "maximum-paths %d is outside 1 to %d (0 for unset)", n, maxPaths)
	}
	if n := f.MaximumPathsIBGP; n < 0 || n > maxPaths {
		v.add("fabric.maximumPathsIBGP", CodeInvalidValue, "maximum-paths ibgp %d is outside 1 to %d (0 for unset)", n, maxPaths)
	}
	if gr := f.GracefulRestart; gr != nil {
		if gr.RestartTime < 0 || gr.RestartTime > 3600 {
			v.add("fabric.gracefulRestart.restartTime", CodeInvalidValue, "restart time %d is outside 1 to 3600 seconds (0 for the default)", gr.RestartTime)
		}
		if gr.StalePathTime < 0 || gr.StalePathTime > 3600 {
			v.add("fabric.gracefulRestart.stalePathTime", CodeInvalidValue, "stale path time %d is outside 1 to 3600 seconds (0 for the default)", gr.StalePathTime)
		}
	}
}

// leafPath is the path of leaf i: leaves[<name>], or leaves[<i>] when the name cannot key it.
func (v *intentValidator) leafPath(i int) string {
	if n := v.in.Leaves[i].Name; checkLeafName(n) == "" {
		return "leaves[" + n + "]"
	}
	return "leaves[" + strconv.Itoa(i) + "]"
}

func templatePath(leaf string, t int) string { return leaf + ".templates[" + strconv.Itoa(t) + "]" }

func (v *intentValidator) leaves() {
	names := make(map[string]int, len(v.in.Leaves))
	password := v.in.Cluster.PasswordSecret != nil
	for i := range v.in.Leaves {
		l := &v.in.Leaves[i]
		if r := checkLeafName(l.Name); r != "" {
			v.badName(v.leafPath(i)+".name", "leaf name", l.Name, r)
		} else {
			if first, dup := names[l.Name]; dup {
				v.add(v.leafPath(i)+".name", CodeDuplicateName, "leaf name %q is also the name of leaves[%d]; two leaves cannot share a name", l.Name, first)
			} else {
				names[l.Name] = i
			}
		}
		v.leaf(i, password)
	}
}

// leaf checks leaf i; password is whether the cluster names a password secret.
func (v *intentValidator) leaf(i int, password bool) {
	l := &v.in.Leaves[i]
	switch rid := l.RouterID; {
	case !rid.IsValid():
		v.add(v.leafPath(i)+".routerID", CodeRequired, "the BGP router ID of leaf %q is missing", l.Name)
	case !rid.Is4() || rid.Zone() != "":
		v.add(v.leafPath(i)+".routerID", CodeInvalidValue, "router ID %s is not an IPv4 address; NX-OS router IDs are IPv4", rid)
	}
	lb := &l.Loopback
	if lb.ID < 0 || lb.ID > 1023 {
		v.add(v.leafPath(i)+".loopback.id", CodeInvalidLoopbackID, "loopback%d is outside loopback0 to loopback1023", lb.ID)
	}
	if !lb.IPv4.IsValid() && !lb.IPv6.IsValid() {
		v.add(v.leafPath(i)+".loopback", CodeRequired, "loopback%d of leaf %q has no address", lb.ID, l.Name)
	}
	for _, fam := range addressing.Families {
		if p := (addressing.PrefixPair{IPv4: lb.IPv4, IPv6: lb.IPv6}).Get(fam); p.IsValid() && addressing.PrefixFamily(p) != fam {
			v.add(v.leafPath(i)+".loopback."+famKey(fam), CodeInvalidPrefix, "%s is not an %s prefix", p, fam)
		}
	}

	claims := v.claims[:0]
	if c := l.Coloring; c != nil {
		if r := checkNXOSName(c.RouteMap, maxNXOSNameLen); r != "" {
			v.badName(v.leafPath(i)+".coloring.routeMap", "route-map name", c.RouteMap, r)
		} else {
			claims = v.claimName(i, claims, nameClaim{owner: "coloring.routeMap", name: c.RouteMap})
		}
		for _, pl := range [2]struct {
			field, name string
			family      addressing.Family
		}{{"coloring.prefixListV4", c.PrefixListV4, addressing.IPv4}, {"coloring.prefixListV6", c.PrefixListV6, addressing.IPv6}} {
			if pl.name == "" {
				continue
			}
			if r := checkNXOSName(pl.name, maxNXOSNameLen); r != "" {
				v.badName(v.leafPath(i)+"."+pl.field, "prefix-list name", pl.name, r)
			} else {
				claims = v.claimName(i, claims, nameClaim{owner: pl.field, prefixList: true, family: pl.family, name: pl.name})
			}
		}
	}
	for j := range l.Templates {
		claims = v.template(i, j, password, claims)
	}
	v.claims = claims
	for k := range l.Neighbors {
		v.neighbor(i, k)
	}
	for k, n := range l.Networks {
		if !n.Prefix.IsValid() {
			v.add(v.leafPath(i)+".networks["+strconv.Itoa(k)+"]", CodeRequired, "the network's prefix is missing")
		}
	}
}

// template checks template j of leaf i and adds the names its policies claim.
func (v *intentValidator) template(i, j int, password bool, claims []nameClaim) []nameClaim {
	l := &v.in.Leaves[i]
	t := &l.Templates[j]
	tp := func() string { return templatePath(v.leafPath(i), j) }
	if r := checkNXOSName(t.Name, maxNXOSNameLen); r != "" {
		v.badName(tp()+".name", "template name", t.Name, r)
	} else {
		for k := range j {
			if l.Templates[k].Name == t.Name {
				v.add(tp()+".name", CodeDuplicateName, "template name %q is also the name of %s", t.Name, templatePath(v.leafPath(i), k))
				break
			}
		}
	}
	if !t.Family.IsValid() {
		v.add(tp()+".family", CodeInvalidValue, "family %d is neither ipv4 nor ipv6", uint8(t.Family))
	} else if k := slicesIndexFamily(l.Templates[:j], t.Family); k >= 0 {
		v.add(tp()+".family", CodeDuplicateName, "a second %s template (%s is one); a leaf has one template per family", t.Family, templatePath(v.leafPath(i), k))
	}
	if t.Password != password {
		if password {
			v.add(tp()+".password", CodeInvalidValue, "template %q carries no password, but the cluster names a password secret (cluster.passwordSecret)", t.Name)
		} else {
			v.add(tp()+".password", CodeInvalidValue, "template %q carries a password, but the cluster names no password secret (cluster.passwordSecret)", t.Name)
		}
	}
	if t.MaxPrefix < 0 || int64(t.MaxPrefix) > 4294967295 {
		v.add(tp()+".maxPrefix", CodeInvalidValue, "maximum-prefix %d is outside 1 to 4294967295 (0 for none)", t.MaxPrefix)
	}
	if t.MaxPrefixWarning < 0 || t.MaxPrefixWarning > 100 {
		v.add(tp()+".maxPrefixWarning", CodeInvalidValue, "maximum-prefix warning %d is outside 1 to 100 percent (0 for none)", t.MaxPrefixWarning)
	}
	for _, dir := range [2]string{"import", "export"} {
		p := t.Import
		if dir == "export" {
			p = t.Export
		}
		if p == nil {
			continue
		}
		pp := func() string { return tp() + "." + dir }
		if p.Family != t.Family {
			v.add(pp()+".family", CodeFamilyMismatch, "policy %q is %s, its template %q is %s", p.RouteMap, p.Family, t.Name, t.Family)
		}
		if r := checkNXOSName(p.RouteMap, maxNXOSNameLen); r != "" {
			v.badName(pp()+".routeMap", "route-map name", p.RouteMap, r)
		} else {
			claims = v.claimName(i, claims, nameClaim{template: j, dir: dir, name: p.RouteMap})
		}
		if len(p.Entries) > 0 {
			if r := checkNXOSName(p.PrefixList, maxNXOSNameLen); r != "" {
				v.badName(pp()+".prefixList", "prefix-list name", p.PrefixList, r)
			} else {
				claims = v.claimName(i, claims, nameClaim{template: j, dir: dir, prefixList: true, family: p.Family, name: p.PrefixList})
			}
		}
		for k, e := range p.Entries {
			if r := entryProblem(e, p.Family, false); r.code != "" {
				v.add(pp()+".entries["+strconv.Itoa(k)+"]", r.code, "%s", r.message())
			}
		}
	}
	return claims
}

func slicesIndexFamily(ts []TemplateIntent, f addressing.Family) int {
	for k := range ts {
		if ts[k].Family == f {
			return k
		}
	}
	return -1
}

// entryFault is what is wrong with a policy entry; the message is built only when reported.
type entryFault struct {
	code   Code
	e      PolicyEntry
	family addressing.Family
	minLen int
}

func (f entryFault) message() string {
	switch f.code {
	case CodeRequired:
		return "the entry's prefix is missing"
	case CodeFamilyMismatch:
		return "prefix " + f.e.Prefix.String() + " is not " + f.family.String() + " (the policy's family)"
	}
	return "le " + strconv.Itoa(f.e.MaxLen) + " of " + f.e.Prefix.String() + " is outside " + strconv.Itoa(f.minLen) + " to " + strconv.Itoa(f.family.BitLen())
}

// entryProblem checks a policy entry of family fam: a valid prefix of the family, and an "le"
// longer than the prefix (NX-OS) or at least as long (orEqual, Calico's prefix-length range) and
// within the address.
func entryProblem(e PolicyEntry, fam addressing.Family, orEqual bool) entryFault {
	switch {
	case !e.Prefix.IsValid():
		return entryFault{code: CodeRequired}
	case addressing.PrefixFamily(e.Prefix) != fam:
		return entryFault{code: CodeFamilyMismatch, e: e, family: fam}
	}
	minLen := e.Prefix.Bits() + 1
	if orEqual {
		minLen--
	}
	if e.MaxLen != 0 && (e.MaxLen < minLen || e.MaxLen > e.Prefix.Addr().BitLen()) {
		return entryFault{code: CodeInvalidValue, e: e, family: fam, minLen: minLen}
	}
	return entryFault{}
}

// nameClaim is a route-map or prefix-list name one part of a leaf gives an object.
type nameClaim struct {
	prefixList bool              // a prefix-list rather than a route-map
	family     addressing.Family // a prefix-list's family: IPv4 and IPv6 lists are separate
	name       string
	owner      string // the field relative to the leaf, e.g. "coloring.routeMap"; "" for a policy's
	template   int    // the policy's template
	dir        string // the policy's direction, import or export
}

// field is the claim's path relative to the leaf.
func (c nameClaim) field() string {
	if c.owner != "" {
		return c.owner
	}
	kind := ".routeMap"
	if c.prefixList {
		kind = ".prefixList"
	}
	return "templates[" + strconv.Itoa(c.template) + "]." + c.dir + kind
}

// claimName adds c to claims, or reports that another part of leaf i already gives its name to an
// object of its kind (the switch would merge the two).
func (v *intentValidator) claimName(i int, claims []nameClaim, c nameClaim) []nameClaim {
	for _, o := range claims {
		if o.prefixList == c.prefixList && o.family == c.family && o.name == c.name {
			kind := "route-map"
			if c.prefixList {
				kind = "prefix-list"
			}
			lp := v.leafPath(i)
			v.add(lp+"."+c.field(), CodeDuplicateName, "%s %q is also %s.%s", kind, c.name, lp, o.field())
			return claims
		}
	}
	return append(claims, c)
}

// neighbor checks neighbor k of leaf i: an address of its family, inheriting the leaf's template
// of that family.
func (v *intentValidator) neighbor(i, k int) {
	l := &v.in.Leaves[i]
	n := &l.Neighbors[k]
	np := func() string { return v.leafPath(i) + ".neighbors[" + strconv.Itoa(k) + "]" }
	switch {
	case !n.Addr.IsValid():
		v.add(np()+".addr", CodeRequired, "the address of neighbor %q is missing", n.Node)
		return
	case !plainAddrOf(n.Addr, n.Family):
		v.add(np()+".addr", CodeFamilyMismatch, "neighbor %s is not a plain %s address (its family)", n.Addr, n.Family)
		return
	}
	t := l.Template(n.Family)
	switch {
	case t == nil:
		v.add(np()+".template", CodeFamilyMismatch, "neighbor %s inherits %q, but the leaf has no %s template", n.Addr, n.Template, n.Family)
	case t.Name != n.Template:
		v.add(np()+".template", CodeInvalidValue, "neighbor %s inherits %q, but the leaf's %s template is %q", n.Addr, n.Template, n.Family, t.Name)
	}
}

// cluster checks what the calico renderer turns into objects.
func (v *intentValidator) cluster() {
	c := &v.in.Cluster
	// The cluster name is the value of the managed-by label of every object.
	if c.Name == "" {
		v.add("cluster.name", CodeRequired, "the cluster name is missing; it is the value of the managed-by label")
	} else if r := k8sname.LabelValue(c.Name); r != "" {
		v.add("cluster.name", CodeInvalidName, "cluster name %q is no label value: it %s", c.Name, r)
	}
	v.asn("cluster.asn", c.ASN, "the cluster AS number")
	if c.MaxRestartTime < 0 || c.MaxRestartTime > 3600 {
		v.add("cluster.maxRestartTime", CodeInvalidValue, "max restart time %d is outside 1 to 3600 seconds (0 for none)", c.MaxRestartTime)
	}
	v.pools()
	if s := c.PasswordSecret; s != nil {
		v.name("cluster.passwordSecret.name", "secret name", s.Name, checkDNSSubdomain(s.Name))
		v.name("cluster.passwordSecret.key", "secret key", s.Key, checkSecretKey(s.Key))
	}
	v.peers()
	for _, dir := range [2]struct {
		field    string
		policies []Policy
	}{{"cluster.export", c.Export}, {"cluster.import", c.Import}} {
		for i := range dir.policies {
			p := &dir.policies[i]
			pp := func() string { return dir.field + "[" + strconv.Itoa(i) + "]" }
			if !p.Family.IsValid() {
				v.add(pp()+".family", CodeInvalidValue, "family %d is neither ipv4 nor ipv6", uint8(p.Family))
				continue
			}
			for k, e := range p.Entries {
				if r := entryProblem(e, p.Family, true); r.code != "" {
					v.add(pp()+".entries["+strconv.Itoa(k)+"]", r.code, "%s", r.message())
				}
			}
		}
	}
}

// pools checks the IP pools: each an IPPool object named by a unique DNS subdomain, with a CIDR
// and an encapsulation Calico has.
func (v *intentValidator) pools() {
	c := &v.in.Cluster
	names := make(map[string]int, len(c.Pools))
	for i := range c.Pools {
		p := &c.Pools[i]
		pp := "cluster.pools[" + strconv.Itoa(i) + "]"
		if v.name(pp+".name", "IP pool name", p.Name, checkDNSSubdomain(p.Name)) {
			if first, dup := names[p.Name]; dup {
				v.add(pp+".name", CodeDuplicateName, "IP pool name %q is also the name of cluster.pools[%d]", p.Name, first)
			} else {
				names[p.Name] = i
			}
		}
		if !p.CIDR.IsValid() {
			v.add(pp+".cidr", CodeRequired, "the CIDR of pool %q is missing", p.Name)
		}
		switch p.EncapsulationMode {
		case "", ModeAlways, ModeCrossSubnet:
		default:
			v.add(pp+".encapsulationMode", CodeInvalidValue, "encapsulation mode %q of pool %q is not one of Always, CrossSubnet", p.EncapsulationMode, p.Name)
		}
		switch p.Encapsulation {
		case "", EncapNone, EncapVXLAN:
		case EncapIPIP:
			if p.CIDR.IsValid() && !p.CIDR.Addr().Is4() {
				v.add(pp+".encapsulation", CodeFamilyMismatch, "pool %q (%s) encapsulates IPIP, which is IPv4 only", p.Name, p.CIDR)
			}
		default:
			v.add(pp+".encapsulation", CodeInvalidValue, "encapsulation %q of pool %q is not one of IPIP, VXLAN, None", p.Encapsulation, p.Name)
		}
	}
}

// peerKey identifies what a BGPPeer's name is made of: per pair the address, and the first leaf
// with the family.
type peerKey struct {
	pair string
	addr netip.Addr
}

type peerLeafKey struct {
	pair, leaf string
	family     addressing.Family
}

// peers checks the cluster's BGP peers: an address without zone of its family, a valid AS, a pair
// that is a label value and can start an object name, no two peers that would get one name, and
// the anycast gateway of the family when node reachability is ReachableBy.
func (v *intentValidator) peers() {
	c := &v.in.Cluster
	gw := addressing.PrefixPair{IPv4: v.in.Fabric.Gateway.IPv4, IPv6: v.in.Fabric.Gateway.IPv6}
	byAddr := make(map[peerKey]int, len(c.Peers))
	byLeaf := make(map[peerLeafKey]int, len(c.Peers))
	lastPair, lastOK := "", true // the pairs come in runs: check each run's name once
	for i := range c.Peers {
		p := &c.Peers[i]
		pp := func() string { return "cluster.peers[" + strconv.Itoa(i) + "]" }
		if p.Pair != "" && p.Pair != lastPair {
			lastPair, lastOK = p.Pair, true
			if r := pairReason(p.Pair); r != "" {
				lastOK = false
				v.add(pp()+".pair", CodeInvalidName, "leaf pair %q is no label value that can start an object name: it %s", p.Pair, r)
			}
		}
		pairOK := p.Pair == "" || lastOK
		if !p.ASN.Valid() {
			v.asn(pp()+".asn", p.ASN, "the peer's AS number")
		}
		switch {
		case !p.Addr.IsValid():
			v.add(pp()+".addr", CodeRequired, "the address of the peer is missing")
			continue
		case !p.Family.IsValid() || !plainAddrOf(p.Addr, p.Family):
			v.add(pp()+".addr", CodeFamilyMismatch, "peer %s is not a plain %s address (its family)", p.Addr, p.Family)
			continue
		}
		if c.Reachability == ReachableBy && !gw.Get(p.Family).IsValid() {
			v.add(pp(), CodeFamilyMismatch, "peer %s: node reachability %s needs the %s anycast gateway (fabric.gateway.%s), which is not set", p.Addr, c.Reachability, p.Family, famKey(p.Family))
		}
		if !pairOK {
			continue
		}
		// A global peer is named after its address, a pair's peer after its pair and either its
		// first leaf and family or its address: both must be unique.
		if first, dup := byAddr[peerKey{p.Pair, p.Addr}]; dup {
			v.add(pp()+".addr", CodeDuplicateAddress, "peer %s%s is also cluster.peers[%d]; one BGPPeer per address%s", p.Addr, pairText(p.Pair), first, pairText(p.Pair))
			continue
		}
		byAddr[peerKey{p.Pair, p.Addr}] = i
		if p.Pair == "" || len(p.Leaves) == 0 {
			continue
		}
		k := peerLeafKey{p.Pair, p.Leaves[0], p.Family}
		if first, dup := byLeaf[k]; dup {
			v.add(pp()+".leaves", CodeDuplicateName, "peer %s of leaf %q is the second %s peer of that leaf in pair %q (cluster.peers[%d] is the first); one BGPPeer per pair, leaf and family", p.Addr, p.Leaves[0], p.Family, p.Pair, first)
			continue
		}
		byLeaf[k] = i
	}
}

func pairText(pair string) string {
	if pair == "" {
		return ""
	}
	return " of pair " + strconv.Quote(pair)
}

// pairReason checks a pair name as the calico renderer uses it: the value of the leaf-pair label
// and the start of the pair's BGPPeer names (nxcalico-<pair>.<leaf>-<family>), so a label value
// that is also a DNS subdomain.
func pairReason(pair string) string {
	if r := k8sname.LabelValue(pair); r != "" {
		return r
	}
	return k8sname.Subdomain(pair)
}
