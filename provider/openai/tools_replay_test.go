package openai

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

func weatherCall(id, args string) bench.ToolCall {
	return bench.ToolCall{ID: id, Name: "weather", Arguments: args}
}

// TestToolReplay replays the recorded tool calls of OpenAI and of the
// servers on its wire, streamed (fragments joined by index) and not.
func TestToolReplay(t *testing.T) {
	t.Parallel()
	const florence, florenceNoSpace = `{"location":"Florence, Italy"}`, `{"location":"Florence,Italy"}`
	tests := []struct {
		file     string
		wantText string
		want     []bench.ToolCall
	}{
		{"TestOpenAICommon/openai-gpt-4o-mini/tool.yaml", "", []bench.ToolCall{weatherCall("call_15X0Q2MmkK1IeFfiol9LFlqb", florence)}},
		{"TestOpenAICommon/openai-gpt-4o-mini/tool_streaming.yaml", "", []bench.ToolCall{weatherCall("call_qLFv8oQOs68qRuEVmG8TuEJp", florenceNoSpace)}},
		{"TestOpenAICommon/openai-gpt-4o-mini/multi_tool.yaml", "", []bench.ToolCall{
			{ID: "call_2wt6qUGrlxczUadZYf3qXyH0", Name: "add", Arguments: `{"a": 2, "b": 3}`},
			{ID: "call_vZOWZaH7tzu0rLZeogtafvrf", Name: "multiply", Arguments: `{"a": 2, "b": 3}`}}},
		{"TestOpenAICommon/openai-gpt-4o-mini/multi_tool_streaming.yaml", "", []bench.ToolCall{
			{ID: "call_cclGbjTQkZDEnnHrRiU0n7NO", Name: "add", Arguments: `{"a": 2, "b": 3}`},
			{ID: "call_Nob2SzTcxIjro1HvSBPQS6XG", Name: "multiply", Arguments: `{"a": 2, "b": 3}`}}},
		{"TestOpenAICompatibleCommon/groq-kimi-k2/tool.yaml", "I'll check the weather in Florence, Italy for you.", []bench.ToolCall{weatherCall("functions.weather:0", florenceNoSpace)}},
		{"TestOpenAICompatibleCommon/groq-kimi-k2/multi_tool_streaming.yaml", "I'll perform both addition and multiplication on the numbers 2 and 3 for you.", []bench.ToolCall{
			{ID: "functions.add:0", Name: "add", Arguments: `{"a":2,"b":3}`},
			{ID: "functions.multiply:1", Name: "multiply", Arguments: `{"a":2,"b":3}`}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			providertest.ReplayOpenAITools(t, tt.file, tt.wantText, tt.want, func(t testing.TB, url, model string) provider.Provider {
				c, err := New(provider.Config{Model: model, BaseURL: url + "/v1", APIKey: testKey})
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return c
			})
		})
	}
}
