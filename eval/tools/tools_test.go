package tools

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

var addTool = bench.Tool{Name: "add", Parameters: map[string]any{
	"type": "object", "properties": map[string]any{"x": map[string]any{"type": "number"}, "y": map[string]any{"type": "number"}},
	"required": []any{"x", "y"},
}}

var weatherTool = bench.Tool{Name: "get_weather", Parameters: map[string]any{
	"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []any{"city"},
}}

func check(t *testing.T, typ string, value any, threshold *float64, in *eval.Input) bench.Score {
	t.Helper()
	a := bench.Assertion{Type: typ, Value: value, Threshold: threshold}
	if err := eval.Validate([]bench.Assertion{a}); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	res := eval.Check(t.Context(), []bench.Assertion{a}, nil, in)
	for _, s := range res.Scores {
		return s
	}
	t.Fatal("no score")
	return bench.Score{}
}

// TestValid follows promptfoo's is-valid-openai-tools-call and
// is-valid-openai-function-call tests.
func TestValid(t *testing.T) {
	t.Parallel()
	c := &bench.Case{Tools: []bench.Tool{addTool, weatherTool}}
	tests := []struct {
		name     string
		typ      string
		calls    []bench.ToolCall
		output   string
		wantPass bool
		inReason string
	}{
		{"valid call", "is-valid-openai-tools-call", []bench.ToolCall{{Name: "add", Arguments: `{"x": 10, "y": 20}`}}, "", true, ""},
		{"two valid calls", "is-valid-openai-tools-call", []bench.ToolCall{{Name: "add", Arguments: `{"x":1,"y":2}`}, {Name: "get_weather", Arguments: `{"city":"NYC"}`}}, "", true, ""},
		{"schema mismatch", "is-valid-openai-tools-call", []bench.ToolCall{{Name: "add", Arguments: `{"x": "10", "y": 20}`}}, "", false, `does not match schema`},
		{"missing required", "is-valid-openai-tools-call", []bench.ToolCall{{Name: "add", Arguments: `{"x": 10}`}}, "", false, `does not match schema`},
		{"unknown function", "is-valid-openai-tools-call", []bench.ToolCall{{Name: "subtract", Arguments: `{"x": 10, "y": 20}`}}, "", false, `called "subtract", but there is no function with that name`},
		{"arguments not JSON", "is-valid-openai-tools-call", []bench.ToolCall{{Name: "add", Arguments: `{"x": 10,`}}, "", false, "not JSON"},
		{"second call bad", "is-valid-openai-tools-call", []bench.ToolCall{{Name: "add", Arguments: `{"x":1,"y":2}`}, {Name: "get_weather", Arguments: `{}`}}, "", false, "get_weather"},
		{"no calls, text", "is-valid-openai-tools-call", nil, "The weather is nice.", false, "valid-looking tools response"},
		{"text tool_calls object", "is-valid-openai-tools-call", nil, `{"tool_calls":[{"type":"function","function":{"name":"add","arguments":"{\"x\":1,\"y\":2}"}}]}`, true, ""},
		{"text tool_calls list", "is-valid-openai-tools-call", nil, `[{"type":"function","function":{"name":"add","arguments":"{\"x\":1,\"y\":2}"}}]`, true, ""},
		{"text empty list", "is-valid-openai-tools-call", nil, `[]`, false, "valid-looking"},
		{"text arguments as object", "is-valid-openai-tools-call", nil, `[{"function":{"name":"add","arguments":{"x":1,"y":2}}}]`, false, "valid-looking"},
		{"function call", "is-valid-openai-function-call", []bench.ToolCall{{Name: "add", Arguments: `{"x": 10, "y": 20}`}}, "", true, ""},
		{"function call text", "is-valid-openai-function-call", nil, `{"name":"add","arguments":"{\"x\": 10, \"y\": 20}"}`, true, ""},
		{"function call text wrapped", "is-valid-openai-function-call", nil, `{"function_call":{"name":"add","arguments":"{\"x\": 10, \"y\": \"20\"}"}}`, false, "does not match schema"},
		{"function call text invalid", "is-valid-openai-function-call", nil, `{"name":"add"}`, false, "valid-looking function call"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := check(t, tt.typ, nil, nil, &eval.Input{Case: c, Output: tt.output, ToolCalls: tt.calls})
			if s.Pass != tt.wantPass || (tt.wantPass && s.Score != 1) || (!tt.wantPass && s.Score != 0) || !strings.Contains(s.Reason, tt.inReason) {
				t.Errorf("got %+v, want pass %v with %q", s, tt.wantPass, tt.inReason)
			}
		})
	}
}

// TestValidWithoutTools: checking calls against no tools is an error of
// the assertion, not a failed answer.
func TestValidWithoutTools(t *testing.T) {
	t.Parallel()
	e := Valid{}
	_, err := e.Evaluate(t.Context(), bench.Assertion{Type: "is-valid-openai-tools-call"}, &eval.Input{Case: &bench.Case{}, ToolCalls: []bench.ToolCall{{Name: "add", Arguments: "{}"}}})
	if err == nil || !strings.Contains(err.Error(), "offers no tools") {
		t.Fatalf("error %v", err)
	}
}

func TestCheckTools(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		tools   []bench.Tool
		choice  *bench.ToolChoice
		wantErr string
	}{
		{"ok", []bench.Tool{addTool, weatherTool, {Name: "no_args"}}, &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "add"}, ""},
		{"empty name", []bench.Tool{{}}, nil, "name"},
		{"bad name", []bench.Tool{{Name: "get weather"}}, nil, `"get weather"`},
		{"long name", []bench.Tool{{Name: strings.Repeat("a", 65)}}, nil, "64"},
		{"duplicate", []bench.Tool{addTool, addTool}, nil, "twice"},
		{"not an object schema", []bench.Tool{{Name: "f", Parameters: map[string]any{"type": "string"}}}, nil, "object schema"},
		{"invalid schema", []bench.Tool{{Name: "f", Parameters: map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": 5}}}}}, nil, "invalid schema"},
		{"choice names another tool", []bench.Tool{addTool}, &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "mul"}, `"mul"`},
		{"required without tools", nil, &bench.ToolChoice{Mode: bench.ToolChoiceRequired}, "no tools"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckTools(tt.tools)
			if err == nil {
				err = bench.CheckToolChoice(tt.tools, tt.choice)
			}
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}
