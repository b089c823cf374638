package bench

import "testing"

func TestRunStatusEnded(t *testing.T) {
	for s, want := range map[RunStatus]bool{
		RunQueued: false, RunRunning: false, RunInterrupted: false,
		RunCompleted: true, RunFailed: true, RunCancelled: true, RunCostLimit: true,
	} {
		if got := s.Ended(); got != want {
			t.Errorf("%s.Ended() = %v, want %v", s, got, want)
		}
	}
}
