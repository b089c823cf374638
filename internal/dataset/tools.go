package dataset

import (
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval/tools"
)

// tools reads a tools list: inline, or "file://PATH" (a YAML or JSON file
// holding the list, relative to the file naming it). Each entry is in
// OpenAI's form, {type: function, function: {name, description,
// parameters}}, or flat, {name, description, parameters}. The list is
// checked (names, duplicates, parameters a JSON Schema object).
func (d *decoder) tools(v *node, line int, what string) ([]bench.Tool, error) {
	if v.kind == kindScalar && v.isStr {
		rel, ok := strings.CutPrefix(v.text, "file://")
		if !ok || rel == "" {
			return nil, d.errorf(line, "%s must be a list of tools or \"file://PATH\", not %q", what, v.text)
		}
		return d.toolsFile(rel, line, what)
	}
	if v.kind == kindNull {
		return nil, nil
	}
	if v.kind != kindList {
		return nil, d.errorf(line, "%s must be a list of tools or \"file://PATH\", not %s", what, v.kind)
	}
	out := make([]bench.Tool, 0, len(v.items))
	for i, e := range v.items {
		t, err := d.tool(e, lineOr(e.line, line), fmt.Sprintf("%s[%d]", what, i))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := tools.CheckTools(out); err != nil {
		return nil, d.errorf(line, "%s%s", what, strings.TrimPrefix(err.Error(), "tools"))
	}
	return out, nil
}

// toolsFile reads a tools list from a referenced file; the list there may
// not refer to another file.
func (d *decoder) toolsFile(rel string, line int, what string) ([]bench.Tool, error) {
	if d.refs == nil {
		return nil, d.errorf(line, "%s: file references are read in YAML and JSON suite and case files only; give the tools inline", what)
	}
	name := d.refs.resolve(d.from, rel)
	root, err := parseFile(d.refs, name)
	if err != nil {
		return nil, d.errorf(line, "%s: %v", what, err)
	}
	if root.kind != kindList {
		return nil, d.errorf(line, "%s: %s must hold a list of tools, not %s", what, d.refs.display(name), root.kind)
	}
	sub := &decoder{file: d.refs.display(name), caseID: d.caseID}
	return sub.tools(root, root.line, "tools")
}

var (
	toolKeys       = []string{"type", "function", "name", "description", "parameters", "strict"}
	toolObjectKeys = []string{"name", "description", "parameters", "strict"}
)

// tool reads one tool in OpenAI's form or flat.
func (d *decoder) tool(e *node, line int, what string) (bench.Tool, error) {
	var t bench.Tool
	var fn *node
	fnLine := line
	err := d.fields(e, what, toolKeys, func(k string, v *node, line int) error {
		switch k {
		case "type":
			typ, err := d.str(v, line, what+".type")
			if err == nil && typ != "function" {
				err = d.errorf(line, "%s.type must be \"function\", not %q", what, typ)
			}
			return err
		case "function":
			fn, fnLine = v, line
			return nil
		}
		return d.toolField(&t, k, v, line, what)
	})
	if err != nil {
		return t, err
	}
	if fn != nil {
		if t.Name != "" || t.Description != "" || t.Parameters != nil || t.Strict {
			return t, d.errorf(line, "%s: give name, description and parameters either under function or beside type, not both", what)
		}
		err = d.fields(fn, what+".function", toolObjectKeys, func(k string, v *node, line int) error {
			return d.toolField(&t, k, v, line, what+".function")
		})
		line = fnLine
	}
	if err == nil && t.Name == "" {
		err = d.errorf(line, "%s: name is required", what)
	}
	return t, err
}

func (d *decoder) toolField(t *bench.Tool, k string, v *node, line int, what string) error {
	var err error
	switch k {
	case "name":
		t.Name, err = d.str(v, line, what+".name")
	case "description":
		t.Description, err = d.str(v, line, what+".description")
	case "parameters":
		t.Parameters, err = d.freeMap(v, line, what+".parameters")
	case "strict":
		b, ok := v.val.(bool)
		if v.kind != kindScalar || !ok {
			return d.errorf(line, "%s.strict must be true or false", what)
		}
		t.Strict = b
	}
	return err
}

// toolChoice reads tool_choice: "auto", "none", "required" (or its alias
// "any"), a tool's name as {type: function, function: {name}}, or
// {mode, name}.
func (d *decoder) toolChoice(v *node, line int, what string) (*bench.ToolChoice, error) {
	switch v.kind {
	case kindNull:
		return nil, nil
	case kindScalar:
		s, _ := d.str(v, line, what)
		switch s {
		case bench.ToolChoiceAuto, bench.ToolChoiceNone, bench.ToolChoiceRequired:
			return &bench.ToolChoice{Mode: s}, nil
		case "any":
			return &bench.ToolChoice{Mode: bench.ToolChoiceRequired}, nil
		}
		return nil, d.errorf(line, "%s must be auto, none, required or {type: function, function: {name: NAME}}, not %q", what, s)
	case kindMap:
		if _, _, ok := v.get("mode"); ok {
			var c bench.ToolChoice
			err := d.fields(v, what, []string{"mode", "name"}, func(k string, v *node, line int) error {
				var err error
				if k == "mode" {
					c.Mode, err = d.str(v, line, what+".mode")
				} else {
					c.Name, err = d.str(v, line, what+".name")
				}
				return err
			})
			if err == nil {
				err = d.checkChoice(&c, line, what)
			}
			return &c, err
		}
		c := bench.ToolChoice{Mode: bench.ToolChoiceTool}
		err := d.fields(v, what, []string{"type", "function"}, func(k string, v *node, line int) error {
			if k == "type" {
				typ, err := d.str(v, line, what+".type")
				if err == nil && typ != "function" {
					err = d.errorf(line, "%s.type must be \"function\", not %q", what, typ)
				}
				return err
			}
			return d.fields(v, what+".function", []string{"name"}, func(_ string, v *node, line int) error {
				var err error
				c.Name, err = d.str(v, line, what+".function.name")
				return err
			})
		})
		if err == nil && c.Name == "" {
			err = d.errorf(line, "%s: name the tool as {type: function, function: {name: NAME}}", what)
		}
		return &c, err
	}
	return nil, d.errorf(line, "%s must be a string or a mapping, not %s", what, v.kind)
}

// checkChoice checks a {mode, name} tool_choice.
func (d *decoder) checkChoice(c *bench.ToolChoice, line int, what string) error {
	switch c.Mode {
	case bench.ToolChoiceAuto, bench.ToolChoiceNone, bench.ToolChoiceRequired:
		if c.Name != "" {
			return d.errorf(line, "%s: name goes with mode tool only", what)
		}
		return nil
	case bench.ToolChoiceTool:
		if c.Name == "" {
			return d.errorf(line, "%s: mode tool needs a name", what)
		}
		return nil
	}
	return d.errorf(line, "%s.mode must be auto, none, required or tool, not %q", what, c.Mode)
}

// ToolUse is the first case of a suite that offers tools, so a provider
// without tool support is named before any call.
type ToolUse struct {
	CaseID string
	Source bench.Location
	Tools  []bench.Tool
	Choice *bench.ToolChoice
}

// ToolUse returns the first case with tools (or a tool_choice) the last
// Validate saw; nil when no case has any.
func (s *Suite) ToolUse() *ToolUse { return s.toolUse }
