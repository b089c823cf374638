package config

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/editdist"
)

// origin is where a setting came from; a higher rank wins.
type origin struct {
	source string
	rank   int
	// line is the line of a file the key is set on, 0 when unknown.
	line int
}

// Layer ranks, lowest first (the precedence of the package comment).
const (
	rankDefault = iota
	rankUserFile
	rankProjectFile
	rankExplicitFile
	rankEnv
	rankFlag
)

var durationType = reflect.TypeFor[time.Duration]()

// checker walks one layer's settings against the schema (the Config struct
// and its koanf tags). It drops unknown keys and values of the wrong type,
// each recorded as a Problem, converts the others to their field's type (the
// strings of the environment and of flags are parsed), and records which
// keys the layer set. Maps of free-form values (options, integrations)
// accept any key and value.
type checker struct {
	from  origin
	probs *Problems
	set   map[string]origin
	// text is set for the environment and flags, whose values are all
	// strings: a list is then written with commas.
	text bool
	// lines maps the keys of a file to their lines (see keyLines); nil for
	// the environment and flags.
	lines map[string]int
}

// originOf is the checker's source, with the line of path in a file.
func (c *checker) originOf(path string) origin {
	o := c.from
	o.line = lineOf(c.lines, path)
	return o
}

// table checks a TOML table against struct type t and returns what it keeps.
func (c *checker) table(m map[string]any, t reflect.Type, prefix string) map[string]any {
	fields := fieldsOf(t)
	out := make(map[string]any, len(m))
	for key, val := range m {
		path := join(prefix, key)
		ft, ok := fields[key]
		if !ok {
			msg := "unknown key"
			if s := closest(key, sortedNames(fields)); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", join(prefix, s))
			}
			c.problem(path, nil, msg)
			continue
		}
		if v, ok := c.value(val, ft, path); ok {
			out[key] = v
		}
	}
	return out
}

// value checks one value against type t; ok is false when it was refused.
func (c *checker) value(v any, t reflect.Type, path string) (any, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		return c.scalar(v, path, parseDuration)
	case t.Kind() == reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return c.refuse(path, v, "want a table of settings")
		}
		return c.table(m, t, path), true
	case t.Kind() == reflect.Map:
		return c.mapValue(v, t, path)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return c.tables(v, t.Elem(), path)
	case t.Kind() == reflect.Slice:
		return c.stringList(v, path)
	case t.Kind() == reflect.Int:
		return c.scalar(v, path, parseInt)
	case t.Kind() == reflect.Float64:
		return c.scalar(v, path, parseFloat)
	case t.Kind() == reflect.Bool:
		return c.scalar(v, path, parseBool)
	case t.Kind() == reflect.String:
		return c.scalar(v, path, parseString)
	}
	// A programming error in the schema, not a user's: every field type
	// above is handled.
	panic(fmt.Sprintf("config: field %s has unsupported type %s", path, t))
}

func (c *checker) mapValue(v any, t reflect.Type, path string) (any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return c.refuse(path, v, "want a table")
	}
	if t.Elem().Kind() == reflect.Interface {
		for k := range m {
			c.set[join(path, k)] = c.originOf(join(path, k))
		}
		return m, true
	}
	out := make(map[string]any, len(m))
	for k, val := range m {
		if cv, ok := c.value(val, t.Elem(), join(path, k)); ok {
			out[k] = cv
		}
	}
	return out, true
}

// tables checks an array of tables such as [[security.roles]].
func (c *checker) tables(v any, t reflect.Type, path string) (any, bool) {
	list, ok := v.([]any)
	if !ok {
		if _, isText := v.(string); isText {
			return c.refuse(path, v, "a list of tables cannot be given as text; set it in a configuration file")
		}
		return c.refuse(path, v, "want a list of tables")
	}
	out := make([]any, 0, len(list))
	for i, item := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		m, ok := item.(map[string]any)
		if !ok {
			c.problem(p, item, "want a table of settings")
			continue
		}
		out = append(out, c.table(m, t, p))
	}
	c.set[path] = c.originOf(path)
	return out, true
}

