package benchmarks

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// The simulator answers in process, so a request may name it without the
// operator configuring it; any other vendor must be configured.
func TestCheckProviderBuiltIns(t *testing.T) {
	cfg := config.Default()
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"simulator:sim-large", true},
		{"simulator", true},
		{"openai:gpt-4o-mini", false},
		{"exec:touch /tmp/x", false},
	} {
		if got := checkProvider(cfg, "providers[0]", tc.id); (got == nil) != tc.ok {
			t.Errorf("checkProvider(%q) = %v, want ok=%v", tc.id, got, tc.ok)
		}
	}
}
