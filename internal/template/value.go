package template

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// lookup resolves a path in vars: map keys, or list indexes for segments
// that are whole numbers.
func lookup(vars map[string]any, path []string) (any, bool) {
	v, ok := vars[path[0]]
	if !ok {
		return nil, false
	}
	for _, seg := range path[1:] {
		if v, ok = step(v, seg); !ok {
			return nil, false
		}
	}
	return v, true
}

// step goes one segment down from v.
func step(v any, seg string) (any, bool) {
	switch c := v.(type) {
	case map[string]any:
		e, ok := c[seg]
		return e, ok
	case []any:
		i, ok := index(seg, len(c))
		if !ok {
			return nil, false
		}
		return c[i], true
	case map[string]string:
		e, ok := c[seg]
		return e, ok
	case []string:
		i, ok := index(seg, len(c))
		if !ok {
			return nil, false
		}
		return c[i], true
	case nil:
		return nil, false
	}
	return stepReflect(reflect.ValueOf(v), seg)
}

// stepReflect handles other map and slice types.
func stepReflect(rv reflect.Value, seg string) (any, bool) {
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
		i, ok := index(seg, rv.Len())
		if !ok {
			return nil, false
		}
		return rv.Index(i).Interface(), true
	}
	return nil, false
}

// index parses seg as a list index below n.
func index(seg string, n int) (int, bool) {
	i, err := strconv.Atoi(seg)
	if err != nil || i < 0 || i >= n {
		return 0, false
	}
	return i, true
}

// Format renders one value as Render would write it.
func Format(v any) (string, error) {
	var b strings.Builder
	if err := writeValue(&b, v); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeValue(b *strings.Builder, v any) error {
	switch x := v.(type) {
	case nil:
	case string:
		b.WriteString(x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case uint64:
		b.WriteString(strconv.FormatUint(x, 10))
	case uint:
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	case uint32:
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case float32:
		b.WriteString(strconv.FormatFloat(float64(x), 'g', -1, 32))
	case json.Number:
		b.WriteString(x.String())
	case fmt.Stringer:
		b.WriteString(x.String())
	default:
		return writeJSON(b, v)
	}
	return nil
}

// writeJSON writes maps, lists and anything else as compact JSON, without
// HTML escaping (prompts are not HTML).
func writeJSON(b *strings.Builder, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode %T as JSON: %w", v, err)
	}
	b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return nil
}
