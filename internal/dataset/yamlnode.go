package dataset

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// parseYAML parses a YAML document into a node tree. Syntax errors carry
// line and column. Anchors, aliases and merge keys ("<<") are resolved.
func parseYAML(file string, src []byte) (root *node, err error) {
	defer func() {
		// The parser is third-party code fed with user input: a panic in it
		// must become an error naming the file, not a crash.
		if r := recover(); r != nil {
			root, err = nil, &LoadError{File: file, Err: fmt.Errorf("yaml parser failed: %v", r)}
		}
	}()
	f, perr := parser.ParseBytes(src, 0)
	if perr != nil {
		return nil, yamlError(file, perr)
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return &node{kind: kindNull, line: 1}, nil
	}
	if len(f.Docs) > 1 {
		return nil, &LoadError{File: file, Line: docLine(f.Docs[1]), Err: errors.New("more than one YAML document; a suite is one document")}
	}
	c := &yamlConverter{file: file, anchors: map[string]*node{}}
	return c.convert(f.Docs[0].Body, 0)
}

func docLine(d *ast.DocumentNode) int {
	if tk := d.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// yamlError turns a go-yaml error into a LoadError with file:line:col.
func yamlError(file string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		le := &LoadError{File: file, Err: fmt.Errorf("yaml: %s", ye.GetMessage())}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			le.Line, le.Col = tk.Position.Line, tk.Position.Column
		}
		return le
	}
	return &LoadError{File: file, Err: fmt.Errorf("yaml: %w", err)}
}

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 200

type yamlConverter struct {
	file    string
	anchors map[string]*node
}

func (c *yamlConverter) errorf(n ast.Node, format string, args ...any) error {
	line, col := pos(n)
	return &LoadError{File: c.file, Line: line, Col: col, Err: fmt.Errorf(format, args...)}
}

func pos(n ast.Node) (int, int) {
	if n == nil {
		return 0, 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line, tk.Position.Column
	}
	return 0, 0
}

func (c *yamlConverter) convert(n ast.Node, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, c.errorf(n, "yaml: nested deeper than %d levels", maxDepth)
	}
	line, col := pos(n)
	switch v := n.(type) {
	case nil:
		return &node{kind: kindNull}, nil
	case *ast.NullNode:
		return &node{kind: kindNull, line: line, col: col}, nil
	case *ast.StringNode:
		return stringNode(line, col, v.Value), nil
	case *ast.LiteralNode:
		s := ""
		if v.Value != nil {
			s = v.Value.Value
		}
		return stringNode(line, col, s), nil
	case *ast.IntegerNode:
		val := v.Value
		if u, ok := val.(uint64); ok && u <= math.MaxInt64 {
			val = int64(u)
		}
		return scalar(line, col, val, tokenText(v)), nil
	case *ast.FloatNode:
		return scalar(line, col, v.Value, tokenText(v)), nil
	case *ast.InfinityNode:
		return scalar(line, col, v.Value, tokenText(v)), nil
	case *ast.NanNode:
		return scalar(line, col, math.NaN(), tokenText(v)), nil
	case *ast.BoolNode:
		return scalar(line, col, v.Value, tokenText(v)), nil
	case *ast.MappingNode:
		return c.mapping(line, col, v.Values, depth)
	case *ast.MappingValueNode:
		return c.mapping(line, col, []*ast.MappingValueNode{v}, depth)
	case *ast.SequenceNode:
		out := &node{kind: kindList, line: line, col: col, items: make([]*node, 0, len(v.Values))}
		for _, e := range v.Values {
			item, err := c.convert(e, depth+1)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, item)
		}
		return out, nil
	case *ast.AnchorNode:
		return c.anchor(v, depth)
	case *ast.AliasNode:
		name := ""
		if v.Value != nil {
			name = v.Value.GetToken().Value
		}
		target, ok := c.anchors[name]
		if !ok {
			return nil, c.errorf(n, "yaml: unknown anchor %q", name)
		}
		return target, nil
	case *ast.TagNode:
		return c.tagged(v, depth)
	case *ast.DocumentNode:
		return c.convert(v.Body, depth+1)
	}
	return nil, c.errorf(n, "yaml: unsupported %s", n.Type())
}

func tokenText(n ast.Node) string {
	if tk := n.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

func (c *yamlConverter) anchor(v *ast.AnchorNode, depth int) (*node, error) {
	target, err := c.convert(v.Value, depth+1)
	if err != nil {
		return nil, err
	}
	if v.Name != nil {
		c.anchors[v.Name.GetToken().Value] = target
	}
	return target, nil
}

// tagged honours the !!str tag (keep a number's text as a string) and
// otherwise ignores tags.
func (c *yamlConverter) tagged(v *ast.TagNode, depth int) (*node, error) {
	inner, err := c.convert(v.Value, depth+1)
	if err != nil {
		return nil, err
	}
	if tag := v.Start.Value; (tag == "!!str" || tag == "tag:yaml.org,2002:str") && inner.kind == kindScalar {
		cp := *inner
		cp.val, cp.isStr = nil, true
		return &cp, nil
	}
	return inner, nil
}

func (c *yamlConverter) mapping(line, col int, entries []*ast.MappingValueNode, depth int) (*node, error) {
	out := &node{kind: kindMap, line: line, col: col}
	var merges []*node
	for _, e := range entries {
		if e.Key != nil && e.Key.IsMergeKey() {
			src, err := c.convert(e.Value, depth+1)
			if err != nil {
				return nil, err
			}
			merges = append(merges, src)
			continue
		}
		key, kline, err := c.key(e.Key, depth)
		if err != nil {
			return nil, err
		}
		if _, first, dup := out.get(key); dup {
			return nil, &LoadError{File: c.file, Line: kline, Err: fmt.Errorf("duplicate key %q (first at line %d)", key, first)}
		}
		val, err := c.convert(e.Value, depth+1)
		if err != nil {
			return nil, err
		}
		if val.line == 0 {
			val.line = kline
		}
		out.fields = append(out.fields, field{key: key, line: kline, val: val})
	}
	if len(out.fields) > 0 {
		out.line = out.fields[0].line
	}
	for _, m := range merges {
		if err := c.merge(out, m); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// key reads a mapping key, which must be a scalar.
func (c *yamlConverter) key(k ast.MapKeyNode, depth int) (string, int, error) {
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	kn, err := c.convert(n, depth+1)
	if err != nil {
		return "", 0, err
	}
	line, _ := pos(k)
	switch kn.kind {
	case kindScalar:
		return kn.text, line, nil
	case kindNull:
		return "", line, c.errorf(k, "yaml: empty mapping key")
	}
	return "", line, c.errorf(k, "yaml: a mapping key must be a scalar, not %s", kn.kind)
}

// merge applies a "<<" merge key: entries of src (a mapping or a list of
// mappings) that out does not set already.
func (c *yamlConverter) merge(out, src *node) error {
	srcs := []*node{src}
	if src.kind == kindList {
		srcs = src.items
	}
	for _, s := range srcs {
		if s.kind != kindMap {
			return &LoadError{File: c.file, Line: s.line, Err: errors.New("yaml: merge key \"<<\" needs a mapping")}
		}
		for _, f := range s.fields {
			if _, _, ok := out.get(f.key); !ok {
				out.fields = append(out.fields, f)
			}
		}
	}
	return nil
}

// isYAMLExt reports whether ext names a YAML file.
func isYAMLExt(ext string) bool {
	ext = strings.ToLower(ext)
	return ext == ".yaml" || ext == ".yml"
}
