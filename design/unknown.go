package design

import (
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
)

// unknowns are the fields of a loaded design whose value is unknown: given in the file but not
// decodable, or meant by a misspelt key. Load reports each of them once; Validate then skips every
// rule that needs one of them, for that field only, and runs every other rule. A design built in Go
// has none (its invalid values are judged where they stand).
type unknowns struct {
	marked map[string]bool // the paths of the unknown fields
	under  map[string]bool // the marked paths and each of their ancestors
	pairs  map[int]bool    // leaf pairs with a marked path at or below them
	nodes  map[int]bool    // nodes with a marked path at or below them
}

// mark records path as unknown.
func (u *unknowns) mark(path string) {
	if u.marked == nil {
		u.marked = make(map[string]bool)
		u.under = make(map[string]bool)
		u.pairs = make(map[int]bool)
		u.nodes = make(map[int]bool)
	}
	u.marked[path] = true
	for p := path; ; {
		u.under[p] = true
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	if i, ok := listIndex(path, "fabric.leafPairs["); ok {
		u.pairs[i] = true
	}
	if i, ok := listIndex(path, "cluster.nodes["); ok {
		u.nodes[i] = true
	}
}

// listIndex returns the index after list in path ("cluster.nodes[12].ipv4" → 12).
func listIndex(path, list string) (int, bool) {
	rest, ok := strings.CutPrefix(path, list)
	if !ok {
		return 0, false
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return 0, false
	}
	i, err := strconv.Atoi(rest[:end])
	return i, err == nil
}

// empty reports whether no field is unknown; it is true for a nil set.
func (u *unknowns) empty() bool { return u == nil || len(u.marked) == 0 }

// is reports whether the field at path is unknown: it or a mapping or list holding it is marked.
func (u *unknowns) is(path string) bool {
	if u.empty() {
		return false
	}
	for i := 0; i < len(path); i++ {
		if (path[i] == '.' || path[i] == '[') && u.marked[path[:i]] {
			return true
		}
	}
	return u.marked[path]
}

// within reports whether the field at path, or any field below it, is unknown.
func (u *unknowns) within(path string) bool {
	if u.empty() {
		return false
	}
	return u.under[path] || u.is(path)
}

// pair reports whether leaf pair i has an unknown field (itself or below); cheap, so callers
// build paths only when it is true.
func (u *unknowns) pair(i int) bool { return !u.empty() && u.pairs[i] }

// node reports whether node i has an unknown field (itself or below).
func (u *unknowns) node(i int) bool { return !u.empty() && u.nodes[i] }

// fieldSet is a set of the fields of one list item, one bit per field of its fields list.
type fieldSet uint32

func (s fieldSet) has(f fieldSet) bool { return s&f != 0 }

// fields returns which of the fields below path (each written with its leading separator) are
// unknown: bit k stands for fields[k].
func (u *unknowns) fields(path string, fields []string) fieldSet {
	var s fieldSet
	if !u.within(path) {
		return 0
	}
	for k, f := range fields {
		if u.is(path + f) {
			s |= 1 << k
		}
	}
	return s
}

// The fields of the list items that validation asks about, in the bit order of their fieldSet.
var (
	pairFields = []string{".name", ".routeTargetColor", ".leaves"}
	leafFields = []string{".name", ".routerID", ".peeringLoopback.id", ".peeringLoopback.ipv4", ".peeringLoopback.ipv6"}
	nodeFields = []string{".name", ".leafPair", ".ipv4", ".ipv6"}
	poolFields = []string{".name", ".cidr", ".blockSize", ".encapsulation", ".encapsulationMode"}
)

const (
	pairName fieldSet = 1 << iota
	pairColor
	pairLeaves
)

const (
	leafNameField fieldSet = 1 << iota
	leafRouterID
	leafLoopbackID
	leafLoopbackIPv4
	leafLoopbackIPv6
)

const (
	nodeName fieldSet = 1 << iota
	nodeLeafPair
	nodeIPv4
	nodeIPv6
)

const (
	poolName fieldSet = 1 << iota
	poolCIDR
	poolBlockSize
	poolEncapsulation
	poolEncapsulationMode
)

// famField returns the field of a family: ipv4 or ipv6.
func famField(f addressing.Family, ipv4, ipv6 fieldSet) fieldSet {
	if f == addressing.IPv6 {
		return ipv6
	}
	return ipv4
}

// bothFams is the set of both address families.
const bothFams = famBits(3)
