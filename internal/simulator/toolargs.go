package simulator

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// genArguments generates a tool's arguments from its parameters' JSON
// Schema: an object with every required property, each value valid
// against its schema as far as these keywords go: const, enum (a drawn
// member), anyOf/oneOf/allOf (the first), $ref to #/…, type (a list
// takes its first type other than null; Gemini's upper-case names are
// read too), string minLength/maxLength and format (date, date-time,
// time, email, uri, uuid, ipv4, ipv6, hostname), integer and number
// minimum/maximum (exclusive too), array minItems/maxItems and items,
// object required and properties. pattern and multipleOf are not
// honoured; past maxSchemaDepth levels or maxArgValues values, values are
// null. Values are drawn from the server's seed and the tool's name,
// so a tool is called with the same arguments every time. An empty or
// unreadable schema gives {}.
func genArguments(schema json.RawMessage, seed int64, tool string) string {
	var root any
	d := json.NewDecoder(bytes.NewReader(schema))
	d.UseNumber()
	if len(bytes.TrimSpace(schema)) == 0 || d.Decode(&root) != nil {
		return "{}"
	}
	g := argGen{root: root, rnd: toolSeed(seed, tool)}
	obj, _ := root.(map[string]any)
	if obj == nil {
		return "{}"
	}
	return string(g.object(nil, obj, 0))
}

// maxSchemaDepth bounds the nesting generated (and $ref cycles), and
// maxArgValues the values generated in all, so that no schema, however
// nested, makes the generator work long: past either, values are null.
const (
	maxSchemaDepth = 8
	maxArgValues   = 1000
)

type argGen struct {
	root any
	rnd  rng
	n    int // values generated
}

// value appends a value valid against schema s.
func (g *argGen) value(b []byte, s any, depth int) []byte {
	m, _ := s.(map[string]any)
	g.n++
	if m == nil || depth > maxSchemaDepth || g.n > maxArgValues {
		return append(b, "null"...)
	}
	if ref, ok := m["$ref"].(string); ok {
		return g.value(b, g.resolve(ref), depth+1)
	}
	if c, ok := m["const"]; ok {
		return appendAny(b, c)
	}
	if e, ok := m["enum"].([]any); ok && len(e) > 0 {
		return appendAny(b, e[g.rnd.uint64()%uint64(len(e))])
	}
	for _, k := range [...]string{"anyOf", "oneOf", "allOf"} {
		if l, ok := m[k].([]any); ok && len(l) > 0 {
			return g.value(b, l[0], depth+1)
		}
	}
	switch schemaType(m) {
	case "object":
		return g.object(b, m, depth)
	case "array":
		return g.array(b, m, depth)
	case "string":
		return appendJSONString(b, g.str(m))
	case "integer":
		lo, hi := bounds(m)
		return strconv.AppendInt(b, lo+int64(g.rnd.uint64()%uint64(hi-lo+1)), 10)
	case "number":
		lo, hi := bounds(m)
		v := float64(lo) + math.Round(g.rnd.float64()*float64(hi-lo)*100)/100
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	case "boolean":
		return strconv.AppendBool(b, g.rnd.uint64()&1 == 1)
	}
	return append(b, "null"...)
}

// schemaType is s's type: the first of a list other than null, lower
// case; inferred from properties or items when absent.
func schemaType(m map[string]any) string {
	switch t := m["type"].(type) {
	case string:
		return strings.ToLower(t)
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && !strings.EqualFold(s, "null") {
				return strings.ToLower(s)
			}
		}
		return "null"
	}
	if _, ok := m["properties"]; ok {
		return "object"
	}
	if _, ok := m["items"]; ok {
		return "array"
	}
	return ""
}

// resolve follows a local reference ("#/$defs/x", "#/definitions/x").
func (g *argGen) resolve(ref string) any {
	path, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil
	}
	cur := g.root
	for _, p := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		if p == "" {
			continue
		}
		p = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
		m, _ := cur.(map[string]any)
		if m == nil {
			return nil
		}
		cur = m[p]
	}
	return cur
}

