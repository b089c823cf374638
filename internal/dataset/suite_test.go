package dataset

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

const capitalsYAML = `name: capitals
version: 1.0
description: Capital cities
prompts:
  - id: terse
    template: "Answer in one word: {{question}}"
  - id: chat
    messages:
      - {role: system, content: "You are a geography tutor."}
      - {role: user, content: "{{question}}"}
providers:
  - openai:gpt-4o-mini
  - id: anthropic:claude-haiku-4-5
    config: {temperature: 0, max_tokens: 64}
  - id: openai:local-model
    label: local
    base_url: http://127.0.0.1:8089/v1
    api_key_env: LOCAL_KEY
    headers: {X-Team: evals}
defaults:
  temperature: 0
  tags: [geo]
  variables: {region: world}
  assert:
    - {type: latency, threshold: 5000}
test_cases:
  - id: fr
    category: europe
    variables: {question: "Capital of France?"}
    expected: Paris
    references: [Paris, "Paris, France"]
    context: France is in Europe.
    assert:
      - type: icontains
        value: paris
        weight: 2
    threshold: 0.5
    config: {temperature: 0.2}
    tags: [easy, geo]
    metadata: {difficulty: 1, nested: {free: [form]}}
  - variables:
      question: "Capital of Peru?"
      region: americas
    expected: 3.50
    context: [one, two]
`

