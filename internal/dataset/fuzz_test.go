package dataset

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// fuzzLoad loads name from a one-file (plus a referenced cases file) memory
// file system and exercises everything a user can reach: Cases, Render and
// Validate. Every error must be a *LoadError or *ValidationError that names
// a file.
func fuzzLoad(t *testing.T, name string, data []byte) {
	fsys := memFiles{fsys: fstest.MapFS{
		name:          {Data: data},
		"cases.jsonl": {Data: []byte("{\"id\": \"r\", \"prompt\": \"hi {{x}}\"}\n")},
	}}
	check := func(err error) {
		t.Helper()
		if err == nil {
			return
		}
		var le *LoadError
		var ve *ValidationError
		switch {
		case errors.As(err, &le):
			if le.File == "" || !strings.Contains(err.Error(), le.File) {
				t.Fatalf("error without a file name: %v", err)
			}
		case errors.As(err, &ve):
			for _, p := range ve.Problems {
				if p.File == "" {
					t.Fatalf("problem without a file name: %v", p)
				}
			}
		default:
			t.Fatalf("error %T is neither LoadError nor ValidationError: %v", err, err)
		}
	}
	s, err := load(fsys, name)
	check(err)
	if err != nil {
		return
	}
	n := 0
	for c, err := range s.Cases() {
		check(err)
		if err != nil || n > 100 {
			break
		}
		n++
		for _, p := range s.PromptList() {
			_, _, err := s.Render(p, &c)
			check(err)
		}
	}
	check(s.Validate(context.Background()))
}

func FuzzLoadYAML(f *testing.F) {
	f.Add([]byte(capitalsYAML))
	f.Add([]byte("- prompt: hi\n- id: b\n  messages: [{role: user, content: '{{x}}'}]\n"))
	f.Add([]byte("test_cases: file://cases.jsonl\nprompts: ['{{x}}']\n"))
	f.Add([]byte("defaults: {tools: [{type: function, function: {name: f, parameters: {type: object}}}], tool_choice: auto}\ntest_cases: [{prompt: p, tools: [{name: g}], tool_choice: {mode: tool, name: g}}]\n"))
	f.Add([]byte("a: &a {b: *a}\n"))
	f.Add([]byte("test_cases:\n  - <<: [*x]\n"))
	f.Add([]byte("defaults: {temperature: 0, assert: [{type: contains, value: [1, {a: b}]}]}\ntest_cases: [{prompt: !!str 1}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "suite.yaml", data)
	})
}

func FuzzLoadJSON(f *testing.F) {
	f.Add([]byte(`{"name": "x", "test_cases": [{"id": "a", "prompt": "{{q}}", "variables": {"q": 1e400}}]}`))
	f.Add([]byte(`[{"prompt": "a"}, {"messages": [{"role": "user", "content": "b"}]}]`))
	f.Add([]byte(`{"test_cases": "file://cases.jsonl", "providers": ["a:b", {"id": "c:d", "headers": {"k": "v"}}]}`))
	f.Add([]byte(`{"test_cases": [{"prompt": "a", "expected": 18446744073709551616}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "suite.json", data)
	})
}

func FuzzJSONL(f *testing.F) {
	f.Add([]byte("{\"id\": \"a\", \"prompt\": \"hi\"}\n\n{\"prompt\": \"{{x}}\", \"variables\": {\"x\": [1]}}\n"))
	f.Add([]byte("{\"prompt\": }\n[1]\n\"s\"\n"))
	f.Add([]byte("{\"assert\": [{\"type\": \"contains\", \"value\": {\"a\": null}}], \"prompt\": \"p\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "data.jsonl", data)
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("id,prompt,q\na,\"hi {{q}}\",x\n"))
	f.Add([]byte("prompt,references,assert\nhi,\"[\"\"a\"\"]\",\"[{\"\"type\"\": \"\"contains\"\"}]\"\n"))
	f.Add([]byte("a,b\n1\n1,2,3\n\"unterminated\n"))
	f.Add([]byte("\ufeffID,Prompt\n,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "rows.csv", data)
	})
}

// FuzzJSONParser checks the JSON parser against encoding/json: it accepts
// exactly the valid documents (apart from duplicate keys and extreme
// nesting, which it rejects on purpose) and yields the same values.
func FuzzJSONParser(f *testing.F) {
	for _, s := range []string{`{"a": [1, -2.5e3, true, null, "x\u00e9\ud83d\ude00"]}`, `"\ud800"`, `[1,]`, `01`, `{"a":1 "b":2}`, "\"\x01\"", `-`, `1e`, `"\/"`, `nul`, " [ ] ", "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := parseJSON("f.json", data, 1)
		valid := json.Valid(data)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || le.File != "f.json" || le.Line < 1 {
				t.Fatalf("error %v: want a LoadError with file and line", err)
			}
			msg := err.Error()
			if valid && !strings.Contains(msg, "duplicate key") && !strings.Contains(msg, "nested deeper") {
				t.Fatalf("rejected valid JSON %q: %v", data, err)
			}
			return
		}
		if !valid {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		got, err := n.toAny()
		if err != nil {
			t.Fatal(err)
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(floats(want), floats(got)); diff != "" {
			t.Fatalf("value of %q (-encoding/json +ours):\n%s", data, diff)
		}
	})
}

// floats turns every number into a float64, for comparing with encoding/json.
func floats(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = floats(e)
		}
	case []any:
		for i, e := range x {
			x[i] = floats(e)
		}
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case json.Number:
		f, _ := strconv.ParseFloat(x.String(), 64) // ±Inf when out of range, as ours
		return f
	}
	return v
}
