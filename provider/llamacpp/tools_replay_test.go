package llamacpp

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

// TestToolReplay replays llama-server's recorded tool calls (gpt-oss-20b,
// started with --jinja).
func TestToolReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want []bench.ToolCall
	}{
		{"TestOpenAICompatibleCommon/llama-cpp-gpt-oss/tool.yaml", []bench.ToolCall{{ID: "mvVq65j66dyGRizURhbdNCEnSO56GhXx", Name: "weather", Arguments: `{"location":"Florence,Italy"}`}}},
		{"TestOpenAICompatibleCommon/llama-cpp-gpt-oss/tool_streaming.yaml", []bench.ToolCall{{ID: "g2KOIWzn722hzEaZQmNVP4roUPEiYafL", Name: "weather", Arguments: `{"location":"Florence, Italy"}`}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			providertest.ReplayOpenAITools(t, tt.file, "", tt.want, func(t testing.TB, url, model string) provider.Provider {
				c, err := New(provider.Config{Vendor: Vendor, Model: model, BaseURL: url + "/v1", APIKey: testKey})
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return c
			})
		})
	}
}
