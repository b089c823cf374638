package provider_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestKindOf(t *testing.T) {
	t.Parallel()
	rl := &provider.Error{Kind: provider.KindRateLimited, Err: errors.New("slow down")}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"provider error", rl, string(provider.KindRateLimited)},
		{"wrapped provider error", fmt.Errorf("call: %w", rl), string(provider.KindRateLimited)},
		{"cancelled", fmt.Errorf("call: %w", context.Canceled), "cancelled"},
		{"anything else", errors.New("boom"), "fallback"},
	}
	for _, tt := range tests {
		if got := provider.KindOf(tt.err, "fallback"); got != tt.want {
			t.Errorf("%s: KindOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}
