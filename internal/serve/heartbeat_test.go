package serve

import (
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

func TestHeartbeatEvery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		given, recoverAfter time.Duration
		want                time.Duration
	}{
		{"defaults", 0, 0, 0},
		{"given wins", 100 * time.Millisecond, 2 * time.Second, 100 * time.Millisecond},
		{"short recovery beats five times within it", 0, 2 * time.Second, 400 * time.Millisecond},
		{"long recovery keeps the store's interval", 0, time.Hour, store.HeartbeatInterval},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := heartbeatEvery(tc.given, tc.recoverAfter); got != tc.want {
				t.Errorf("heartbeatEvery(%s, %s) = %s, want %s", tc.given, tc.recoverAfter, got, tc.want)
			}
		})
	}
}
