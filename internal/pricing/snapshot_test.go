package pricing

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// TestSnapshotsWithOwnPrice checks that a dated snapshot priced apart from
// its alias is billed at its own price, not the alias's.
func TestSnapshotsWithOwnPrice(t *testing.T) {
	t.Parallel()
	tab := Default()
	million := bench.Usage{Prompt: 1e6, Completion: 1e6}
	tests := []struct {
		vendor, snapshot, alias string
		in, out                 float64
	}{
		{"openai", "gpt-4o-2024-05-13", "gpt-4o", 5.00, 15.00},
		{"azure", "gpt-4o-2024-05-13", "gpt-4o", 5.00, 15.00},
		{"openrouter", "openai/gpt-4o-2024-05-13", "openai/gpt-4o", 5.00, 15.00},
		{"openai", "chatgpt-4o-latest", "gpt-4o", 5.00, 15.00},
		{"openai", "gpt-3.5-turbo-1106", "gpt-3.5-turbo", 1.00, 2.00},
		{"openai", "gpt-3.5-turbo-0613", "gpt-3.5-turbo", 1.50, 2.00},
		{"mistral", "ministral-3b-2512", "ministral-3b", 0.10, 0.10},
		{"mistral", "mistral-large-2512", "mistral-large-latest", 0.50, 1.50},
		{"bedrock", "us.anthropic.claude-opus-4-6-v1:0", "global.anthropic.claude-opus-4-6-v1:0", 5.50, 27.50},
	}
	for _, tc := range tests {
		t.Run(tc.vendor+":"+tc.snapshot, func(t *testing.T) {
			t.Parallel()
			got, ok := tab.Cost(tc.vendor, tc.snapshot, million)
			if !ok {
				t.Fatalf("%s:%s not priced", tc.vendor, tc.snapshot)
			}
			if diff := cmp.Diff(usd(tc.in, tc.out), got, approx); diff != "" {
				t.Errorf("Cost(%q, %q) (-want +got):\n%s", tc.vendor, tc.snapshot, diff)
			}
			alias, ok := tab.Cost(tc.vendor, tc.alias, million)
			if !ok || alias.Total == got.Total {
				t.Errorf("alias %s costs %+v (priced %v): the test needs an alias with another price", tc.alias, alias, ok)
			}
		})
	}
}