// stringList checks a list of strings; text (from the environment or a flag)
// is split at commas.
func (c *checker) stringList(v any, path string) (any, bool) {
	if s, ok := v.(string); ok && c.text {
		var out []any
		for part := range strings.SplitSeq(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		c.set[path] = c.originOf(path)
		return out, true
	}
	list, ok := v.([]any)
	if !ok {
		return c.refuse(path, v, "want a list of strings")
	}
	for _, item := range list {
		if _, ok := item.(string); !ok {
			return c.refuse(path, v, "want a list of strings")
		}
	}
	c.set[path] = c.originOf(path)
	return list, true
}

func (c *checker) scalar(v any, path string, parse func(any) (any, string)) (any, bool) {
	out, want := parse(v)
	if want != "" {
		return c.refuse(path, v, want)
	}
	c.set[path] = c.originOf(path)
	return out, true
}

func (c *checker) refuse(path string, v any, msg string) (any, bool) {
	c.problem(path, v, msg)
	return nil, false
}

func (c *checker) problem(path string, v any, msg string) {
	p := Problem{Source: c.originOf(path).at(), Key: path, Msg: msg}
	if v != nil {
		p.Value = showValue(path, v)
	}
	*c.probs = append(*c.probs, p)
}

// The parsers return the value in its field's type, or what was wanted.

func parseString(v any) (any, string) {
	if s, ok := v.(string); ok {
		return s, ""
	}
	return nil, "want a string (in quotes)"
}

func parseInt(v any) (any, string) {
	const want = "want a whole number"
	switch n := v.(type) {
	case int64:
		return int(n), ""
	case int:
		return n, ""
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int(n), ""
		}
	case string:
		if i, err := strconv.Atoi(strings.TrimSpace(n)); err == nil {
			return i, ""
		}
	}
	return nil, want
}

func parseFloat(v any) (any, string) {
	const want = "want a number"
	var f float64
	switch n := v.(type) {
	case int64:
		f = float64(n)
	case int:
		f = float64(n)
	case float64:
		f = n
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(n), 64); err != nil {
			return nil, want
		}
	default:
		return nil, want
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, want
	}
	return f, ""
}

func parseBool(v any) (any, string) {
	switch b := v.(type) {
	case bool:
		return b, ""
	case string:
		if parsed, err := strconv.ParseBool(strings.TrimSpace(b)); err == nil {
			return parsed, ""
		}
	}
	return nil, "want true or false"
}

func parseDuration(v any) (any, string) {
	const want = `want a duration in quotes, such as "90s" or "2m"`
	s, ok := v.(string)
	if !ok {
		return nil, want
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return nil, want
	}
	return d, ""
}

// showValue renders a refused value for a message: strings quoted, long
// values cut, and nothing at all of a value whose key can hold a secret.
func showValue(path string, v any) string {
	if secretPath(path) {
		return Redacted
	}
	var s string
	if str, ok := v.(string); ok {
		s = strconv.Quote(str)
	} else {
		s = fmt.Sprint(v)
	}
	const maxShown = 60
	if r := []rune(s); len(r) > maxShown {
		s = string(r[:maxShown]) + "..."
	}
	return s
}

// fieldsOf maps the koanf tags of struct t to their field types.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if tag := f.Tag.Get("koanf"); tag != "" {
			fields[tag] = f.Type
		}
	}
	return fields
}

// join appends a key to a dotted path, quoting a key that holds a dot or a
// space so that the path stays readable.
func join(prefix, key string) string {
	if key == "" || strings.ContainsAny(key, ". \t\"") {
		key = strconv.Quote(key)
	}
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// closest returns the candidate nearest to s by edit distance, if near enough.
func closest(s string, candidates []string) string {
	best, bestD := "", len(s)/2+2
	for _, c := range candidates {
		if d := editdist.Sequences([]rune(s), []rune(c), 1, false); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
