package azure

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

// TestToolReplay replays Azure's recorded tool calls (o4-mini, v1 route).
func TestToolReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want []bench.ToolCall
	}{
		{"TestAzureCommon/azure-o4-mini/tool.yaml", []bench.ToolCall{{ID: "call_GkznHW5HPVnubv5R7iyby8af", Name: "weather", Arguments: `{"location":"Florence, Italy"}`}}},
		{"TestAzureCommon/azure-o4-mini/tool_streaming.yaml", []bench.ToolCall{{ID: "call_n1TZAnAlhuLNeb1FaV1XCDuD", Name: "weather", Arguments: `{"location":"Florence, Italy"}`}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			providertest.ReplayOpenAITools(t, tt.file, "", tt.want, func(t testing.TB, url, model string) provider.Provider {
				c, err := New(provider.Config{Vendor: Vendor, Model: model, BaseURL: url, APIKey: testKey})
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return c
			})
		})
	}
}
