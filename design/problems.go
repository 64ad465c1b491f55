package design

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Code is the stable identifier of a kind of design problem. Programs may switch on it; the set of
// codes is part of the public API and only grows.
type Code string

// The validation codes. Each problem carries exactly one of them.
const (
	CodeInvalidASN              Code = "invalid-asn"                 // ASN 0, 23456 (AS_TRANS) or above 4294967295
	CodeSameASN                 Code = "same-asn"                    // fabric and cluster share an AS
	CodeInvalidName             Code = "invalid-name"                // a name NX-OS, Kubernetes or a DN cannot carry
	CodeInvalidVLAN             Code = "invalid-vlan"                // VLAN outside 1–3967
	CodeInvalidLoopbackID       Code = "invalid-loopback-id"         // loopback number outside 0–1023
	CodeInvalidPrefix           Code = "invalid-prefix"              // an address or prefix that does not parse or has host bits set
	CodeNotInSubnet             Code = "not-in-subnet"               // a node address outside the gateway subnet of its family
	CodeGatewayAddress          Code = "gateway-address"             // a node address equal to the gateway, network or broadcast address
	CodeDuplicateAddress        Code = "duplicate-address"           // one address used twice where it must be unique
	CodeDuplicateName           Code = "duplicate-name"              // one name used twice in a list
	CodeDuplicateRouterID       Code = "duplicate-router-id"         // two leaves with one BGP router ID
	CodeOverlap                 Code = "overlap"                     // pools, service CIDRs, gateway subnets or loopbacks overlap
	CodeLoopbackNotHost         Code = "loopback-not-host"           // a loopback address that is not a /32 or /128
	CodeSharedLoopbackNeedColor Code = "shared-loopback-needs-color" // one loopback on two pairs without distinct colors
	CodeDuplicateColor          Code = "duplicate-color"             // two leaf pairs with one route-target color
	CodeUnknownLeafPair         Code = "unknown-leaf-pair"           // a node attached to a pair the fabric does not have
	CodeLeafPairSize            Code = "leaf-pair-size"              // a pair without one or two leaves
	CodeFamilyMismatch          Code = "family-mismatch"             // an address family used where the gateway or peering lacks it
	CodeUnreachablePeer         Code = "unreachable-peer"            // explicit node routes miss a leaf loopback the node peers with
	CodeMultihopRequired        Code = "multihop-required"           // ebgp-multihop below 2 while peering from a loopback
	CodeASOverrideRequired      Code = "as-override-required"        // nodes share the cluster AS but as-override is off
	CodeBlockSize               Code = "block-size"                  // an IPAM block size outside its family's range or larger than the pool
	CodeUnknownField            Code = "unknown-field"               // a field the design file format does not have
	CodeFilteredPrefix          Code = "filtered-prefix"             // a pool or service range the leaves' inbound policy would drop
	CodeMaxPrefixTooLow         Code = "max-prefix-too-low"          // maximum-prefix below what one node legitimately announces
	CodeUnsafeAdvertisement     Code = "unsafe-advertisement"        // a prefix sent to the nodes overlaps a pool, service range, gateway subnet or loopback
	CodeUnfilteredLoopbacks     Code = "unfiltered-loopbacks"        // route filters off with static node routes: the leaves send their loopbacks over the sessions that use them
	CodeTunnelToLeaf            Code = "tunnel-to-leaf"              // an IPIP pool with advertisePodBlocks: calico-node would tunnel pod traffic to a leaf
	CodeRetiredInUse            Code = "retired-in-use"              // a retired leaf that is still a leaf of the design
	CodeRequired                Code = "required"                    // a field that must be set is missing
	CodeInvalidValue            Code = "invalid-value"               // a value outside the field's allowed set
)

// Problem is one thing wrong with a design: where it is (a field path such as
// "cluster.nodes[0].ipv6"), what kind of problem it is, and a message naming the offending value
// and the rule it breaks.
type Problem struct {
	Path    string
	Code    Code
	Message string
}

// Error formats the problem as "path: code: message".
func (p Problem) Error() string {
	if p.Path == "" {
		return string(p.Code) + ": " + p.Message
	}
	return p.Path + ": " + string(p.Code) + ": " + p.Message
}

// Problems is every problem found in a design, sorted by path. It is the error type returned by
// Load, Validate and Derive; use errors.As to get it, or range over Unwrap.
type Problems []Problem

// Error lists the problems one per line.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns each problem as an error, so errors.Is and errors.As see them individually.
func (ps Problems) Unwrap() []error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errs
}

// Has reports whether any problem has the code.
func (ps Problems) Has(code Code) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Code == code })
}

// HasAt reports whether a problem has the code at exactly the path.
func (ps Problems) HasAt(path string, code Code) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Path == path && p.Code == code })
}

// Err returns nil when there are no problems, and the sorted problems otherwise.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	ps.Sort()
	return ps
}

// Sort orders the problems by path (numerically for list indexes), then code, then message, and
// drops exact duplicates.
func (ps *Problems) Sort() {
	slices.SortStableFunc(*ps, func(a, b Problem) int {
		return cmp.Or(comparePath(a.Path, b.Path), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Message, b.Message))
	})
	*ps = slices.Compact(*ps)
}

// AsProblems extracts the problems from an error returned by this package.
func AsProblems(err error) (Problems, bool) {
	var ps Problems
	if errors.As(err, &ps) {
		return ps, true
	}
	var p Problem
	if errors.As(err, &p) {
		return Problems{p}, true
	}
	return nil, false
}

// comparePath orders "a.b[10]" after "a.b[9]": runs of digits compare by value.
func comparePath(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// problemf builds a problem with a formatted message.
func problemf(path string, code Code, format string, args ...any) Problem {
	return Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)}
}
