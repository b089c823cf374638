package structure_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/structure"
)

func run(a bench.Assertion, output string) bench.Score {
	out := eval.Check(context.Background(), []bench.Assertion{a}, nil, &eval.Input{Output: output})
	return out.Scores[a.Name()]
}

// personSchema is a schema as YAML decodes it: map[string]any with int and
// uint64 numbers.
var personSchema = map[string]any{
	"type":     "object",
	"required": []any{"name", "age"},
	"properties": map[string]any{
		"name": map[string]any{"type": "string"},
		"age":  map[string]any{"type": "integer", "minimum": 0, "maximum": uint64(150)},
	},
}

const personJSON = `{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}`

func TestStructure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		a        bench.Assertion
		output   string
		wantPass bool
		reason   string // substring of the reason
	}{
		{"is-json object", bench.Assertion{Type: "is-json"}, ` {"a": 1} `, true, "output is valid JSON"},
		{"is-json scalar", bench.Assertion{Type: "is-json"}, `42`, true, "valid JSON"},
		{"is-json prose", bench.Assertion{Type: "is-json"}, `Here: {"a":1}`, false, "not valid JSON"},
		{"is-json fenced is not JSON", bench.Assertion{Type: "is-json"}, "```json\n{\"a\":1}\n```", false, "not valid JSON"},
		{"is-json trailing data", bench.Assertion{Type: "is-json"}, `{"a":1} {"b":2}`, false, "not valid JSON"},
		{"is-json empty", bench.Assertion{Type: "is-json"}, ``, false, "not valid JSON"},
		{"not-is-json", bench.Assertion{Type: "not-is-json"}, `plain text`, true, "not: output is not valid JSON"},
		{"is-json schema ok", bench.Assertion{Type: "is-json", Value: personSchema}, `{"name":"Ada","age":36}`, true, "matches the schema"},
		{"is-json schema fails", bench.Assertion{Type: "is-json", Value: personSchema}, `{"name":"Ada","age":200}`, false, "does not match the schema"},
		{"is-json schema missing field", bench.Assertion{Type: "is-json", Value: personSchema}, `{"name":"Ada"}`, false, "age"},
		{"is-json schema as JSON string", bench.Assertion{Type: "is-json", Value: personJSON}, `{"name":"Ada"}`, true, "matches the schema"},
		{"is-json empty string schema", bench.Assertion{Type: "is-json", Value: "  "}, `[]`, true, "output is valid JSON"},
		{"is-json bool schema false", bench.Assertion{Type: "is-json", Value: false}, `{}`, false, "does not match"},
		{"is-json YAML map[any]any schema", bench.Assertion{Type: "is-json", Value: map[any]any{"type": "array", "maxItems": uint64(1)}}, `[1,2]`, false, "does not match"},

		{"contains-json prose", bench.Assertion{Type: "contains-json"}, `Sure! {"a": [1, "}"]} done`, true, "contains valid JSON"},
		{"contains-json fenced", bench.Assertion{Type: "contains-json"}, "```json\n[1, 2]\n```", true, "contains valid JSON"},
		{"contains-json none", bench.Assertion{Type: "contains-json"}, `no json {here`, false, "no JSON object or array"},
		{"contains-json scalar only", bench.Assertion{Type: "contains-json"}, `the answer is 42`, false, "no JSON object or array"},
		{"contains-json schema second value", bench.Assertion{Type: "contains-json", Value: personSchema}, `{"x":1} then {"name":"Ada","age":3}`, true, "matches the schema"},
		{"contains-json schema none", bench.Assertion{Type: "contains-json", Value: personSchema}, `{"x":1} and [2]`, false, "2 JSON value(s) found, none matches"},
		{"not-contains-json", bench.Assertion{Type: "not-contains-json"}, `just words`, true, "not: no JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := eval.Validate([]bench.Assertion{tt.a}); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got := run(tt.a, tt.output)
			wantScore := 0.0
			if tt.wantPass {
				wantScore = 1
			}
			if got.Pass != tt.wantPass || got.Score != wantScore || !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("got %+v, want pass=%v score=%v reason containing %q", got, tt.wantPass, wantScore, tt.reason)
			}
		})
	}
}

func TestValidateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    bench.Assertion
		want string
	}{
		{"schema bad JSON", bench.Assertion{Type: "is-json", Value: `{"type":`}, "schema is neither JSON"},
		{"schema bad type keyword", bench.Assertion{Type: "contains-json", Value: map[string]any{"type": "integr"}}, "invalid schema"},
		{"schema bad minimum", bench.Assertion{Type: "is-json", Value: map[string]any{"minimum": "zero"}}, "invalid schema"},
		{"schema is a number", bench.Assertion{Type: "is-json", Value: 3}, "want a map or a JSON or YAML string"},
		{"schema is a list", bench.Assertion{Type: "not-is-json", Value: []any{"a"}}, "want a map or a JSON or YAML string"},
		{"schema external ref", bench.Assertion{Type: "is-json", Value: map[string]any{"$ref": "file:///etc/passwd"}}, "invalid schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := eval.Validate([]bench.Assertion{tt.a})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestSchemasCacheByCanonicalJSON(t *testing.T) {
	t.Parallel()
	s := structure.NewSchemas()
	a, err := s.For(map[string]any{"type": "object", "required": []any{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.For(`{ "required": ["x"], "type": "object" }`)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the same schema as a map and as a JSON string compiled twice")
	}
	if none, err := s.For(nil); none != nil || err != nil {
		t.Errorf("For(nil) = %v, %v; want no schema and no error", none, err)
	}
}

func TestExtractJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"none", "plain words", nil},
		{"object in prose", `Result: {"a":1}.`, []string{`{"a":1}`}},
		{"brackets in strings", `x {"s":"]}{[","t":"\"}"} y`, []string{`{"s":"]}{[","t":"\"}"}`}},
		{"nested yields outer only", `[{"a":[1]}, {"b":2}]`, []string{`[{"a":[1]}, {"b":2}]`}},
		{"several values", `{"a":1} and [2] and {"c":3}`, []string{`{"a":1}`, `[2]`, `{"c":3}`}},
		{"invalid outer, valid inner", `{not json {"ok":true}`, []string{`{"ok":true}`}},
		{"prose brackets skipped", `[citation needed] {"a":1}`, []string{`{"a":1}`}},
		{"mismatched", `{"a":[1}`, nil},
		{"unterminated", `{"a": [1, 2`, []string{`[1, 2`}[:0]},
		{"fenced", "```json\n{\"k\": \"v\"}\n```", []string{`{"k": "v"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := slices.Collect(structure.ExtractJSON(tt.in))
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) })); diff != "" {
				t.Errorf("ExtractJSON(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestExtractJSONStopsEarly(t *testing.T) {
	t.Parallel()
	n := 0
	for range structure.ExtractJSON(`[1] [2] [3]`) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("iterated %d values after break, want 1", n)
	}
}

func TestExtractJSONPathologicalIsBounded(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("[", 200_000)
	for range structure.ExtractJSON(text) {
		t.Fatal("found JSON in unbalanced brackets")
	}
}
