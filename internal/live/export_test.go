package live

import (
	"testing"
	"time"
)

// waitQueued waits until s holds exactly n undelivered messages (the pump
// holds one more, waiting for the reader, once it has taken it).
func waitQueued(t *testing.T, s *Subscription, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		got := s.queue.len()
		s.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue holds %d messages, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}
