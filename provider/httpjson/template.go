package httpjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/llm-test-bench/llm-test-bench/internal/jsonstr"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// varID names a template variable; 0 is "no variable".
type varID uint8

const (
	varNone varID = iota
	varPrompt
	varSystem
	varModel
	varMessages
	varTemperature
	varTopP
	varMaxTokens
	varSeed
	varStop
	varLogprobs
)

// varNames maps the names written between {{ and }} to variables.
var varNames = map[string]varID{
	"prompt": varPrompt, "system": varSystem, "model": varModel, "messages": varMessages,
	"temperature": varTemperature, "top_p": varTopP, "max_tokens": varMaxTokens,
	"seed": varSeed, "stop": varStop, "logprobs": varLogprobs,
}

// knownVars lists the variable names for error messages.
func knownVars() string {
	names := make([]string, 0, len(varNames))
	for n := range varNames {
		names = append(names, "{{"+n+"}}")
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// nodeKind is the kind of a compiled template node.
type nodeKind uint8

const (
	kindLiteral nodeKind = iota // a JSON value without variables, kept as text
	kindObject
	kindArray
	kindString // a string with variables inside other text
	kindVar    // a string that is exactly one variable
)

// node is one compiled JSON value of a body template.
type node struct {
	kind nodeKind
	raw  []byte   // kindLiteral: the value's JSON text
	keys [][]byte // kindObject: each member's key, JSON-encoded
	kids []node   // kindObject members (in key order) and kindArray items
	segs []segment
	v    varID
}

// segment is a piece of a kindString: literal text, or a variable.
type segment struct {
	lit string
	v   varID
}

// template is a compiled body template.
type template struct {
	root node
	// isObject reports whether the body is a JSON object, into which
	// provider.Request.Extra can be merged.
	isObject bool
}

// errNoBody is returned by compileBody for a nil body.
var errNoBody = errors.New("no body template")

// compileBody compiles a body template given as a config value: a table or
// array (any JSON value), or a string holding JSON text.
func compileBody(v any) (*template, error) {
	if v == nil {
		return nil, errNoBody
	}
	var doc any
	if s, ok := v.(string); ok {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("not valid JSON: %w", err)
		}
		if dec.More() {
			return nil, errors.New("not valid JSON: more than one value")
		}
	} else {
		// A round trip through JSON turns whatever the config decoder gave
		// (int64, nested maps, TOML dates) into plain JSON values.
		data, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("cannot be encoded as JSON: %w", err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("cannot be encoded as JSON: %w", err)
		}
	}
	root, err := compileNode(doc, "$")
	if err != nil {
		return nil, err
	}
	_, isObject := doc.(map[string]any)
	return &template{root: root, isObject: isObject}, nil
}

// compileNode compiles one decoded JSON value; at says where it is, for errors.
func compileNode(v any, at string) (node, error) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		n := node{kind: kindObject, keys: make([][]byte, len(keys)), kids: make([]node, len(keys))}
		lit := true
		for i, k := range keys {
			n.keys[i] = appendJSONString(nil, k)
			kid, err := compileNode(x[k], at+"."+k)
			if err != nil {
				return node{}, err
			}
			n.kids[i] = kid
			lit = lit && kid.kind == kindLiteral
		}
		if lit {
			return literal(v)
		}
		return n, nil
	case []any:
		n := node{kind: kindArray, kids: make([]node, len(x))}
		lit := true
		for i, item := range x {
			kid, err := compileNode(item, fmt.Sprintf("%s[%d]", at, i))
			if err != nil {
				return node{}, err
			}
			n.kids[i] = kid
			lit = lit && kid.kind == kindLiteral
		}
		if lit {
			return literal(v)
		}
		return n, nil
	case string:
		segs, err := parseString(x)
		if err != nil {
			return node{}, fmt.Errorf("at %s: %w", at, err)
		}
		switch {
		case len(segs) == 0 || (len(segs) == 1 && segs[0].v == varNone):
			return literal(x)
		case len(segs) == 1:
			return node{kind: kindVar, v: segs[0].v}, nil
		}
		return node{kind: kindString, segs: segs}, nil
	}
	return literal(v)
}

func literal(v any) (node, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return node{}, err
	}
	return node{kind: kindLiteral, raw: raw}, nil
}

// parseString splits s into literal text and {{variable}} references.
// Spaces inside the braces are allowed ("{{ prompt }}"). An unknown name or
// a "{{" without its "}}" is an error.
func parseString(s string) ([]segment, error) {
	var segs []segment
	for s != "" {
		i := strings.Index(s, "{{")
		if i < 0 {
			segs = append(segs, segment{lit: s})
			break
		}
		if i > 0 {
			segs = append(segs, segment{lit: s[:i]})
		}
		rest := s[i+2:]
		j := strings.Index(rest, "}}")
		if j < 0 {
			return nil, fmt.Errorf("%q opens {{ without a closing }}", s)
		}
		name := strings.TrimSpace(rest[:j])
		id, ok := varNames[name]
		if !ok {
			return nil, fmt.Errorf("unknown variable {{%s}} (known: %s)", name, knownVars())
		}
		segs = append(segs, segment{v: id})
		s = rest[j+2:]
	}
	return segs, nil
}

// values are a request's variables.
type values struct {
	prompt, system, model string
	messages              []byte
	temperature, topP     *float64
	maxTokens, seed       *int
	stop                  []string
	logprobs              bool
}

