package all

import (
	"slices"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestVendorsRegistered(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"echo", "openai"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if !slices.Contains(provider.Vendors(), name) {
				t.Errorf("vendor %q not registered; have %v", name, provider.Vendors())
			}
		})
	}
}
