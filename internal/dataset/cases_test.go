package dataset

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestJSONL(t *testing.T) {
	t.Parallel()
	const src = "\ufeff" + `{"id": "a", "prompt": "Hi {{name}}", "variables": {"name": "Ada", "n": 2.5}, "expected": 42}

   {"prompt": "second", "context": "ctx", "assert": [{"type": "contains", "value": "x", "threshold": 0.5}]}
{"prompt": "third", "tags": "solo", "inputs": ["file://a.png"]}
`
	dir := writeFiles(t, map[string]string{"cases.jsonl": src})
	file := filepath.Join(dir, "cases.jsonl")
	s, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []bench.Case{
		{ID: "a", Prompt: "Hi {{name}}", Variables: map[string]any{"name": "Ada", "n": 2.5}, Expected: "42", Source: bench.Location{File: file, Line: 1}},
		{ID: "cases-2", Prompt: "second", Context: []string{"ctx"}, Assert: []bench.Assertion{{Type: "contains", Value: "x", Threshold: ptr(0.5)}}, Source: bench.Location{File: file, Line: 3}},
		{ID: "cases-3", Prompt: "third", Tags: []string{"solo"}, Inputs: []string{"file://a.png"}, Source: bench.Location{File: file, Line: 4}},
	}
	if diff := cmp.Diff(want, cases); diff != "" {
		t.Errorf("Cases (-want +got):\n%s", diff)
	}
	if s.Name != "cases" || s.Path != file {
		t.Errorf("Name, Path = %q, %q", s.Name, s.Path)
	}
}

func TestJSONLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"syntax error names the line", "{\"prompt\": \"a\"}\n{\"prompt\": }\n", []string{"c.jsonl:2:", "json:"}},
		{"not an object", "{\"prompt\": \"a\"}\n[1, 2]\n", []string{"c.jsonl:2: ", "must be a test case object, not a list"}},
		{"trailing data", "{\"prompt\": \"a\"} {\"prompt\": \"b\"}\n", []string{"c.jsonl:1:", "unexpected data after"}},
		{"unknown key names the case", "{\"id\": \"q1\", \"prompt\": \"a\", \"vars\": {}}\n", []string{"c.jsonl:1: ", `case "q1"`, `unknown key "vars"`, `did you mean "variables"`}},
		{"truncated", "{\"prompt\": \"a\"", []string{"c.jsonl:1:15: ", "unexpected end of input"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, map[string]string{"c.jsonl": tt.src})
			s, err := Load(filepath.Join(dir, "c.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			var got error
			for _, err := range s.Cases() {
				n++
				if err != nil {
					got = err
				}
			}
			var le *LoadError
			if !errors.As(got, &le) {
				t.Fatalf("error = %v, want *LoadError", got)
			}
			mustContain(t, got.Error(), tt.want...)
			if n > 2 {
				t.Errorf("iteration went on after the error (%d yields)", n)
			}
		})
	}
}

func TestCSV(t *testing.T) {
	t.Parallel()
	const src = "ID,prompt,question,expected,category,references,assert\n" +
		`q1,"Answer: {{question}}",Capital of France?,Paris,geo,"[""Paris"", ""Paris, France""]","[{""type"": ""icontains"", ""value"": ""paris""}]"` + "\n" +
		`,,"multi` + "\n" + `line",,,,` + "\n"
	dir := writeFiles(t, map[string]string{"rows.csv": src})
	file := filepath.Join(dir, "rows.csv")
	s, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []bench.Case{
		{ID: "q1", Prompt: "Answer: {{question}}", Variables: map[string]any{"question": "Capital of France?"}, Expected: "Paris", Category: "geo",
			References: []string{"Paris", "Paris, France"}, Assert: []bench.Assertion{{Type: "icontains", Value: "paris"}}, Source: bench.Location{File: file, Line: 2}},
		{ID: "rows-2", Variables: map[string]any{"question": "multi\nline"}, Source: bench.Location{File: file, Line: 3}},
	}
	if diff := cmp.Diff(want, cases); diff != "" {
		t.Errorf("Cases (-want +got):\n%s", diff)
	}
}

func TestCSVErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"wrong column count", "id,prompt\na,hi\nb,hi,extra\n", []string{"c.csv:3: ", "row has 3 columns, the header has 2"}},
		{"bad references JSON", "id,prompt,references\na,hi,[oops\n", []string{"c.csv:2: ", `case "a"`, "column references", "json:"}},
		{"references not a list", "id,prompt,references\na,hi,\"{\"\"k\"\": 1}\"\n", []string{"c.csv:2: ", "must hold a JSON list of strings"}},
		{"bad assert", "id,prompt,assert\na,hi,\"[{\"\"value\"\": 1}]\"\n", []string{"c.csv:2: ", "type is required"}},
		{"bare quote", "id,prompt\na,\"hi\nb\n", []string{"c.csv:", "csv:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, map[string]string{"c.csv": tt.src})
			s, err := Load(filepath.Join(dir, "c.csv"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = collect(t, s)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error = %v, want *LoadError", err)
			}
			mustContain(t, err.Error(), tt.want...)
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	const suite = `prompts:
  - id: p
    template: "Q: {{question}} ({{lang}})"
defaults:
  variables: {lang: en}
  assert:
    - {type: nope-default}
test_cases: file://cases.jsonl
`
	const cases = `{"id": "ok", "variables": {"question": "q"}}
{"id": "dup", "variables": {"question": "q"}}
{"id": "dup", "variables": {"question": "q"}}
{"id": "missing-var", "variables": {}}
{"id": "own-prompt", "prompt": "{{a}} {{b.c}}", "variables": {"question": "q", "b": {"c": 1}}}
{"id": "bad-template", "messages": [{"role": "user", "content": "{{x"}], "variables": {"question": "q"}}
{"id": "bad-assert", "variables": {"question": "q"}, "assert": [{"type": "not-unknown-type"}, {"type": "test-needs-value", "value": 3}, {"type": "not-contains", "value": "x"}]}
{"id": "bad-json", "prompt": }
{"id": "weight", "variables": {"question": "q"}, "assert": [{"type": "contains", "value": "x", "weight": -1}]}
`
	dir := writeFiles(t, map[string]string{"s.yaml": suite, "cases.jsonl": cases})
	s, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Validate(t.Context())
	c := filepath.Join(dir, "cases.jsonl")
	want := []string{
		filepath.Join(dir, "s.yaml") + `:4: defaults: assert[0]: unknown type "nope-default"`,
		c + `:3: case "dup": duplicate id (first at ` + c + `:2)`,
		c + `:4: case "missing-var": prompt "p": template: missing variable "question" (add them to the case's variables)`,
		c + `:5: case "own-prompt": prompt: template: missing variable "a" (add them to the case's variables)`,
		c + `:6: case "bad-template": messages[0]: template: offset 0: unterminated "{{": no closing "}}"`,
		c + `:7: case "bad-assert": assert[0]: unknown type "not-unknown-type"`,
		c + `:8: column 30: json: invalid character '}' looking for a value`,
		c + `:9: case "weight": assert[0] contains: weight must not be negative`,
	}
	got := problemStrings(err)
	// The unknown-type message lists the registered types; compare its start.
	for i := range got {
		if i < len(want) && strings.HasPrefix(got[i], want[i]) {
			got[i] = want[i]
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	mustContain(t, err.Error(), "8 problems:", `assert[1] test-needs-value: value must be a string`)
}

func TestValidateNoPrompt(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"c.jsonl": "{\"id\": \"a\"}\n{\"id\": \"b\", \"prompt\": \"hi\"}\n", "empty.jsonl": "\n\n"})
	s, err := Load(filepath.Join(dir, "c.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "c.jsonl") + `:1: case "a": no prompt: set prompt or messages (the suite has no prompts)`}
	if diff := cmp.Diff(want, problemStrings(s.Validate(t.Context()))); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	s, err = Load(filepath.Join(dir, "empty.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	want = []string{filepath.Join(dir, "empty.jsonl") + ": no test cases"}
	if diff := cmp.Diff(want, problemStrings(s.Validate(t.Context()))); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestValidateCapsProblems(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for range 70 {
		b.WriteString("{\"id\": \"same\", \"prompt\": \"hi\"}\n")
	}
	dir := writeFiles(t, map[string]string{"c.jsonl": b.String()})
	s, err := Load(filepath.Join(dir, "c.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Validate(t.Context())
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v", err)
	}
	if len(ve.Problems) != MaxProblems || ve.More != 69-MaxProblems {
		t.Errorf("kept %d, more %d; want %d and %d", len(ve.Problems), ve.More, MaxProblems, 69-MaxProblems)
	}
	mustContain(t, err.Error(), "69 problems:", "and 19 more")
}

func TestValidateCancelled(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"c.jsonl": "{\"prompt\": \"hi\"}\n"})
	s, err := Load(filepath.Join(dir, "c.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Validate(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Validate on a cancelled context = %v", err)
	}
}