// wireMessage is one entry of {{messages}}.
type wireMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// newValues computes the variables of req for model.
func newValues(req provider.Request, model string) (*values, error) {
	s := req.Sampling
	for _, f := range []struct {
		name string
		v    *float64
	}{{"temperature", s.Temperature}, {"top_p", s.TopP}} {
		if f.v != nil && (math.IsNaN(*f.v) || math.IsInf(*f.v, 0)) {
			return nil, fmt.Errorf("%s %v is not a number JSON can carry", f.name, *f.v)
		}
	}
	v := &values{
		model: model, temperature: s.Temperature, topP: s.TopP, maxTokens: s.MaxTokens,
		seed: s.Seed, stop: s.Stop, logprobs: s.Logprobs,
	}
	msgs := make([]wireMessage, len(req.Messages))
	var system []string
	for i, m := range req.Messages {
		msgs[i] = wireMessage{Role: m.Role, Content: m.Content}
		switch m.Role {
		case bench.RoleUser:
			v.prompt = m.Content
		case bench.RoleSystem:
			system = append(system, m.Content)
		}
	}
	v.system = strings.Join(system, "\n\n")
	var err error
	if v.messages, err = json.Marshal(msgs); err != nil {
		return nil, fmt.Errorf("encode messages: %w", err)
	}
	return v, nil
}

// set reports whether variable id has a value: sampling settings the case
// leaves unset have none, everything else always has one.
func (v *values) set(id varID) bool {
	switch id {
	case varTemperature:
		return v.temperature != nil
	case varTopP:
		return v.topP != nil
	case varMaxTokens:
		return v.maxTokens != nil
	case varSeed:
		return v.seed != nil
	case varStop:
		return len(v.stop) > 0
	}
	return true
}

// appendRaw appends variable id as a JSON value (null when unset).
func (v *values) appendRaw(dst []byte, id varID) []byte {
	switch id {
	case varPrompt:
		return appendJSONString(dst, v.prompt)
	case varSystem:
		return appendJSONString(dst, v.system)
	case varModel:
		return appendJSONString(dst, v.model)
	case varMessages:
		return append(dst, v.messages...)
	case varStop:
		if len(v.stop) == 0 {
			return append(dst, "null"...)
		}
		dst = append(dst, '[')
		for i, s := range v.stop {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, s)
		}
		return append(dst, ']')
	}
	return v.appendText(dst, id, "null")
}

// appendText appends variable id as text inside a string: strings as they
// are, numbers in decimal, {{messages}} and {{stop}} as JSON text; unset
// appends unset.
func (v *values) appendText(dst []byte, id varID, unset string) []byte {
	switch id {
	case varPrompt:
		return append(dst, v.prompt...)
	case varSystem:
		return append(dst, v.system...)
	case varModel:
		return append(dst, v.model...)
	case varMessages, varStop:
		if !v.set(id) {
			return append(dst, unset...)
		}
		return v.appendRaw(dst, id)
	case varTemperature, varTopP:
		f := v.temperature
		if id == varTopP {
			f = v.topP
		}
		if f == nil {
			return append(dst, unset...)
		}
		return strconv.AppendFloat(dst, *f, 'g', -1, 64)
	case varMaxTokens, varSeed:
		n := v.maxTokens
		if id == varSeed {
			n = v.seed
		}
		if n == nil {
			return append(dst, unset...)
		}
		return strconv.AppendInt(dst, int64(*n), 10)
	case varLogprobs:
		return strconv.AppendBool(dst, v.logprobs)
	}
	return append(dst, unset...)
}

// render appends the body for v to dst.
func (t *template) render(dst []byte, v *values) []byte {
	return t.root.render(dst, v)
}

// render appends n for v. An object member that is exactly an unset
// variable is left out (the vendor's default then applies); an unset
// variable elsewhere is null, or empty text inside a string.
func (n *node) render(dst []byte, v *values) []byte {
	switch n.kind {
	case kindLiteral:
		return append(dst, n.raw...)
	case kindVar:
		return v.appendRaw(dst, n.v)
	case kindString:
		var buf []byte
		for _, s := range n.segs {
			if s.v == varNone {
				buf = append(buf, s.lit...)
			} else {
				buf = v.appendText(buf, s.v, "")
			}
		}
		return appendJSONString(dst, string(buf))
	case kindArray:
		dst = append(dst, '[')
		for i := range n.kids {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = n.kids[i].render(dst, v)
		}
		return append(dst, ']')
	}
	dst = append(dst, '{')
	first := true
	for i := range n.kids {
		kid := &n.kids[i]
		if kid.kind == kindVar && !v.set(kid.v) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, n.keys[i]...)
		dst = append(dst, ':')
		dst = kid.render(dst, v)
	}
	return append(dst, '}')
}

// uses reports whether the template refers to variable id anywhere.
func (n *node) uses(id varID) bool {
	switch n.kind {
	case kindVar:
		return n.v == id
	case kindString:
		return slices.ContainsFunc(n.segs, func(s segment) bool { return s.v == id })
	case kindObject, kindArray:
		for i := range n.kids {
			if n.kids[i].uses(id) {
				return true
			}
		}
	}
	return false
}

// appendJSONString appends s as a pure-ASCII-safe JSON string: U+2028,
// U+2029 and the replacement for invalid UTF-8 are \u escapes.
func appendJSONString(dst []byte, s string) []byte { return jsonstr.Append(dst, s, true) }
