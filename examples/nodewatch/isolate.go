package main

import (
	"cmp"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/design"
)

// codeNoAddress is the problem code of a labelled Node with no InternalIP on either anycast
// gateway subnet. It is not a design.Code: such a Node never reaches validation.
const codeNoAddress design.Code = "no-address"

// nodeProblem is why one labelled Node is left out of the design: a problem code (a design.Code,
// or codeNoAddress) and a message naming the offending value.
type nodeProblem struct {
	Node    string
	Code    design.Code
	Message string
}

// String formats the problem as "code: message", the form used in Events and logs.
func (p nodeProblem) String() string { return string(p.Code) + ": " + p.Message }

// designError is a problem that makes the whole design unusable, whatever the Nodes say: every
// pass stops until it is fixed.
type designError struct{ err error }

func (e *designError) Error() string { return "the design is unusable: " + e.err.Error() }
func (e *designError) Unwrap() error { return e.err }

// isolate derives the intent of base with the given nodes, leaving out every node that validation
// blames for a problem: a problem whose path lies under cluster.nodes[i] blames the i-th node (a
// node whose address repeats another's is blamed, the first holder keeps it). The blamed nodes are
// dropped and the rest validated again, until the design is valid; every other node and rack is
// still reconciled. The problems of the dropped nodes are returned, sorted by node name.
//
// A problem that blames no node (the base design itself, or a rule across the whole node list)
// makes the design unusable: isolate then returns a *designError and no intent.
func isolate(base *design.Design, nodes []design.Node) (*design.Intent, []nodeProblem, error) {
	kept := nodes
	var dropped []nodeProblem
	for {
		d := *base
		d.Cluster.Nodes = kept
		in, err := design.Derive(&d)
		if err == nil {
			slices.SortStableFunc(dropped, func(a, b nodeProblem) int { return cmp.Compare(a.Node, b.Node) })
			return in, dropped, nil
		}
		ps, ok := design.AsProblems(err)
		if !ok {
			return nil, dropped, &designError{err}
		}
		blamed := map[int]bool{}
		var wide design.Problems
		for _, p := range ps {
			i, ok := nodeIndex(p.Path)
			if !ok || i >= len(kept) {
				wide = append(wide, p)
				continue
			}
			blamed[i] = true
			dropped = append(dropped, nodeProblem{Node: kept[i].Name, Code: p.Code, Message: problemText(p)})
		}
		if len(wide) > 0 || len(blamed) == 0 {
			if len(wide) == 0 {
				return nil, dropped, &designError{err}
			}
			return nil, dropped, &designError{wide}
		}
		next := make([]design.Node, 0, len(kept)-len(blamed))
		for i, n := range kept {
			if !blamed[i] {
				next = append(next, n)
			}
		}
		kept = next
	}
}

// nodeIndex returns i when path is cluster.nodes[i] or lies under it.
func nodeIndex(path string) (int, bool) {
	const prefix = "cluster.nodes["
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, "]")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(num)
	return i, err == nil && i >= 0
}

// problemText is a node problem's message with the field it concerns, without the list index
// (which changes from pass to pass): "leafPair: node "x" names leaf pair "rack9", …".
func problemText(p design.Problem) string {
	_, field, _ := strings.Cut(p.Path, "]")
	field = strings.TrimPrefix(field, ".")
	msg := nodePathRE.ReplaceAllString(p.Message, "")
	if field == "" {
		return msg
	}
	return field + ": " + msg
}

// nodePathRE matches a parenthesised node path in a problem message, " (cluster.nodes[3].ipv4)".
var nodePathRE = regexp.MustCompile(`\s*\(cluster\.nodes\[\d+\][^)]*\)`)

// isDesignError reports whether err makes the whole design unusable.
func isDesignError(err error) bool {
	var de *designError
	return errors.As(err, &de)
}