// object appends an object with s's required properties, in the order
// required lists them.
func (g *argGen) object(b []byte, s map[string]any, depth int) []byte {
	props, _ := s["properties"].(map[string]any)
	req, _ := s["required"].([]any)
	b = append(b, '{')
	n := 0
	for _, r := range req {
		name, ok := r.(string)
		if !ok {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendJSONString(b, name)
		b = append(b, ':')
		var ps any = map[string]any{"type": "string"}
		if p, ok := props[name]; ok {
			ps = p
		}
		b = g.value(b, ps, depth+1)
	}
	return append(b, '}')
}

// array appends minItems items (at least one, at most maxItems).
func (g *argGen) array(b []byte, s map[string]any, depth int) []byte {
	n := int64(1)
	if v, ok := intKeyword(s, "minItems"); ok {
		n = v
	}
	if v, ok := intKeyword(s, "maxItems"); ok && n > v {
		n = v
	}
	var items any = map[string]any{"type": "string"}
	if it, ok := s["items"]; ok {
		items = it
	}
	b = append(b, '[')
	for i := int64(0); i < n && i < 16; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = g.value(b, items, depth+1)
	}
	return append(b, ']')
}

// str draws a string for s: a sample of its format, or "sim_" and
// letters, fitted to minLength and maxLength.
func (g *argGen) str(s map[string]any) string {
	var v string
	switch f, _ := s["format"].(string); f {
	case "date":
		v = "2025-01-15"
	case "date-time":
		v = "2025-01-15T10:30:00Z"
	case "time":
		v = "10:30:00"
	case "email":
		v = "sim@example.com"
	case "uri", "url", "iri":
		v = "https://example.com/sim"
	case "uuid":
		var c cohereDialect
		c.setID(&g.rnd)
		v = string(c.id[:])
	case "ipv4":
		v = "192.0.2.1"
	case "ipv6":
		v = "2001:db8::1"
	case "hostname":
		v = "example.com"
	default:
		v = string(g.rnd.appendAlnum([]byte("sim_"), 6))
	}
	if n, ok := intKeyword(s, "maxLength"); ok && int64(len(v)) > n {
		v = v[:max(n, 0)]
	}
	if n, ok := intKeyword(s, "minLength"); ok && int64(len(v)) < n && n <= 1<<10 {
		v += strings.Repeat("x", int(n)-len(v))
	}
	return v
}

// bounds is the range a number is drawn from: the schema's minimum and
// maximum (exclusive ones moved in by one), 0 to 100 when unbounded.
func bounds(s map[string]any) (lo, hi int64) {
	lo, hi = 0, 100
	loSet, hiSet := false, false
	if v, ok := numKeyword(s, "minimum"); ok {
		lo, loSet = int64(math.Ceil(v)), true
	}
	if v, ok := numKeyword(s, "exclusiveMinimum"); ok {
		lo, loSet = int64(math.Floor(v))+1, true
	}
	if v, ok := numKeyword(s, "maximum"); ok {
		hi, hiSet = int64(math.Floor(v)), true
	}
	if v, ok := numKeyword(s, "exclusiveMaximum"); ok {
		hi, hiSet = int64(math.Ceil(v))-1, true
	}
	switch {
	case loSet && !hiSet:
		hi = lo + 100
	case hiSet && !loSet:
		lo = hi - 100
		if hi >= 0 {
			lo = max(lo, 0)
		}
	}
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

func numKeyword(s map[string]any, k string) (float64, bool) {
	n, ok := s[k].(json.Number)
	if !ok {
		return 0, false
	}
	v, err := n.Float64()
	return v, err == nil && !math.IsInf(v, 0) && math.Abs(v) < 1<<53
}

func intKeyword(s map[string]any, k string) (int64, bool) {
	v, ok := numKeyword(s, k)
	return int64(v), ok
}

// appendAny appends a decoded JSON value (const and enum members).
func appendAny(b []byte, v any) []byte {
	out, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, out...)
}
