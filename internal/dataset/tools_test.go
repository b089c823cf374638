package dataset

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

var weatherParams = map[string]any{
	"type": "object", "properties": map[string]any{"location": map[string]any{"type": "string", "description": "the city"}},
	"required": []any{"location"},
}

// TestTools reads tools and tool_choice in OpenAI's form and flat, inline
// and from a file, per case and as suite defaults.
func TestTools(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"suite.yaml": `prompts: ["{{q}}"]
defaults:
  tools: file://tools.json
  tool_choice: auto
test_cases:
  - id: defaults
    variables: {q: weather}
  - id: openai-form
    variables: {q: weather}
    tools:
      - type: function
        function:
          name: weather
          description: Get weather information for a location
          parameters: {type: object, properties: {location: {type: string, description: the city}}, required: [location]}
    tool_choice: {type: function, function: {name: weather}}
  - id: flat
    variables: {q: add}
    tools:
      - {name: add, description: Add two numbers, strict: true}
    tool_choice: {mode: required}
  - id: any
    variables: {q: add}
    tool_choice: any
`,
		"tools.json": `[{"type":"function","function":{"name":"weather","description":"Get weather information for a location","parameters":{"type":"object","properties":{"location":{"type":"string","description":"the city"}},"required":["location"]}}}]`,
	})
	s, err := Load(filepath.Join(dir, "suite.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if err := s.Validate(t.Context()); err != nil {
		t.Fatalf("Validate: %v", problemStrings(err))
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	weather := []bench.Tool{{Name: "weather", Description: "Get weather information for a location", Parameters: weatherParams}}
	type got struct {
		ID     string
		Tools  []bench.Tool
		Choice *bench.ToolChoice
	}
	var gots []got
	for _, c := range cases {
		gots = append(gots, got{c.ID, c.Tools, c.ToolChoice})
	}
	want := []got{
		{"defaults", weather, &bench.ToolChoice{Mode: bench.ToolChoiceAuto}},
		{"openai-form", weather, &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "weather"}},
		{"flat", []bench.Tool{{Name: "add", Description: "Add two numbers", Strict: true}}, &bench.ToolChoice{Mode: bench.ToolChoiceRequired}},
		{"any", weather, &bench.ToolChoice{Mode: bench.ToolChoiceRequired}},
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("tools (-want +got):\n%s", diff)
	}
}

// TestToolErrors: a bad tool or tool_choice is reported with its file,
// line and case.
func TestToolErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"bad name", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tools: [{name: get weather}]\n"},
			[]string{"s.yaml:4", "c1", `"get weather"`}},
		{"invalid schema", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tools:\n      - name: f\n        parameters: {type: object, properties: {a: {type: 7}}}\n"},
			[]string{"s.yaml:4", "c1", "invalid schema"}},
		{"not an object schema", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tools: [{name: f, parameters: {type: array}}]\n"},
			[]string{"c1", "object schema"}},
		{"unknown key", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tools: [{type: function, function: {name: f, stict: true}}]\n"},
			[]string{"s.yaml:4", `unknown key "stict"`, `"strict"`}},
		{"strict not a bool", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tools: [{name: f, strict: yes please}]\n"},
			[]string{"s.yaml:4", "strict must be true or false"}},
		{"wrong type", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tools: [{type: retrieval, function: {name: f}}]\n"},
			[]string{`"retrieval"`}},
		{"choice names a missing tool", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tools: [{name: f}]\n    tool_choice: {type: function, function: {name: g}}\n"},
			[]string{"s.yaml:2", "c1", `"g"`}},
		{"bad choice", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tool_choice: always\n"},
			[]string{"s.yaml:4", `"always"`}},
		{"missing file", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tools: file://nope.json\n"},
			[]string{"s.yaml:4", "nope.json"}},
		{"file is not a list", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tools: file://t.yaml\n", "t.yaml": "name: f\n"},
			[]string{"t.yaml", "list of tools"}},
		{"bad tool in file", map[string]string{"s.yaml": "test_cases:\n  - id: c1\n    prompt: hi\n    tools: file://t.yaml\n", "t.yaml": "- name: f\n- name: f\n"},
			[]string{"t.yaml", "twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, tt.files)
			s, err := Load(filepath.Join(dir, "s.yaml"))
			if err == nil {
				err = s.Validate(t.Context())
			}
			if err == nil {
				t.Fatal("no error")
			}
			mustContain(t, err.Error(), tt.want...)
		})
	}
}
