package dataset

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/editdist"
)

// decoder turns nodes into values, naming the file and line of every
// problem. Keys are checked strictly: an unknown key is an error (with a
// suggestion), except inside free-form maps such as metadata and variables.
type decoder struct {
	file   string
	caseID string // set while decoding a case, for error messages
	// refs reads the files a value refers to ("file://PATH", relative to
	// from); nil where references are not read (JSONL and CSV records).
	refs files
	from string
}

func (d *decoder) errorf(line int, format string, args ...any) error {
	return &LoadError{File: d.file, Line: line, CaseID: d.caseID, Err: fmt.Errorf(format, args...)}
}

// fields walks a mapping node, calling set for every key in allowed order;
// an unknown key is an error naming it and its line.
func (d *decoder) fields(n *node, what string, known []string, set func(key string, v *node, line int) error) error {
	if n.kind != kindMap {
		return d.errorf(n.line, "%s must be a mapping, not %s", what, n.kind)
	}
	for _, f := range n.fields {
		if !contains(known, f.key) {
			return d.errorf(f.line, "%s: unknown key %q%s", what, f.key, suggest(f.key, known))
		}
		if err := set(f.key, f.val, f.line); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// alias maps keys people carry over from other tools to ours.
func alias(key string) string {
	switch key {
	case "vars":
		return "variables"
	case "tests":
		return "test_cases"
	case "asserts", "assertions":
		return "assert"
	case "expected_output":
		return "expected"
	}
	return ""
}

// suggest proposes the closest known key, or "" when none is close.
func suggest(key string, known []string) string {
	if a := alias(key); a != "" && contains(known, a) {
		return fmt.Sprintf(" (did you mean %q?)", a)
	}
	best, bestDist := "", 3
	for _, k := range known {
		if d := editdist.Sequences([]rune(key), []rune(k), 1, false); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	sorted := append([]string(nil), known...)
	sort.Strings(sorted)
	return " (known keys: " + strings.Join(sorted, ", ") + ")"
}

// str reads a scalar as a string; numbers and booleans keep their source
// text ("1.0" stays "1.0"). Null is "".
func (d *decoder) str(v *node, line int, what string) (string, error) {
	switch v.kind {
	case kindNull:
		return "", nil
	case kindScalar:
		return v.text, nil
	}
	return "", d.errorf(line, "%s must be a string, not %s", what, v.kind)
}

// strList reads a list of scalars, or a single scalar as a one-element list.
func (d *decoder) strList(v *node, line int, what string) ([]string, error) {
	switch v.kind {
	case kindNull:
		return nil, nil
	case kindScalar:
		s, err := d.str(v, line, what)
		return []string{s}, err
	case kindList:
		out := make([]string, 0, len(v.items))
		for i, e := range v.items {
			s, err := d.str(e, lineOr(e.line, line), fmt.Sprintf("%s[%d]", what, i))
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, d.errorf(line, "%s must be a string or a list of strings, not %s", what, v.kind)
}

func lineOr(line, fallback int) int {
	if line > 0 {
		return line
	}
	return fallback
}

// number reads a numeric scalar.
func (d *decoder) number(v *node, line int, what string) (*float64, error) {
	if v.kind == kindNull {
		return nil, nil
	}
	if v.kind == kindScalar {
		var f float64
		switch x := v.val.(type) {
		case int64:
			f = float64(x)
		case uint64:
			f = float64(x)
		case float64:
			f = x
		default:
			return nil, d.errorf(line, "%s must be a number, not %q", what, v.text)
		}
		return &f, nil
	}
	return nil, d.errorf(line, "%s must be a number, not %s", what, v.kind)
}

// freeMap reads a mapping of any values (variables, config, metadata).
func (d *decoder) freeMap(v *node, line int, what string) (map[string]any, error) {
	if v.kind == kindNull {
		return nil, nil
	}
	if v.kind != kindMap {
		return nil, d.errorf(line, "%s must be a mapping, not %s", what, v.kind)
	}
	a, err := v.toAny()
	if err != nil {
		return nil, d.errorf(line, "%s: %v", what, err)
	}
	return a.(map[string]any), nil
}

// stringMap reads a mapping whose values are strings (headers).
func (d *decoder) stringMap(v *node, line int, what string) (map[string]string, error) {
	if v.kind == kindNull {
		return nil, nil
	}
	if v.kind != kindMap {
		return nil, d.errorf(line, "%s must be a mapping, not %s", what, v.kind)
	}
	out := make(map[string]string, len(v.fields))
	for _, f := range v.fields {
		s, err := d.str(f.val, f.line, what+"."+f.key)
		if err != nil {
			return nil, err
		}
		out[f.key] = s
	}
	return out, nil
}

var caseKeys = []string{
	"id", "category", "prompt", "messages", "variables", "expected", "references",
	"context", "inputs", "assert", "threshold", "config", "tags", "metadata",
	"tools", "tool_choice",
}

// decodeCase reads one test case from a mapping node.
func (d *decoder) decodeCase(n *node) (bench.Case, error) {
	var c bench.Case
	c.Source = bench.Location{File: d.file, Line: n.line}
	if n.kind != kindMap {
		return c, d.errorf(n.line, "a test case must be a mapping, not %s", n.kind)
	}
	if v, line, ok := n.get("id"); ok {
		id, err := d.str(v, line, "id")
		if err != nil {
			return c, err
		}
		c.ID = id
		d.caseID = id
	}
	err := d.fields(n, "test case", caseKeys, func(k string, v *node, line int) error {
		return d.caseField(&c, k, v, line)
	})
	if err == nil && c.Prompt != "" && len(c.Messages) > 0 {
		err = d.errorf(n.line, "test case sets both prompt and messages; use one")
	}
	return c, err
}

func (d *decoder) caseField(c *bench.Case, k string, v *node, line int) error {
	var err error
	switch k {
	case "id":
	case "category":
		c.Category, err = d.str(v, line, k)
	case "prompt":
		c.Prompt, err = d.str(v, line, k)
	case "messages":
		c.Messages, err = d.messages(v, line)
	case "variables":
		c.Variables, err = d.freeMap(v, line, k)
	case "expected":
		if v.kind == kindMap || v.kind == kindList {
			return d.errorf(line, "expected must be a string or a number, not %s", v.kind)
		}
		c.Expected, err = d.str(v, line, k)
	case "references":
		c.References, err = d.strList(v, line, k)
	case "context":
		c.Context, err = d.strList(v, line, k)
	case "inputs":
		c.Inputs, err = d.strList(v, line, k)
	case "assert":
		c.Assert, err = d.assertions(v, line)
	case "threshold":
		c.Threshold, err = d.number(v, line, k)
	case "config":
		c.Config, err = d.configMap(v, line, "")
	case "tags":
		c.Tags, err = d.strList(v, line, k)
	case "metadata":
		c.Metadata, err = d.freeMap(v, line, k)
	case "tools":
		c.Tools, err = d.tools(v, line, k)
	case "tool_choice":
		c.ToolChoice, err = d.toolChoice(v, line, k)
	}
	return err
}

var roles = []string{bench.RoleSystem, bench.RoleUser, bench.RoleAssistant}

// messages reads a list of {role, content} chat messages.
func (d *decoder) messages(v *node, line int) ([]bench.Message, error) {
	if v.kind == kindNull {
		return nil, nil
	}
	if v.kind != kindList {
		return nil, d.errorf(line, "messages must be a list of {role, content}, not %s", v.kind)
	}
	out := make([]bench.Message, 0, len(v.items))
	for i, e := range v.items {
		var m bench.Message
		what := fmt.Sprintf("messages[%d]", i)
		err := d.fields(e, what, []string{"role", "content"}, func(k string, v *node, line int) error {
			var err error
			if k == "role" {
				m.Role, err = d.str(v, line, what+".role")
			} else {
				m.Content, err = d.str(v, line, what+".content")
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if !contains(roles, m.Role) {
			return nil, d.errorf(lineOr(e.line, line), "%s: role must be one of %s, not %q", what, strings.Join(roles, ", "), m.Role)
		}
		out = append(out, m)
	}
	return out, nil
}

var assertKeys = []string{"type", "value", "threshold", "weight", "metric", "provider", "config", "assert"}

// assertions reads a list of assertions.
func (d *decoder) assertions(v *node, line int) ([]bench.Assertion, error) {
	if v.kind == kindNull {
		return nil, nil
	}
	if v.kind != kindList {
		return nil, d.errorf(line, "assert must be a list of {type, value, ...}, not %s", v.kind)
	}
	out := make([]bench.Assertion, 0, len(v.items))
	for i, e := range v.items {
		a, err := d.assertion(e, lineOr(e.line, line), fmt.Sprintf("assert[%d]", i))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (d *decoder) assertion(e *node, line int, what string) (bench.Assertion, error) {
	var a bench.Assertion
	err := d.fields(e, what, assertKeys, func(k string, v *node, line int) error {
		var err error
		switch k {
		case "type":
			a.Type, err = d.str(v, line, what+".type")
		case "value":
			a.Value, err = v.toAny()
			if err != nil {
				err = d.errorf(line, "%s.value: %v", what, err)
			}
		case "threshold":
			a.Threshold, err = d.number(v, line, what+".threshold")
		case "weight":
			a.Weight, err = d.number(v, line, what+".weight")
		case "metric":
			a.Metric, err = d.str(v, line, what+".metric")
		case "provider":
			a.Provider, err = d.str(v, line, what+".provider")
		case "config":
			a.Config, err = d.freeMap(v, line, what+".config")
		case "assert":
			a.Assert, err = d.assertions(v, line)
		}
		return err
	})
	if err == nil && a.Type == "" {
		err = d.errorf(line, "%s: type is required", what)
	}
	return a, err
}

// errNoCases is reported for a suite without test cases.
var errNoCases = errors.New("no test cases")
