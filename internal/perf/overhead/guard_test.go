package overhead_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// stopTB is a testing.TB that notes how newTarget gave up instead of ending
// the test: a Fatal or a Skip records the message and stops the calling
// goroutine, as the real ones do.
type stopTB struct {
	testing.TB
	mu     sync.Mutex
	how    string // "fatal" or "skip"
	reason string
}

func (s *stopTB) stop(how, msg string) {
	s.mu.Lock()
	s.how, s.reason = how, msg
	s.mu.Unlock()
	runtime.Goexit()
}

func (s *stopTB) Fatal(args ...any)                 { s.stop("fatal", fmt.Sprint(args...)) }
func (s *stopTB) Fatalf(format string, args ...any) { s.stop("fatal", fmt.Sprintf(format, args...)) }
func (s *stopTB) FailNow()                          { s.stop("fatal", "FailNow") }
func (s *stopTB) Skip(args ...any)                  { s.stop("skip", fmt.Sprint(args...)) }
func (s *stopTB) Skipf(format string, args ...any)  { s.stop("skip", fmt.Sprintf(format, args...)) }
func (s *stopTB) SkipNow()                          { s.stop("skip", "SkipNow") }

// TestSimulator404FailsTheGuard covers issue 15.20's last point: when the
// simulator answers a vendor's route with 404, the guard must fail, not
// skip, so BenchmarkOverhead cannot silently stop measuring a vendor.
// Gemini's v1 API (option api_version = "v1") is a route the simulator
// does not serve (it speaks /v1beta).
func TestSimulator404FailsTheGuard(t *testing.T) {
	t.Parallel()
	tb := &stopTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		newTarget(tb, vendorCase{vendor: "gemini", model: "gemini-2.5-flash", options: map[string]any{"api_version": "v1"}}, false)
	}()
	<-done
	switch tb.how {
	case "fatal":
		t.Logf("the guard failed, as it must: %s", tb.reason)
	case "skip":
		t.Errorf("a simulator 404 skipped the guard instead of failing it: %s", tb.reason)
	default:
		t.Error("newTarget accepted a vendor whose route the simulator answers with 404")
	}
}
