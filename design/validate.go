package design

import (
	"net/netip"
	"strconv"

	"github.com/nxcalico/nxcalico/addressing"
)

// Validate checks the design across the fabric and the cluster and returns nil, or every problem
// it finds at once as Problems sorted by path, each naming the offending value and the rule it
// breaks. Defaults are applied first (Validate judges the design Derive would use), but paths
// name the fields of the design as written. Validate is pure and linear in the number of leaves
// and nodes.
func (d *Design) Validate() error {
	_, err := d.validated()
	return err
}

// validated validates the design and returns it with defaults filled in (the copy Validate
// judged), so Derive does not build it twice.
func (d *Design) validated() (*Design, error) {
	v := validate(d, nil)
	return v.d, v.probs.Err()
}

// validate runs every pass over the design. u holds the fields a loaded design could not decode
// (nil for a design built in Go): each is reported by Load already, and every rule that needs one
// is skipped. The problems are left unsorted.
func validate(d *Design, u *unknowns) *validator {
	v := newValidator(d, u)
	v.fabric()
	v.cluster()
	v.addresses()
	v.peering()
	v.safety()
	return v
}

// famBits is a set of address families.
type famBits uint8

func bitOf(f addressing.Family) famBits {
	switch f {
	case addressing.IPv4:
		return 1
	case addressing.IPv6:
		return 2
	}
	return 0
}

func (b famBits) has(f addressing.Family) bool { return b&bitOf(f) != 0 }

// validator holds the design (as written and with defaults) and what one pass learns for the
// next.
type validator struct {
	user  *Design   // as written: decides what was set
	d     *Design   // with defaults: what is judged
	u     *unknowns // fields a loaded design could not decode; nil when none
	probs Problems

	gw     addressing.PrefixPair // the valid anycast gateway members
	gwFams famBits
	// gwUnknown are the gateway families whose address is unknown: invalid, undecodable, or the
	// whole gateway missing. Rules that compare something with the gateway skip them.
	gwUnknown famBits
	pairByNm  map[string]int
	// pairNamesUnknown is set when some pair's name is unknown (missing or undecodable), so a node
	// naming a pair that is not found may mean that one.
	pairNamesUnknown bool
	// pairLoopbackFams[i] are the families of pair i's valid peering loopbacks.
	pairLoopbackFams []famBits
	// pairLoopbackUnknown[i] are the families in which some leaf of pair i may have a loopback
	// that is unknown, or in which its leaves are unknown.
	pairLoopbackUnknown []famBits
	// pairNodeFams[i] are the families the nodes of pair i use (and the gateway has).
	pairNodeFams    []famBits
	nodeFams        famBits // families of all valid node addresses
	nodeUnknown     famBits // families in which some node address is unknown
	loopbackFams    famBits // families of all valid peering loopbacks
	loopbackUnknown famBits // families in which some peering loopback is unknown
	asnKnown        [2]bool // the fabric (0) and cluster (1) AS numbers are valid
}

func newValidator(d *Design, u *unknowns) *validator {
	w := d.WithDefaults()
	if u.empty() {
		u = nil
	}
	n := len(w.Fabric.LeafPairs)
	fams := make([]famBits, 3*n) // one allocation for the three per-pair lists
	return &validator{
		user:                d,
		d:                   w,
		u:                   u,
		pairByNm:            make(map[string]int, n),
		pairLoopbackFams:    fams[:n:n],
		pairNodeFams:        fams[n : 2*n : 2*n],
		pairLoopbackUnknown: fams[2*n:],
	}
}

func (v *validator) add(path string, code Code, format string, args ...any) {
	v.probs = append(v.probs, problemf(path, code, format, args...))
}

// unknown reports whether the field at path could not be decoded (see unknowns). Callers that
// would build path only for this ask v.u != nil, or a cheaper per-item question, first.
func (v *validator) unknown(path string) bool { return v.u != nil && v.u.is(path) }

// Paths of the design's fields.

func itoa(i int) string { return strconv.Itoa(i) }

func famKey(f addressing.Family) string {
	if f == addressing.IPv6 {
		return "ipv6"
	}
	return "ipv4"
}

func pairPath(i int) string    { return "fabric.leafPairs[" + itoa(i) + "]" }
func leafPath(i, j int) string { return pairPath(i) + ".leaves[" + itoa(j) + "]" }
func loopbackPath(i, j int, f addressing.Family) string {
	return leafPath(i, j) + ".peeringLoopback." + famKey(f)
}
func gatewayPath(f addressing.Family) string { return "fabric.anycastGateway." + famKey(f) }
func nodePath(i int) string                  { return "cluster.nodes[" + itoa(i) + "]" }
func nodeField(i int, name string) string    { return nodePath(i) + "." + name }
func poolPath(i int) string                  { return "cluster.ipPools[" + itoa(i) + "]" }

// Checks of single values shared by the passes.

// checkInterfacePrefix checks a gateway or loopback prefix of a known family as
// addressing.ParseInterfacePrefix would parse it. It reports and returns false when it is unusable.
func (v *validator) checkInterfacePrefix(path string, p netip.Prefix, f addressing.Family) bool {
	if !p.IsValid() {
		return false
	}
	if addressing.PrefixFamily(p) != f || p.Addr().Is4In6() {
		v.add(path, CodeInvalidPrefix, "%s is not an %s prefix; this field holds %s only", p, f, f)
		return false
	}
	if _, err := addressing.ParseInterfacePrefix(p.String()); err != nil {
		v.add(path, CodeInvalidPrefix, "%v", err)
		return false
	}
	return true
}

// checkNetwork checks a network prefix (pool, service range, node route): valid, no host bits.
func (v *validator) checkNetwork(path string, p netip.Prefix) bool {
	if !p.IsValid() {
		v.add(path, CodeRequired, "the prefix is missing")
		return false
	}
	if _, err := addressing.ParsePrefix(p.String()); err != nil {
		v.add(path, CodeInvalidPrefix, "%v", err)
		return false
	}
	return true
}

// checkAddrFamily checks that an address in an ipv4 or ipv6 field is of that family.
func (v *validator) checkAddrFamily(path string, a netip.Addr, f addressing.Family) bool {
	if !a.IsValid() {
		return false
	}
	if !plainAddrOf(a, f) {
		v.add(path, CodeInvalidPrefix, "%s is not a plain %s address; this field holds %s only", a, f, f)
		return false
	}
	return true
}

// plainAddrOf reports whether a is a plain address (no zone, not IPv4-mapped) of family f.
func plainAddrOf(a netip.Addr, f addressing.Family) bool {
	return a.Zone() == "" && !a.Is4In6() && addressing.FamilyOf(a) == f
}

// checkASN reports a missing or reserved AS number, and reports whether it is valid.
func (v *validator) checkASN(path string, a ASN, what string) bool {
	if a == 0 {
		v.add(path, CodeRequired, "%s is missing (want 1 to 4294967295, not 23456)", what)
		return false
	}
	if err := a.check(); err != nil {
		v.add(path, CodeInvalidASN, "%s %d is invalid: %v", what, uint32(a), err)
		return false
	}
	return true
}

// nameCheck reports an invalid name; reason is the result of one of the check functions.
func (v *validator) nameCheck(path, what, name, reason string) bool {
	if reason == "" {
		return true
	}
	if name == "" {
		v.add(path, CodeRequired, "the %s is missing", what)
		return false
	}
	v.add(path, CodeInvalidName, "%s %q %s", what, name, reason)
	return false
}
