package dataset

import (
	"fmt"
	"math"
	"strconv"
)

// kind is the shape of a parsed value.
type kind uint8

const (
	kindNull kind = iota
	kindScalar
	kindMap
	kindList
)

func (k kind) String() string {
	switch k {
	case kindScalar:
		return "a scalar"
	case kindMap:
		return "a mapping"
	case kindList:
		return "a list"
	}
	return "null"
}

// node is one parsed YAML or JSON value with the line it starts on. Both file
// formats are turned into nodes so that one decoder, with one set of rules
// and line numbers, reads suites and cases from either.
type node struct {
	kind kind
	line int
	col  int
	// val is a scalar's value: string, bool, int64, uint64 or float64.
	val any
	// text is a scalar's source text ("3.50", "1.0"), used where a number is
	// accepted as a string.
	text string
	// keys and keyLines are a mapping's keys in file order; vals holds the
	// values of a mapping (aligned with keys) or the items of a list.
	keys     []string
	keyLines []int
	vals     []*node
}

// get returns the value of key in a mapping node.
func (n *node) get(key string) (*node, int, bool) {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i], n.keyLines[i], true
		}
	}
	return nil, 0, false
}

// maxExpanded bounds the values built from one node tree, so that YAML
// aliases cannot expand a small file into a huge one ("billion laughs").
const maxExpanded = 1 << 20

// toAny converts a node to plain Go values: map[string]any, []any, string,
// bool, int64, uint64, float64 or nil.
func (n *node) toAny() (any, error) {
	budget := maxExpanded
	return n.expand(&budget)
}

func (n *node) expand(budget *int) (any, error) {
	*budget--
	if *budget < 0 {
		return nil, fmt.Errorf("value too large: more than %d elements after expanding aliases", maxExpanded)
	}
	switch n.kind {
	case kindScalar:
		return n.val, nil
	case kindMap:
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			v, err := n.vals[i].expand(budget)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	case kindList:
		l := make([]any, len(n.vals))
		for i, e := range n.vals {
			v, err := e.expand(budget)
			if err != nil {
				return nil, err
			}
			l[i] = v
		}
		return l, nil
	}
	return nil, nil
}

// scalar builds a scalar node.
func scalar(line, col int, val any, text string) *node {
	return &node{kind: kindScalar, line: line, col: col, val: val, text: text}
}

// numberNode parses a JSON or YAML number literal: whole numbers become
// int64 (uint64 beyond its range), others float64.
func numberNode(line, col int, text string) (*node, error) {
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return scalar(line, col, i, text), nil
	}
	if u, err := strconv.ParseUint(text, 10, 64); err == nil {
		return scalar(line, col, u, text), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !math.IsInf(f, 0) {
		return nil, fmt.Errorf("bad number %q", text)
	}
	return scalar(line, col, f, text), nil
}
