package tools

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func ptr[T any](v T) *T { return &v }

func pretty(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestF1 follows promptfoo's tool-call-f1 tests (test/assertions/toolCallF1.test.ts).
func TestF1(t *testing.T) {
	t.Parallel()
	both := []any{"get_weather", "book_flight"}
	calls := func(names ...string) []bench.ToolCall {
		var out []bench.ToolCall
		for _, n := range names {
			out = append(out, bench.ToolCall{Name: n, Arguments: "{}"})
		}
		return out
	}
	toolUse := func(name string) map[string]any {
		return map[string]any{"type": "tool_use", "name": name, "input": map[string]any{"city": "NYC"}}
	}
	tests := []struct {
		name      string
		calls     []bench.ToolCall
		output    string
		value     any
		threshold *float64
		want      float64
		wantPass  bool
	}{
		{"exact match", calls("get_weather", "book_flight"), "", both, nil, 1, true},
		{"no match", calls("search_web"), "", both, nil, 0, false},
		{"over-calling", calls("get_weather", "book_flight", "extra_tool"), "", both, nil, 0.8, false},
		{"under-calling", calls("get_weather"), "", both, nil, 2.0 / 3, false},
		{"under-calling above threshold", calls("get_weather"), "", both, ptr(0.6), 2.0 / 3, true},
		{"repeated calls count once", calls("get_weather", "get_weather"), "", "get_weather", nil, 1, true},
		{"comma-separated value", calls("get_weather", "book_flight"), "", " get_weather , book_flight,", nil, 1, true},
		{"nothing called", nil, "", "get_weather", nil, 0, false},
		{"text OpenAI object", nil, `{"tool_calls":[{"function":{"name":"get_weather","arguments":"{}"}}]}`, "get_weather", nil, 1, true},
		{"text Responses function_call", nil, `{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"NYC\"}"}`, "get_weather", nil, 1, true},
		{"text newline-separated calls", nil, "Thinking about the request.\n" +
			`{"type":"function_call","id":"fc_1","name":"get_weather","arguments":"{}"}` + "\n" +
			`{"type":"function_call","id":"fc_2","name":"book_flight","arguments":"{}"}`, both, nil, 1, true},
		{"text unrelated named object", nil, `{"type":"response_metadata","name":"get_weather"}`, "get_weather", nil, 0, false},
		{"text simple names", nil, `[{"name":"get_weather"},{"name":"book_flight"}]`, both, nil, 1, true},
		{"text mixed names", nil, `[{"function":{"name":"get_weather","arguments":"{}"}},{"name":"book_flight"}]`, both, nil, 1, true},
		{"text Anthropic blocks", nil, `[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"t1","name":"get_weather","input":{}},{"type":"tool_use","id":"t2","name":"book_flight","input":{}}]`, both, nil, 1, true},
		{"text Gemini functionCall", nil, `{"functionCall":{"name":"get_weather","args":{}}}`, "get_weather", nil, 1, true},
		{"text Gemini list", nil, `[{"functionCall":{"name":"get_weather","args":{}}},{"functionCall":{"name":"book_flight","args":{}}}]`, both, nil, 1, true},
		{"text Gemini Live", nil, `{"toolCall":{"functionCalls":[{"name":"get_weather","args":{}},{"name":"book_flight"}]}}`, both, nil, 1, true},
		{"plain text", nil, "This is just a text response with no tool calls", "get_weather", nil, 0, false},
		{"Anthropic text and blocks", nil, "Let me check the weather for you.\n\n" +
			`{"type":"tool_use","id":"toolu_01ABC123","name":"get_weather","input":{"city":"NYC"}}` + "\n\n" +
			`{"type":"tool_use","id":"toolu_01DEF456","name":"book_flight","input":{"dest":"LA"}}`, both, nil, 1, true},
		{"incomplete block", nil, `Here is a partial call: {"type":"tool_use","name":"get_weather"`, "get_weather", nil, 0, false},
		{"example in prose after", nil, `{"type":"tool_use","name":"delete_account"} is an example payload.`, "delete_account", nil, 0, false},
		{"example in prose before", nil, `The tool payload would be {"type":"tool_use","name":"delete_account"}`, "delete_account", nil, 0, false},
		{"nested example in prose", nil, "{\n\"input\":\n{\"type\":\"tool_use\",\"name\":\"delete_account\"}\n} is an example payload.", "delete_account", nil, 0, false},
		{"nested call in invalid block", nil, "{\nnot_json\n{\"type\":\"tool_use\",\"name\":\"get_weather\"}\n}", "get_weather", nil, 1, true},
		{"fenced example ignored", nil, strings.Join([]string{"Example:", "```json", `{"type":"tool_use","name":"delete_account"}`, "```",
			`{"type":"tool_use","name":"get_weather"}`}, "\r\n"), "get_weather", nil, 1, true},
		{"tilde fence", nil, strings.Join([]string{"Example:", "~~~json", `{"type":"tool_use","name":"delete_account"}`, "~~~",
			`{"type":"tool_use","name":"get_weather"}`}, "\n"), "get_weather", nil, 1, true},
		{"longer fence closes only with as long a run", nil, strings.Join([]string{"````json", `{"type":"tool_use","name":"delete_account"}`, "```", "~~~", "````",
			`{"type":"tool_use","name":"get_weather"}`}, "\n"), "get_weather", nil, 1, true},
		{"fence with info is no closer", nil, strings.Join([]string{"```json", `{"type":"tool_use","name":"delete_account"}`, "```json", "```",
			`{"type":"tool_use","name":"get_weather"}`}, "\n"), "get_weather", nil, 1, true},
		{"invalid backtick opener", nil, strings.Join([]string{`{"type":"tool_use","name":"get_weather"}`, "```json {\"example\":true} ```",
			`{"type":"tool_use","name":"delete_account"}`}, "\n"), "get_weather", nil, 2.0 / 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := check(t, "tool-call-f1", tt.value, tt.threshold, &eval.Input{Output: tt.output, ToolCalls: tt.calls})
			if math.Abs(s.Score-tt.want) > 1e-9 || s.Pass != tt.wantPass {
				t.Errorf("got score %v pass %v (%s), want %v %v", s.Score, s.Pass, s.Reason, tt.want, tt.wantPass)
			}
		})
	}
	t.Run("pretty-printed blocks after text", func(t *testing.T) {
		t.Parallel()
		out := strings.Join([]string{"Let me check that. Braces in prose {not JSON} are ignored.",
			pretty(t, map[string]any{"type": "tool_use", "name": "get_weather", "input": map[string]any{"query": "a } b"}}),
			"And then book the flight.", pretty(t, []any{toolUse("book_flight")})}, "\n\n")
		if s := check(t, "tool-call-f1", both, nil, &eval.Input{Output: out}); s.Score != 1 || !s.Pass {
			t.Errorf("got %+v", s)
		}
	})
	t.Run("nested tool-shaped arguments stay inside their call", func(t *testing.T) {
		t.Parallel()
		out := "Calling the weather tool.\n" + pretty(t, map[string]any{"type": "tool_use", "name": "get_weather",
			"input": []any{map[string]any{"type": "tool_use", "name": "delete_account", "query": `a \" } [ b`}}})
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			lines = append(lines, strings.TrimLeft(l, " "))
		}
		if s := check(t, "tool-call-f1", "get_weather", nil, &eval.Input{Output: strings.Join(lines, "\n")}); s.Score != 1 || !s.Pass {
			t.Errorf("got %+v", s)
		}
	})
	for _, prefix := range []string{"{", "[", `{"broken":`, "{]", `{"broken":"unfinished\`} {
		t.Run("recovers after "+prefix, func(t *testing.T) {
			t.Parallel()
			out := prefix + "\n" + pretty(t, toolUse("get_weather"))
			if s := check(t, "tool-call-f1", "get_weather", nil, &eval.Input{Output: out}); s.Score != 1 || !s.Pass {
				t.Errorf("got %+v", s)
			}
		})
	}
}

func TestF1Negated(t *testing.T) {
	t.Parallel()
	s := check(t, "not-tool-call-f1", "a,b", nil, &eval.Input{ToolCalls: []bench.ToolCall{{Name: "a"}}})
	if !s.Pass || math.Abs(s.Score-2.0/3) > 1e-9 {
		t.Errorf("got %+v, want pass with the F1 kept", s)
	}
}

func TestF1Value(t *testing.T) {
	t.Parallel()
	for _, v := range []any{nil, "", " , ", []any{}, 5, map[string]any{}} {
		if err := (F1{}).Validate(bench.Assertion{Type: "tool-call-f1", Value: v}); err == nil {
			t.Errorf("value %#v accepted", v)
		}
	}
	if err := (F1{}).Validate(bench.Assertion{Type: "tool-call-f1", Value: "a", Threshold: ptr(1.5)}); err == nil {
		t.Error("threshold 1.5 accepted")
	}
}

func FuzzNamesInText(f *testing.F) {
	for _, s := range []string{"{\nnot_json\n{\"type\":\"tool_use\",\"name\":\"get_weather\"}\n}", "```json\n{\"name\":\"x\"}\n```\n[{\"name\":\"y\"}]",
		`{"tool_calls":[{"function":{"name":"a"}}]}`, "{\n[\n{", strings.Repeat("{\n", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, out string) {
		names, err := namesInText(out)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, n := range names {
			if seen[n] {
				t.Fatalf("name %q twice", n)
			}
			seen[n] = true
		}
	})
}
