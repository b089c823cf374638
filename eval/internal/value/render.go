package value

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/eval"
)

// Render substitutes {{path}} placeholders in s with the case's variables.
// It follows the syntax of the prompt templates (the README's "Suites"): spaces around
// the path are ignored, dotted paths walk maps, whole-number segments index
// lists. Unlike a prompt, an assertion value keeps a placeholder that does
// not resolve verbatim, so the reason shows what was not substituted.
//
// Render is the one seam through which every assertion family renders
// values; it is a small local renderer so that the families do not depend on
// internal/template while that package settles, and can be switched to it
// here alone.
func Render(s string, in *eval.Input) string {
	if !strings.Contains(s, "{{") || in == nil || in.Case == nil || len(in.Case.Variables) == 0 {
		return s
	}
	return renderVars(s, in.Case.Variables)
}

// HasPlaceholder reports whether s contains a {{ ... }} placeholder.
func HasPlaceholder(s string) bool {
	i := strings.Index(s, "{{")
	return i >= 0 && strings.Contains(s[i+2:], "}}")
}

// renderVars is the local renderer behind Render.
func renderVars(s string, vars map[string]any) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		raw := s[i : i+2+j+2]
		path := strings.Trim(s[i+2:i+2+j], " \t")
		if v, ok := lookup(vars, path); ok {
			b.WriteString(text(v))
		} else {
			b.WriteString(raw)
		}
		s = s[i+2+j+2:]
	}
}

// lookup resolves a dotted path in vars.
func lookup(vars map[string]any, path string) (any, bool) {
	if path == "" {
		return nil, false
	}
	var cur any = vars
	for seg := range strings.SplitSeq(path, ".") {
		next, ok := step(cur, seg)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// step goes one segment down from v: a map key or a list index.
func step(v any, seg string) (any, bool) {
	switch c := v.(type) {
	case map[string]any:
		e, ok := c[seg]
		return e, ok
	case map[any]any:
		e, ok := c[seg]
		return e, ok
	case []any:
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 || i >= len(c) {
			return nil, false
		}
		return c[i], true
	case nil:
		return nil, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, false
		}
		e := rv.MapIndex(reflect.ValueOf(seg).Convert(rv.Type().Key()))
		if !e.IsValid() {
			return nil, false
		}
		return e.Interface(), true
	case reflect.Slice, reflect.Array:
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 || i >= rv.Len() {
			return nil, false
		}
		return rv.Index(i).Interface(), true
	}
	return nil, false
}

// text writes a variable as the prompt templates do: scalars as text, nil as
// nothing, maps and lists as compact JSON.
func text(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := Scalar(v); ok {
		return s
	}
	n, err := Normalize(v)
	if err != nil {
		return ""
	}
	b, err := json.Marshal(n)
	if err != nil {
		return ""
	}
	return string(b)
}
