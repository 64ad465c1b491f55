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
	v := newValidator(d)
	v.fabric()
	v.cluster()
	v.addresses()
	v.peering()
	v.safety()
	return v.d, v.probs.Err()
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
	user  *Design // as written: decides what was set
	d     *Design // with defaults: what is judged
	probs Problems

	gw       addressing.PrefixPair // the valid anycast gateway members
	gwFams   famBits
	pairByNm map[string]int
	// pairLoopbackFams[i] are the families of pair i's valid peering loopbacks.
	pairLoopbackFams []famBits
	// pairNodeFams[i] are the families the nodes of pair i use (and the gateway has).
	pairNodeFams []famBits
	nodeFams     famBits // families of all valid node addresses
	loopbackFams famBits // families of all valid peering loopbacks
}

func newValidator(d *Design) *validator {
	w := d.WithDefaults()
	return &validator{
		user:             d,
		d:                w,
		pairByNm:         make(map[string]int, len(w.Fabric.LeafPairs)),
		pairLoopbackFams: make([]famBits, len(w.Fabric.LeafPairs)),
		pairNodeFams:     make([]famBits, len(w.Fabric.LeafPairs)),
	}
}

func (v *validator) add(path string, code Code, format string, args ...any) {
	v.probs = append(v.probs, problemf(path, code, format, args...))
}

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

// checkASN reports a missing or reserved AS number.
func (v *validator) checkASN(path string, a ASN, what string) {
	if a == 0 {
		v.add(path, CodeRequired, "%s is missing (want 1 to 4294967295, not 23456)", what)
		return
	}
	if err := a.check(); err != nil {
		v.add(path, CodeInvalidASN, "%s %d is invalid: %v", what, uint32(a), err)
	}
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
