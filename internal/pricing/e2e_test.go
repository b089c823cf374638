package pricing

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/provider/anthropic"
)

// TestAnthropicAnswerCost prices Anthropic answers, parsed by the client
// from bodies of the documented shape, and checks the cost against the
// vendor's own arithmetic: input_tokens at the input price, cache reads at
// the cache-read price, 5-minute writes at 1.25x and one-hour writes at 2x
// the input price, output at the output price; no token billed twice.
func TestAnthropicAnswerCost(t *testing.T) {
	t.Parallel()
	pr := NewPricer(nil, nil)
	tests := []struct {
		name, model, usage string
		want               float64
	}{
		{"sonnet-4-5 writing 2k tokens", "claude-sonnet-4-5-20250929",
			`{"input_tokens":16,"cache_creation_input_tokens":2000,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":2000,"ephemeral_1h_input_tokens":0},"output_tokens":50}`,
			(16*3.00 + 2000*3.75 + 50*15.00) / 1e6},
		{"sonnet-4-5 writing 2k tokens for an hour", "claude-sonnet-4-5-20250929",
			`{"input_tokens":16,"cache_creation_input_tokens":2000,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":2000},"output_tokens":50}`,
			(16*3.00 + 2000*6.00 + 50*15.00) / 1e6},
		{"haiku-4-5 reading and writing", "claude-haiku-4-5-20251001",
			`{"input_tokens":100,"cache_creation_input_tokens":1500,"cache_read_input_tokens":4000,"cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":500},"output_tokens":200}`,
			(100*1.00 + 4000*0.10 + 1000*1.25 + 500*2.00 + 200*5.00) / 1e6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := `{"type":"message","model":"` + tc.model + `","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":` + tc.usage + `}`
			resp, err := anthropic.ParseResponse([]byte(body))
			if err != nil {
				t.Fatalf("ParseResponse: %v", err)
			}
			got := pr.Cost("anthropic", tc.model, resp.Model, resp.Usage)
			if diff := cmp.Diff(tc.want, got.Total, approx); diff != "" || got.Unknown {
				t.Errorf("cost of %s = %+v, want total %v (-want +got):\n%s", tc.usage, got, tc.want, diff)
			}
		})
	}
}
