package compat

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

// TestToolReplay replays Groq's recorded tool calls through its preset.
func TestToolReplay(t *testing.T) {
	t.Parallel()
	weather := []bench.ToolCall{{ID: "functions.weather:0", Name: "weather", Arguments: `{"location":"Florence,Italy"}`}}
	both := []bench.ToolCall{
		{ID: "functions.add:0", Name: "add", Arguments: `{"a":2,"b":3}`},
		{ID: "functions.multiply:1", Name: "multiply", Arguments: `{"a":2,"b":3}`},
	}
	tests := []struct {
		file, wantText string
		want           []bench.ToolCall
	}{
		{"TestOpenAICompatibleCommon/groq-kimi-k2/tool.yaml", "I'll check the weather in Florence, Italy for you.", weather},
		{"TestOpenAICompatibleCommon/groq-kimi-k2/tool_streaming.yaml", "I'll check the weather in Florence, Italy for you.", weather},
		{"TestOpenAICompatibleCommon/groq-kimi-k2/multi_tool.yaml", "I'll add and multiply 2 and 3 for you.", both},
		{"TestOpenAICompatibleCommon/groq-kimi-k2/multi_tool_streaming.yaml", "I'll perform both addition and multiplication on the numbers 2 and 3 for you.", both},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			providertest.ReplayOpenAITools(t, tt.file, tt.wantText, tt.want, func(t testing.TB, url, model string) provider.Provider {
				p, err := provider.New(provider.Config{Vendor: "groq", Model: model, BaseURL: url + "/v1", APIKey: testKey})
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return p
			})
		})
	}
}
