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
	// val is a non-string scalar's value: bool, int64, uint64 or float64.
	val any
	// text is a string's value, or another scalar's source text ("3.50",
	// "1.0"), used where a number is accepted as a string.
	text  string
	isStr bool
	// fields are a mapping's entries in file order; items a list's.
	fields []field
	items  []*node
}

// field is one entry of a mapping, with the line of its key.
type field struct {
	key  string
	line int
	val  *node
}

// get returns the value of key in a mapping node.
func (n *node) get(key string) (*node, int, bool) {
	for _, f := range n.fields {
		if f.key == key {
			return f.val, f.line, true
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
		if n.isStr {
			return n.text, nil
		}
		return n.val, nil
	case kindMap:
		m := make(map[string]any, len(n.fields))
		for _, f := range n.fields {
			v, err := f.val.expand(budget)
			if err != nil {
				return nil, err
			}
			m[f.key] = v
		}
		return m, nil
	case kindList:
		l := make([]any, len(n.items))
		for i, e := range n.items {
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

// scalar builds a non-string scalar node.
func scalar(line, col int, val any, text string) *node {
	return &node{kind: kindScalar, line: line, col: col, val: val, text: text}
}

// stringNode builds a string scalar node. The string is not boxed into an
// interface until a caller needs it as one.
func stringNode(line, col int, s string) *node {
	return &node{kind: kindScalar, line: line, col: col, text: s, isStr: true}
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
