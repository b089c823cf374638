package value

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Float converts any numeric kind that a YAML or JSON decoder may produce
// (int, uint64, float64, json.Number, ...) or a numeric string to a float64.
// It reports false for anything else, including NaN and infinities.
func Float(v any) (float64, bool) {
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case float32:
		f = float64(n)
	case int:
		f = float64(n)
	case int8:
		f = float64(n)
	case int16:
		f = float64(n)
	case int32:
		f = float64(n)
	case int64:
		f = float64(n)
	case uint:
		f = float64(n)
	case uint8:
		f = float64(n)
	case uint16:
		f = float64(n)
	case uint32:
		f = float64(n)
	case uint64:
		f = float64(n)
	case json.Number:
		p, err := n.Float64()
		if err != nil {
			return 0, false
		}
		f = p
	case string:
		p, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		if err != nil {
			return 0, false
		}
		f = p
	default:
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// Scalar renders a string, number or boolean value as text: whole numbers
// without a decimal part ("3", not "3.0"), other numbers in Go's shortest
// form. It reports false for nil, lists and maps.
func Scalar(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case bool:
		return strconv.FormatBool(s), true
	case json.Number:
		return s.String(), true
	case nil:
		return "", false
	}
	f, ok := Float(v)
	if !ok {
		return "", false
	}
	return FormatFloat(f), true
}

// FormatFloat writes whole numbers without a decimal part and other numbers
// in Go's shortest 'g' form.
func FormatFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Strings converts a list value ([]any of scalars, or []string) to strings.
// A single string is read by ParseList, as promptfoo reads the string form
// of contains-any and contains-all: "a, b" is two items and "\"a, b\"" one.
func Strings(v any) ([]string, error) {
	switch l := v.(type) {
	case []string:
		return l, nil
	case string:
		return ParseList(l)
	case []any:
		out := make([]string, 0, len(l))
		for i, e := range l {
			s, ok := Scalar(e)
			if !ok {
				return nil, fmt.Errorf("item %d is %s, want a string", i, Kind(e))
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("value is %s, want a list of strings", Kind(v))
}

// Normalize rewrites a decoded YAML value into the shape encoding/json
// produces and accepts: map[any]any becomes map[string]any, recursively.
// Numbers keep their kind. It fails on map keys that are not scalars.
// A value that needs no change is returned as it is, without copying.
func Normalize(v any) (any, error) {
	if !hasAnyKeyedMap(v) {
		return v, nil
	}
	return normalize(v)
}

// hasAnyKeyedMap reports whether v holds a map[any]any anywhere.
func hasAnyKeyedMap(v any) bool {
	switch c := v.(type) {
	case map[any]any:
		return true
	case map[string]any:
		for _, e := range c {
			if hasAnyKeyedMap(e) {
				return true
			}
		}
	case []any:
		for _, e := range c {
			if hasAnyKeyedMap(e) {
				return true
			}
		}
	}
	return false
}

func normalize(v any) (any, error) {
	switch c := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(c))
		for k, e := range c {
			n, err := normalize(e)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(c))
		for k, e := range c {
			ks, ok := Scalar(k)
			if !ok {
				return nil, fmt.Errorf("map key %v is %s, want a string", k, Kind(k))
			}
			n, err := normalize(e)
			if err != nil {
				return nil, err
			}
			out[ks] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(c))
		for i, e := range c {
			n, err := normalize(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	return v, nil
}

// Kind names the shape of a value for error messages.
func Kind(v any) string {
	switch v.(type) {
	case nil:
		return "empty"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any, []string:
		return "a list"
	case map[string]any, map[any]any:
		return "a map"
	}
	if _, ok := Float(v); ok {
		return "a number"
	}
	return fmt.Sprintf("a %T", v)
}