func TestLoadSuiteYAML(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"capitals.yaml": capitalsYAML})
	file := filepath.Join(dir, "capitals.yaml")
	s, err := Load(file)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if s.Name != "capitals" || s.Version != "1.0" || s.Description != "Capital cities" || s.Path != file {
		t.Errorf("header = %q %q %q %q", s.Name, s.Version, s.Description, s.Path)
	}
	wantPrompts := []Prompt{
		{ID: "terse", Template: "Answer in one word: {{question}}"},
		{ID: "chat", Messages: []bench.Message{{Role: "system", Content: "You are a geography tutor."}, {Role: "user", Content: "{{question}}"}}},
	}
	if diff := cmp.Diff(wantPrompts, s.Prompts); diff != "" {
		t.Errorf("Prompts (-want +got):\n%s", diff)
	}
	wantProviders := []ProviderSpec{
		{ID: "openai:gpt-4o-mini", Label: "openai:gpt-4o-mini"},
		{ID: "anthropic:claude-haiku-4-5", Label: "anthropic:claude-haiku-4-5", Config: map[string]any{"temperature": int64(0), "max_tokens": int64(64)}},
		{ID: "openai:local-model", Label: "local", BaseURL: "http://127.0.0.1:8089/v1", APIKeyEnv: "LOCAL_KEY", Headers: map[string]string{"X-Team": "evals"}},
	}
	if diff := cmp.Diff(wantProviders, s.Providers); diff != "" {
		t.Errorf("Providers (-want +got):\n%s", diff)
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	latency := bench.Assertion{Type: "latency", Threshold: ptr(5000.0)}
	want := []bench.Case{
		{
			ID: "fr", Category: "europe", Expected: "Paris",
			Variables:  map[string]any{"question": "Capital of France?", "region": "world"},
			References: []string{"Paris", "Paris, France"}, Context: []string{"France is in Europe."},
			Assert:    []bench.Assertion{{Type: "icontains", Value: "paris", Weight: ptr(2.0)}, latency},
			Threshold: ptr(0.5), Config: map[string]any{"temperature": 0.2}, Tags: []string{"easy", "geo"},
			Metadata: map[string]any{"difficulty": int64(1), "nested": map[string]any{"free": []any{"form"}}},
			Source:   bench.Location{File: file, Line: 27},
		},
		{
			ID: "capitals-2", Expected: "3.50",
			Variables: map[string]any{"question": "Capital of Peru?", "region": "americas"},
			Context:   []string{"one", "two"}, Assert: []bench.Assertion{latency},
			Config: map[string]any{"temperature": int64(0)}, Tags: []string{"geo"},
			Source: bench.Location{File: file, Line: 41},
		},
	}
	if diff := cmp.Diff(want, cases); diff != "" {
		t.Errorf("Cases (-want +got):\n%s", diff)
	}
	if err := s.Validate(t.Context()); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

// The same suite in JSON gives the same cases.
func TestLoadSuiteJSON(t *testing.T) {
	t.Parallel()
	const src = `{
  "name": "capitals",
  "prompts": [{"id": "terse", "template": "Answer in one word: {{question}}"}],
  "defaults": {"temperature": 0, "assert": [{"type": "latency", "threshold": 5000}]},
  "test_cases": [
    {"id": "fr", "variables": {"question": "Capital of France?"}, "expected": "Paris"},
    {
      "variables": {"question": "Capital of Peru?"},
      "expected": 3.50
    }
  ]
}`
	dir := writeFiles(t, map[string]string{"capitals.json": src})
	file := filepath.Join(dir, "capitals.json")
	s, err := Load(file)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	latency := bench.Assertion{Type: "latency", Threshold: ptr(5000.0)}
	want := []bench.Case{
		{ID: "fr", Expected: "Paris", Variables: map[string]any{"question": "Capital of France?"}, Assert: []bench.Assertion{latency},
			Config: map[string]any{"temperature": int64(0)}, Source: bench.Location{File: file, Line: 6}},
		{ID: "capitals-2", Expected: "3.50", Variables: map[string]any{"question": "Capital of Peru?"}, Assert: []bench.Assertion{latency},
			Config: map[string]any{"temperature": int64(0)}, Source: bench.Location{File: file, Line: 7}},
	}
	if diff := cmp.Diff(want, cases); diff != "" {
		t.Errorf("Cases (-want +got):\n%s", diff)
	}
}

// The upstream dataset format (defaults with sampling keys, variables,
// references, config with model) loads unchanged.
func TestLoadUpstreamFormat(t *testing.T) {
	t.Parallel()
	const src = `{
  "name": "quick-start",
  "description": "Three quick tests",
  "version": "1.0.0",
  "defaults": {"temperature": 0.7, "max_tokens": 500, "top_p": 1, "stop": ["\n\n"]},
  "metadata": {"author": "someone"},
  "test_cases": [
    {
      "id": "test-1",
      "category": "coding",
      "prompt": "Write a {{language}} function to {{task}}",
      "variables": {"language": "Python", "task": "reverse a string"},
      "expected": "def reverse",
      "references": ["s[::-1]"],
      "config": {"model": "gpt-4", "temperature": 0.0},
      "metadata": {"difficulty": "easy"}
    }
  ]
}`
	dir := writeFiles(t, map[string]string{"quick-start.json": src})
	s, err := Load(filepath.Join(dir, "quick-start.json"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if diff := cmp.Diff(map[string]any{"author": "someone"}, s.Metadata); diff != "" {
		t.Errorf("Metadata (-want +got):\n%s", diff)
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Fatalf("%d cases, want 1", len(cases))
	}
	wantConfig := map[string]any{"model": "gpt-4", "temperature": 0.0, "max_tokens": int64(500), "top_p": int64(1), "stop": []any{"\n\n"}}
	if diff := cmp.Diff(wantConfig, cases[0].Config); diff != "" {
		t.Errorf("Config (-want +got):\n%s", diff)
	}
	msgs, display, err := s.Render(Prompt{}, &cases[0])
	if err != nil {
		t.Fatal(err)
	}
	want := "Write a Python function to reverse a string"
	if display != want || len(msgs) != 1 || msgs[0].Role != "user" || msgs[0].Content != want {
		t.Errorf("Render = %v, %q", msgs, display)
	}
	if err := s.Validate(t.Context()); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		load  string
		want  []string // substrings of the error
	}{
		{"unknown top-level key with suggestion", map[string]string{"s.yaml": "name: x\ntests:\n  - prompt: hi\n"}, "s.yaml",
			[]string{"s.yaml:2: ", `unknown key "tests"`, `did you mean "test_cases"`}},
		{"unknown case key", map[string]string{"s.yaml": "test_cases:\n  - id: a\n    prompt: hi\n    asserts: []\n"}, "s.yaml",
			[]string{"s.yaml:4: ", `case "a"`, `unknown key "asserts"`, `did you mean "assert"`}},
		{"typo close to a key", map[string]string{"s.yaml": "test_cases:\n  - id: a\n    promt: hi\n"}, "s.yaml",
			[]string{"s.yaml:3: ", `"promt"`, `did you mean "prompt"`}},
		{"yaml syntax error has line and column", map[string]string{"s.yaml": "name: x\ntest_cases:\n  - id: [a\n"}, "s.yaml",
			[]string{"s.yaml:3:", "yaml:"}},
		{"json syntax error has line", map[string]string{"s.json": "{\n  \"name\": \"x\",\n  \"test_cases\": [\n    {\"id\": }\n  ]\n}"}, "s.json",
			[]string{"s.json:4:", "json:"}},
		{"duplicate key", map[string]string{"s.yaml": "name: x\nname: y\ntest_cases: [{prompt: hi}]\n"}, "s.yaml",
			[]string{"s.yaml:2:1: ", `key "name" already defined`}},
		{"duplicate json key", map[string]string{"s.json": "{\"test_cases\": [{\"prompt\": \"a\",\n \"prompt\": \"b\"}]}"}, "s.json",
			[]string{"s.json:2: ", `duplicate key "prompt"`}},
		{"no test cases", map[string]string{"s.yaml": "name: x\n"}, "s.yaml", []string{"s.yaml:1: ", "no test_cases"}},
		{"empty test cases", map[string]string{"s.yaml": "name: x\ntest_cases: []\n"}, "s.yaml", []string{"s.yaml:2: ", "test_cases is empty"}},
		{"test cases not a file url", map[string]string{"s.yaml": "test_cases: cases.jsonl\n"}, "s.yaml", []string{"s.yaml:1: ", `"file://PATH"`}},
		{"referenced file missing", map[string]string{"s.yaml": "test_cases: file://missing.jsonl\n"}, "s.yaml", []string{"s.yaml:1: ", "missing.jsonl", "no such file"}},
		{"referenced file type", map[string]string{"s.yaml": "test_cases: file://c.txt\n", "c.txt": ""}, "s.yaml", []string{"s.yaml:1: ", "unsupported test case file type"}},
		{"prompt without template", map[string]string{"s.yaml": "prompts:\n  - id: p\ntest_cases: [{prompt: hi}]\n"}, "s.yaml", []string{"s.yaml:2: ", "exactly one of template or messages"}},
		{"prompt template unterminated", map[string]string{"s.yaml": "prompts:\n  - id: p\n    template: 'Hi {{name'\ntest_cases: [{prompt: hi}]\n"}, "s.yaml", []string{"s.yaml:2: ", `prompt "p"`, "offset 3", "unterminated"}},
		{"duplicate prompt id", map[string]string{"s.yaml": "prompts: [{id: a, template: x}, {id: a, template: y}]\ntest_cases: [{prompt: hi}]\n"}, "s.yaml", []string{"s.yaml:1: ", `duplicate id "a"`}},
		{"bad message role", map[string]string{"s.yaml": "test_cases:\n  - id: a\n    messages:\n      - {role: robot, content: hi}\n"}, "s.yaml", []string{"s.yaml:4: ", `role must be one of system, user, assistant, not "robot"`}},
		{"provider with spaces", map[string]string{"s.yaml": "providers: ['open ai']\ntest_cases: [{prompt: hi}]\n"}, "s.yaml", []string{"s.yaml:1: ", "providers[0]"}},
		{"duplicate provider", map[string]string{"s.yaml": "providers: [a:b, a:b]\ntest_cases: [{prompt: hi}]\n"}, "s.yaml", []string{`"a:b" appears twice`}},
		{"unknown provider key", map[string]string{"s.yaml": "providers:\n  - id: a:b\n    apikey: x\ntest_cases: [{prompt: hi}]\n"}, "s.yaml", []string{"s.yaml:3: ", `unknown key "apikey"`}},
		{"unknown defaults key", map[string]string{"s.yaml": "defaults:\n  temprature: 0\ntest_cases: [{prompt: hi}]\n"}, "s.yaml", []string{"s.yaml:2: ", `did you mean "temperature"`}},
		{"defaults set twice", map[string]string{"s.yaml": "defaults:\n  temperature: 0\n  config: {temperature: 1}\ntest_cases: [{prompt: hi}]\n"}, "s.yaml", []string{"temperature is set both directly and under config"}},
		{"expected as a map", map[string]string{"s.yaml": "test_cases:\n  - id: a\n    prompt: hi\n    expected: {a: 1}\n"}, "s.yaml", []string{"s.yaml:4: ", "expected must be a string or a number"}},
		{"threshold as a string", map[string]string{"s.yaml": "test_cases:\n  - id: a\n    prompt: hi\n    threshold: high\n"}, "s.yaml", []string{"s.yaml:4: ", `threshold must be a number, not "high"`}},
		{"assertion without type", map[string]string{"s.yaml": "test_cases:\n  - id: a\n    prompt: hi\n    assert:\n      - value: x\n"}, "s.yaml", []string{"s.yaml:5: ", "assert[0]: type is required"}},
		{"unknown assertion key", map[string]string{"s.yaml": "test_cases:\n  - id: a\n    prompt: hi\n    assert:\n      - type: contains\n        vaule: x\n"}, "s.yaml", []string{"s.yaml:6: ", `unknown key "vaule"`}},
		{"both prompt and messages", map[string]string{"s.yaml": "test_cases:\n  - id: a\n    prompt: hi\n    messages: [{role: user, content: hi}]\n"}, "s.yaml", []string{"s.yaml:2: ", "both prompt and messages"}},
		{"top level scalar", map[string]string{"s.yaml": "just text\n"}, "s.yaml", []string{"s.yaml:1: ", "top level is a scalar"}},
		{"two yaml documents", map[string]string{"s.yaml": "test_cases: [{prompt: a}]\n---\nname: b\n"}, "s.yaml", []string{"s.yaml:", "more than one YAML document"}},
		{"unsupported extension", map[string]string{"s.txt": "x"}, "s.txt", []string{"s.txt: ", `unsupported file type ".txt"`}},
		{"unknown anchor", map[string]string{"s.yaml": "test_cases:\n  - prompt: *nope\n"}, "s.yaml", []string{"s.yaml:2:", "nope"}},
		{"csv without header", map[string]string{"c.csv": ""}, "c.csv", []string{"c.csv: ", "empty CSV file"}},
		{"csv duplicate column", map[string]string{"c.csv": "id,q,q\n"}, "c.csv", []string{"c.csv:1: ", `column "q" appears twice`}},
		{"csv unnamed column", map[string]string{"c.csv": "id,,q\n"}, "c.csv", []string{"c.csv:1: ", "column 2 has no name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, tt.files)
			s, err := Load(filepath.Join(dir, tt.load))
			if err == nil {
				_, err = collect(t, s)
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error = %v, want a *LoadError", err)
			}
			mustContain(t, err.Error(), append([]string{dir}, tt.want...)...)
		})
	}
}

func TestLoadReferencedFiles(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"suite.yaml":       "prompts: ['Q: {{q}}']\ndefaults: {tags: [ref]}\ntest_cases: file://data/cases.jsonl\n",
		"data/cases.jsonl": `{"id": "a", "variables": {"q": "one"}}` + "\n" + `{"variables": {"q": "two"}}` + "\n",
		"list.yaml":        "test_cases: file://list-cases.yaml\n",
		"list-cases.yaml":  "- {id: x, prompt: hi}\n- {prompt: there}\n",
		"csv.yaml":         "test_cases: file://c.csv\n",
		"c.csv":            "id,prompt\nr1,hello\n",
		"notlist.yaml":     "test_cases: file://suite.yaml\n",
	})
	tests := []struct {
		file string
		ids  []string
		line []int
	}{
		{"suite.yaml", []string{"a", "cases-2"}, []int{1, 2}},
		{"list.yaml", []string{"x", "list-cases-2"}, []int{1, 2}},
		{"csv.yaml", []string{"r1"}, []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			s, err := Load(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			cases, err := collect(t, s)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			var lines []int
			for _, c := range cases {
				ids = append(ids, c.ID)
				lines = append(lines, c.Source.Line)
				if !strings.HasPrefix(c.Source.File, dir) || strings.HasSuffix(c.Source.File, tt.file) {
					t.Errorf("Source.File = %q, want the referenced file", c.Source.File)
				}
			}
			if diff := cmp.Diff(tt.ids, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.line, lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
	s, err := Load(filepath.Join(dir, "notlist.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := collect(t, s); err == nil || !strings.Contains(err.Error(), "must hold a list of cases") {
		t.Errorf("suite referencing a suite: error = %v", err)
	}
}

func TestBareListFile(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"cases.json": "[\n {\"prompt\": \"a\"},\n {\"id\": \"b\", \"prompt\": \"b\"}\n]",
		"cases.yml":  "- prompt: a\n- id: b\n  prompt: b\n",
	})
	for _, name := range []string{"cases.json", "cases.yml"} {
		s, err := Load(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if s.Name != "cases" {
			t.Errorf("%s: Name = %q, want the file's base name", name, s.Name)
		}
		cases, err := collect(t, s)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{cases[0].ID, cases[1].ID}
		if diff := cmp.Diff([]string{"cases-1", "b"}, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s ids (-want +got):\n%s", name, diff)
		}
		if cases[1].Source.Line != 3 && name == "cases.json" || cases[1].Source.Line != 2 && name == "cases.yml" {
			t.Errorf("%s: second case line = %d", name, cases[1].Source.Line)
		}
	}
}

func TestYAMLFeatures(t *testing.T) {
	t.Parallel()
	const src = `base: &base
  category: shared
  variables: {lang: Go}
test_cases:
  - <<: *base
    id: a
    prompt: |
      Say {{lang}}.
  - <<: *base
    id: b
    category: own
    prompt: !!str 42
    expected: !!str 007
`
	// "base" is not a suite key: anchors must live where keys are allowed.
	dir := writeFiles(t, map[string]string{
		"bad.yaml":  src,
		"good.yaml": strings.Replace(src, "base: &base", "metadata: &base", 1),
	})
	if _, err := Load(filepath.Join(dir, "bad.yaml")); err == nil || !strings.Contains(err.Error(), `unknown key "base"`) {
		t.Errorf("error = %v, want unknown key base", err)
	}
	s, err := Load(filepath.Join(dir, "good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []bench.Case{
		{ID: "a", Category: "shared", Prompt: "Say {{lang}}.\n", Variables: map[string]any{"lang": "Go"}, Source: cases[0].Source},
		{ID: "b", Category: "own", Prompt: "42", Expected: "007", Variables: map[string]any{"lang": "Go"}, Source: cases[1].Source},
	}
	if diff := cmp.Diff(want, cases); diff != "" {
		t.Errorf("Cases (-want +got):\n%s", diff)
	}
}

func TestAliasBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("metadata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("  a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	b.WriteString("test_cases: [{prompt: hi}]\n")
	dir := writeFiles(t, map[string]string{"bomb.yaml": b.String()})
	_, err := Load(filepath.Join(dir, "bomb.yaml"))
	if err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("error = %v, want value too large", err)
	}
}

func TestPromptFile(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"s.yaml":          "prompts:\n  - file://prompts/ask.txt\n  - {id: x, template: 'file://missing.txt'}\ntest_cases: [{variables: {q: hi}}]\n",
		"ok.yaml":         "prompts: ['file://prompts/ask.txt']\ntest_cases: [{variables: {q: hi}}]\n",
		"prompts/ask.txt": "Question: {{q}}\n",
	})
	s, err := Load(filepath.Join(dir, "ok.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Prompt{{ID: "prompt-1", Template: "Question: {{q}}"}}, s.Prompts); diff != "" {
		t.Errorf("Prompts (-want +got):\n%s", diff)
	}
	_, err = Load(filepath.Join(dir, "s.yaml"))
	mustContain(t, errString(err), "s.yaml:3: ", `prompt "x"`, "missing.txt", "no such file")
}

func TestValidatedCasesCountsAfterACleanValidate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "c.jsonl")
	if err := os.WriteFile(p, []byte("{\"id\":\"a\",\"prompt\":\"x\"}\n{\"id\":\"b\",\"prompt\":\"y\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.ValidatedCases(); ok {
		t.Error("count known before Validate")
	}
	if err := s.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, ok := s.ValidatedCases(); !ok || n != 2 {
		t.Errorf("ValidatedCases = %d, %v; want 2, true", n, ok)
	}
}
