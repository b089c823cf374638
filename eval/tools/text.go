package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// errWorkLimit is the answer for an output whose candidate blocks would
// take more than a few passes over it to parse (as promptfoo bounds it).
var errWorkLimit = errors.New("tool call F1 could not finish parsing the output within its work limit")

// namesInText reads the tool names out of a text output: the whole text as
// one JSON document, or else each JSON value that starts a line and ends
// one (as providers join serialized calls at line boundaries), skipping
// fenced code blocks.
func namesInText(out string) ([]string, error) {
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err == nil {
		return namesIn(doc, nil), nil
	}
	var names []string
	lines := strings.SplitAfter(out, "\n")
	fence := ""
	budget := 4*len(out) + 4096
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimSpace(lines[i])
		if f := fenceMarker(trimmed); f != "" {
			switch {
			case fence == "" && (f[0] != '`' || !strings.Contains(trimmed[len(f):], "`")):
				fence = f // an opener; a backtick opener's info string has no backtick
			case fence != "" && f[0] == fence[0] && len(f) >= len(fence) && strings.TrimLeft(trimmed, f[:1]) == "":
				fence = ""
			}
			continue
		}
		if fence != "" || trimmed == "" || (trimmed[0] != '{' && trimmed[0] != '[') {
			continue
		}
		v, used, ok := blockAt(lines[i:], &budget)
		if budget < 0 {
			return nil, errWorkLimit
		}
		if ok {
			names = namesIn(v, names)
		}
		// A value that parsed, kept or not (text after it on its last
		// line), is skipped whole: what is inside it is not a call of its
		// own. After invalid JSON the next lines are looked at again.
		i += max(used, 1) - 1
	}
	return names, nil
}

// fenceMarker returns the ``` or ~~~ run a line opens or closes a fence
// with, or "".
func fenceMarker(line string) string {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return line[:n]
		}
	}
	return ""
}

// blockAt decodes one JSON value from the start of lines[0] (after white
// space) that ends at the end of a line, returning it and how many lines
// it used (also when text follows the value on its last line, which is
// then not kept; 0 lines when the JSON is invalid). Each attempt spends the bytes it reads from budget.
func blockAt(lines []string, budget *int) (any, int, bool) {
	var buf bytes.Buffer
	for n, l := range lines {
		buf.WriteString(l)
		*budget -= buf.Len()
		if *budget < 0 {
			return nil, 0, false
		}
		dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
		var v any
		if err := dec.Decode(&v); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				continue // the value goes on on the next line
			}
			return nil, 0, false
		}
		rest := buf.Bytes()[dec.InputOffset():]
		return v, n + 1, len(bytes.TrimSpace(rest)) == 0
	}
	return nil, 0, false
}

// namesIn appends the tool names a decoded value holds, in the shapes
// promptfoo reads: {tool_calls: [...]} (OpenAI), {type: tool_use, name}
// (Anthropic), {type: function_call, name} (OpenAI Responses),
// {functionCall: {name}} (Gemini), {toolCall: {functionCalls: [...]}}
// (Gemini Live), and lists of such blocks, of {function: {name}} or of
// {name}.
func namesIn(v any, names []string) []string {
	switch t := v.(type) {
	case map[string]any:
		if list, ok := t["tool_calls"].([]any); ok {
			for _, e := range list {
				m, _ := e.(map[string]any)
				if fn, ok := m["function"].(map[string]any); ok {
					names = addString(names, fn["name"])
				}
				names = addString(names, m["name"])
			}
			return names
		}
		if typ, _ := t["type"].(string); typ == "tool_use" || typ == "function_call" {
			if _, ok := t["name"].(string); ok {
				return addString(names, t["name"])
			}
		}
		if fc, ok := t["functionCall"].(map[string]any); ok {
			return addString(names, fc["name"])
		}
		if tc, ok := t["toolCall"].(map[string]any); ok {
			list, _ := tc["functionCalls"].([]any)
			for _, e := range list {
				m, _ := e.(map[string]any)
				names = addString(names, m["name"])
			}
		}
	case []any:
		for _, e := range t {
			m, ok := e.(map[string]any)
			if !ok {
				continue
			}
			switch {
			case m["type"] == "tool_use" && isString(m["name"]):
				names = addString(names, m["name"])
			case m["functionCall"] != nil && isMap(m["functionCall"]):
				names = addString(names, m["functionCall"].(map[string]any)["name"])
			case isMap(m["function"]):
				names = addString(names, m["function"].(map[string]any)["name"])
			default:
				names = addString(names, m["name"])
			}
		}
	}
	return names
}

func isString(v any) bool { _, ok := v.(string); return ok }

func isMap(v any) bool { _, ok := v.(map[string]any); return ok }

// addString appends v when it is a string not yet in names.
func addString(names []string, v any) []string {
	if s, ok := v.(string); ok {
		return appendName(names, s)
	}
	return names
}
