package apiload

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Schedule is an open-loop plan: Rate requests a second for Duration,
// each started at its own time whatever the answers' latency.
type Schedule struct {
	Rate     float64
	Duration time.Duration
	// MaxInFlight bounds the requests outstanding; a request that falls
	// due while that many are is not sent and counts as failed with
	// ErrOverloaded, so the schedule never slows down to wait.
	MaxInFlight int
}

// Count is how many requests the schedule sends.
func (s Schedule) Count() int { return int(s.Rate * s.Duration.Seconds()) }

// ErrOverloaded is the error of a request that fell due while
// MaxInFlight requests were outstanding.
var ErrOverloaded = errors.New("not sent: too many requests outstanding (the server is not keeping up)")

// Op is one request of the mix: Do sends it and checks the answer.
type Op struct {
	Case string
	Do   func(ctx context.Context) error
}

// Drive runs s: the i-th request, pick(i), is due at start + i/Rate and
// runs in a goroutine of its own; its latency is measured from its due
// time, not from when it was sent, so that a stall of the server or of the
// generator counts against every request scheduled during it. pick runs
// on one goroutine, in order. Drive returns when every request has
// answered; ctx ending stops the schedule and is passed to the requests.
func Drive(ctx context.Context, s Schedule, pick func(i int) Op, rec *Recorder) error {
	if s.Rate <= 0 || s.Duration <= 0 || s.MaxInFlight < 1 {
		return errors.New("apiload: schedule needs a positive rate, duration and in-flight bound")
	}
	n := s.Count()
	interval := time.Duration(float64(time.Second) / s.Rate)
	slots := make(chan struct{}, s.MaxInFlight)
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	start := time.Now()
	for i := range n {
		op := pick(i)
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-timer.C:
			}
		}
		select {
		case slots <- struct{}{}:
		default:
			rec.Record(op.Case, time.Since(due), ErrOverloaded)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := op.Do(ctx)
			rec.Record(op.Case, time.Since(due), err)
			<-slots
		}()
	}
	return ctx.Err()
}
