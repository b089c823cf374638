package simulator

import (
	"encoding/json"
	"regexp"
	"testing"
)

func TestGenArguments(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, schema string
		want         *regexp.Regexp
	}{
		{"empty", ``, regexp.MustCompile(`^\{\}$`)},
		{"not an object", `[1]`, regexp.MustCompile(`^\{\}$`)},
		{"no required", `{"type":"object","properties":{"a":{"type":"string"}}}`, regexp.MustCompile(`^\{\}$`)},
		{"string", `{"type":"object","required":["s"],"properties":{"s":{"type":"string"}}}`, regexp.MustCompile(`^\{"s":"sim_[A-Za-z0-9]{6}"\}$`)},
		{"lengths", `{"required":["s","t"],"properties":{"s":{"type":"string","maxLength":2},"t":{"type":"string","minLength":12}}}`,
			regexp.MustCompile(`^\{"s":"si","t":"sim_[A-Za-z0-9]{6}xx"\}$`)},
		{"formats", `{"required":["d","e","u"],"properties":{"d":{"type":"string","format":"date"},"e":{"type":"string","format":"email"},"u":{"type":"string","format":"uuid"}}}`,
			regexp.MustCompile(`^\{"d":"2025-01-15","e":"sim@example.com","u":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"\}$`)},
		{"integer bounds", `{"required":["n"],"properties":{"n":{"type":"integer","minimum":5,"maximum":5}}}`, regexp.MustCompile(`^\{"n":5\}$`)},
		{"exclusive", `{"required":["n"],"properties":{"n":{"type":"integer","exclusiveMinimum":9,"exclusiveMaximum":11}}}`, regexp.MustCompile(`^\{"n":10\}$`)},
		{"number", `{"required":["x"],"properties":{"x":{"type":"number","minimum":1,"maximum":2}}}`, regexp.MustCompile(`^\{"x":(1(\.\d+)?|2)\}$`)},
		{"enum and const", `{"required":["e","c"],"properties":{"e":{"enum":["only"]},"c":{"const":{"k":[1]}}}}`, regexp.MustCompile(`^\{"e":"only","c":\{"k":\[1\]\}\}$`)},
		{"nullable type list", `{"required":["b"],"properties":{"b":{"type":["null","boolean"]}}}`, regexp.MustCompile(`^\{"b":(true|false)\}$`)},
		{"gemini types", `{"type":"OBJECT","required":["a"],"properties":{"a":{"type":"INTEGER","minimum":3,"maximum":3}}}`, regexp.MustCompile(`^\{"a":3\}$`)},
		{"array", `{"required":["l"],"properties":{"l":{"type":"array","minItems":2,"items":{"type":"boolean"}}}}`,
			regexp.MustCompile(`^\{"l":\[(true|false),(true|false)\]\}$`)},
		{"nested and ref", `{"$defs":{"p":{"type":"object","required":["x"],"properties":{"x":{"const":1}}}},"required":["o"],"properties":{"o":{"$ref":"#/$defs/p"}}}`,
			regexp.MustCompile(`^\{"o":\{"x":1\}\}$`)},
		{"anyOf", `{"required":["v"],"properties":{"v":{"anyOf":[{"const":"first"},{"type":"integer"}]}}}`, regexp.MustCompile(`^\{"v":"first"\}$`)},
		{"required without property", `{"required":["z"]}`, regexp.MustCompile(`^\{"z":"sim_[A-Za-z0-9]{6}"\}$`)},
		{"ref cycle", `{"$defs":{"n":{"type":"object","required":["next"],"properties":{"next":{"$ref":"#/$defs/n"}}}},"required":["n"],"properties":{"n":{"$ref":"#/$defs/n"}}}`,
			regexp.MustCompile(`null`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := genArguments(json.RawMessage(c.schema), 7, "tool")
			if !c.want.MatchString(got) {
				t.Errorf("genArguments(%s) = %s, want %v", c.schema, got, c.want)
			}
			if again := genArguments(json.RawMessage(c.schema), 7, "tool"); again != got {
				t.Errorf("not deterministic: %s then %s", got, again)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("not JSON: %s", got)
			}
		})
	}
}

func TestParseToolCall(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want ToolCall
		bad  bool
	}{
		{in: "weather", want: ToolCall{Name: "weather"}},
		{in: ` add = { "a": 2, "b": 3 } `, want: ToolCall{Name: "add", Arguments: `{"a":2,"b":3}`}},
		{in: "", bad: true},
		{in: `={"a":1}`, bad: true},
		{in: "f=[1]", bad: true},
		{in: "f=null", bad: true},
		{in: "f={", bad: true},
	}
	for _, c := range cases {
		got, err := ParseToolCall(c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("ParseToolCall(%q) = %+v, %v; want %+v (error %v)", c.in, got, err, c.want, c.bad)
		}
	}
	if _, err := New(Config{ToolCalls: []ToolCall{{Name: "f", Arguments: "nope"}}}); err == nil {
		t.Error("New accepted a tool call whose arguments are not JSON")
	}
}

// FuzzGenArguments feeds the generator schemas from requests: it never
// fails and always yields a JSON object.
func FuzzGenArguments(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"required":["a"],"properties":{"a":{"type":"array","minItems":99999999,"items":{"$ref":"#"}}}}`,
		`{"required":["a"],"properties":{"a":{"type":"integer","minimum":1e300}}}`, `{"required":["s"],"properties":{"s":{"type":"string","minLength":-5,"maxLength":-1}}}`,
		`{"required":["n"],"properties":{"n":{"type":"number","minimum":9,"maximum":1}}}`,
		`{"required":["a"],"properties":{"a":{"type":"array","minItems":16,"items":{"type":"array","minItems":16,"items":{"type":"array","minItems":16,` +
			`"items":{"type":"array","minItems":16,"items":{"type":"array","minItems":16,"items":{"type":"array","minItems":16}}}}}}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, schema string) {
		got := genArguments(json.RawMessage(schema), 1, "f")
		var obj map[string]any
		if err := json.Unmarshal([]byte(got), &obj); err != nil || obj == nil {
			t.Fatalf("genArguments(%q) = %q: not a JSON object (%v)", schema, got, err)
		}
	})
}

// FuzzParseToolCall: a call that parses has a name and object arguments.
func FuzzParseToolCall(f *testing.F) {
	for _, s := range []string{"a", `a={"x":1}`, "=", "a=[", ` b = {} `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseToolCall(s)
		if err != nil {
			return
		}
		if c.Name == "" || (c.Arguments != "" && !json.Valid([]byte(c.Arguments))) {
			t.Fatalf("ParseToolCall(%q) = %+v", s, c)
		}
	})
}
