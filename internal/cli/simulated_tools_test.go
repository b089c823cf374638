package cli_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// toolVendors answer a case's tools in their own wire formats: OpenAI's
// chat, Anthropic's Messages, Gemini's functionCall, Bedrock's Converse
// and InvokeModel, Cohere v2 and Ollama.
var toolVendors = []string{
	"openai:gpt-4o-mini",
	"anthropic:claude-haiku-4-5",
	"gemini:gemini-2.5-flash",
	"bedrock:anthropic.claude-haiku-4-5-20251001-v1:0",
	"cohere:command-r",
	"ollama:llama3.2",
	"groq:llama-3.1-8b-instant",
}

// TestSimulateToolCalls runs a tool-calling suite offline against the
// simulator through every tool wire, streamed and not: each vendor's
// client sends the tools in its format, the simulator answers with a call
// in that format, and the call reaches the result record and the tool
// assertions.
func TestSimulateToolCalls(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{true, false} {
		t.Run(map[bool]string{true: "stream", false: "whole"}[stream], func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			suite := e.write("tools.yaml", `name: weather-tools
defaults:
  tools:
    - type: function
      function:
        name: get_weather
        description: The current weather in a city.
        parameters:
          type: object
          properties:
            location: {type: string, description: "a city"}
            unit: {type: string, enum: [celsius, fahrenheit]}
          required: [location]
test_cases:
  - id: paris
    prompt: What is the weather in Paris?
    assert:
      - type: is-valid-openai-tools-call
      - type: tool-call-f1
        value: [get_weather]
`)
			out := filepath.Join(e.dir, "out.jsonl")
			args := []string{"bench", "--dataset", suite, "--simulate", "--output", out}
			if !stream {
				args = append(args, "--no-stream")
			}
			for _, p := range toolVendors {
				args = append(args, "--providers", p)
			}
			code, stdout, stderr := e.run(context.Background(), args...)
			if code != 0 {
				t.Fatalf("exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
			}
			results := readJSONL(t, out)
			if len(results) != len(toolVendors) {
				t.Fatalf("%d results, want %d", len(results), len(toolVendors))
			}
			for _, r := range results {
				checkWeatherCall(t, r, stream)
			}
		})
	}
}

// checkWeatherCall checks that r recorded one get_weather call whose
// arguments are a JSON object naming a location, and that the tool
// assertions passed on it.
func checkWeatherCall(t *testing.T, r bench.Result, stream bool) {
	t.Helper()
	if r.Status != bench.StatusSuccess || !r.Passed || r.FinishReason != "tool_calls" || len(r.ToolCalls) != 1 {
		t.Errorf("%s: status %s passed %v finish %q calls %+v scores %+v error %+v", r.Provider, r.Status, r.Passed, r.FinishReason, r.ToolCalls, r.Scores, r.Error)
		return
	}
	call := r.ToolCalls[0]
	var args struct {
		Location *string `json:"location"`
	}
	if call.Name != "get_weather" || json.Unmarshal([]byte(call.Arguments), &args) != nil || args.Location == nil {
		t.Errorf("%s: call %+v", r.Provider, call)
	}
	if stream && r.TTFTMs <= 0 {
		t.Errorf("%s: streamed, but no time to first token", r.Provider)
	}
}
