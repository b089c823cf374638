package policy

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// TestBreakerIgnoresFailuresThatSayNothingOfHealth: over-long prompts, bad
// requests and cancelled calls never open the breaker on a healthy target;
// a streak of retryable failures does.
func TestBreakerIgnoresFailuresThatSayNothingOfHealth(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	tests := []struct {
		name     string
		err      error
		wantOpen bool
	}{
		{"context length", &provider.Error{Kind: provider.KindContextLength, Err: errors.New("too long")}, false},
		{"bad request", &provider.Error{Kind: provider.KindBadRequest, Err: errors.New("bad")}, false},
		{"cancelled", context.Canceled, false},
		{"overloaded", &provider.Error{Kind: provider.KindOverloaded, Err: errors.New("busy")}, true},
		{"transient", &provider.Error{Kind: provider.KindTransient, Err: errors.New("reset")}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := &Breaker{Streak: 3}
			for range 10 {
				p, _, err := b.allow(now)
				if err != nil {
					break
				}
				b.record(p, tc.err, now)
			}
			_, _, err := b.allow(now)
			if open := err != nil; open != tc.wantOpen {
				t.Errorf("open = %v after 10 %s failures, want %v", open, tc.name, tc.wantOpen)
			}
		})
	}
}
