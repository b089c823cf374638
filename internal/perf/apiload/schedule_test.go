package apiload

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestDriveCountsAStallAgainstEveryRequest is the point of an open loop:
// while the "server" stalls for 400 ms, requests keep falling due every
// 5 ms, and each of them is recorded with the latency from its due time.
// A closed loop would have recorded one slow request per client.
func TestDriveCountsAStallAgainstEveryRequest(t *testing.T) {
	t.Parallel()
	const (
		rate       = 200
		stallFrom  = 200 * time.Millisecond
		stallUntil = 600 * time.Millisecond
	)
	rec := NewRecorder()
	var start atomic.Int64
	s := Schedule{Rate: rate, Duration: time.Second, MaxInFlight: 1000}
	err := Drive(context.Background(), s, func(i int) Op {
		if i == 0 {
			start.Store(time.Now().UnixNano())
		}
		return Op{Case: "c", Do: func(ctx context.Context) error {
			since := time.Since(time.Unix(0, start.Load()))
			if since >= stallFrom && since < stallUntil {
				time.Sleep(stallUntil - since)
			}
			return nil
		}}
	}, rec)
	if err != nil {
		t.Fatal(err)
	}
	sum := rec.Summarize(func(string) bool { return true })
	if sum.Count != s.Count() || sum.Errors != 0 {
		t.Fatalf("count %d errors %d, want %d and 0", sum.Count, sum.Errors, s.Count())
	}
	// 80 requests fall due in the stall; those due in its first 300 ms
	// (about 60) wait more than 100 ms: more than 1% and less than 10% of
	// 200, so p90 is under 100 ms and p99 above it.
	if sum.P99 < 150*time.Millisecond || sum.Max < 300*time.Millisecond {
		t.Errorf("p99 %s, max %s: the stall is missing from the record", sum.P99, sum.Max)
	}
	if sum.P50 > 50*time.Millisecond {
		t.Errorf("p50 %s: requests outside the stall look slow", sum.P50)
	}
}

// TestDriveRefusesBeyondMaxInFlight: a request due while MaxInFlight are
// outstanding is not sent (the schedule never waits) and counts as failed.
func TestDriveRefusesBeyondMaxInFlight(t *testing.T) {
	t.Parallel()
	rec := NewRecorder()
	release := make(chan struct{})
	var sent atomic.Int32
	s := Schedule{Rate: 100, Duration: 200 * time.Millisecond, MaxInFlight: 3}
	done := make(chan error, 1)
	go func() {
		done <- Drive(context.Background(), s, func(int) Op {
			return Op{Case: "c", Do: func(context.Context) error {
				sent.Add(1)
				<-release
				return nil
			}}
		}, rec)
	}()
	time.Sleep(400 * time.Millisecond) // the schedule ends while all three wait
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sum := rec.Summarize(func(string) bool { return true })
	if sent.Load() != 3 || sum.Count != s.Count() || sum.Errors != s.Count()-3 || !errors.Is(sum.FirstErr, ErrOverloaded) {
		t.Errorf("sent %d, count %d, errors %d (%v); want 3 sent, %d counted, %d overloaded",
			sent.Load(), sum.Count, sum.Errors, sum.FirstErr, s.Count(), s.Count()-3)
	}
}

func TestDriveStopsWithContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	rec := NewRecorder()
	s := Schedule{Rate: 10, Duration: time.Hour, MaxInFlight: 10}
	begin := time.Now()
	err := Drive(ctx, s, func(int) Op { return Op{Case: "c", Do: func(context.Context) error { return nil }} }, rec)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(begin) > 5*time.Second {
		t.Errorf("Drive returned %v after %s, want the context's deadline at once", err, time.Since(begin))
	}
}

func TestDriveRefusesAnEmptySchedule(t *testing.T) {
	t.Parallel()
	for _, s := range []Schedule{{0, time.Second, 1}, {1, 0, 1}, {1, time.Second, 0}} {
		if err := Drive(context.Background(), s, nil, NewRecorder()); err == nil {
			t.Errorf("Drive(%+v) ran", s)
		}
	}
}

// TestDriveCountsAGeneratorPause: when the generator itself falls behind
// (here pick blocks for 300 ms, as a GC pause or a starved CPU would
// stall it), the requests it sends late are recorded late: latency runs
// from the due time, not from the send.
func TestDriveCountsAGeneratorPause(t *testing.T) {
	t.Parallel()
	rec := NewRecorder()
	s := Schedule{Rate: 200, Duration: time.Second, MaxInFlight: 1000}
	err := Drive(context.Background(), s, func(i int) Op {
		if i == 40 {
			time.Sleep(300 * time.Millisecond)
		}
		return Op{Case: "c", Do: func(context.Context) error { return nil }}
	}, rec)
	if err != nil {
		t.Fatal(err)
	}
	sum := rec.Summarize(func(string) bool { return true })
	if sum.Count != s.Count() || sum.P99 < 150*time.Millisecond || sum.Max < 250*time.Millisecond {
		t.Errorf("%d requests, p99 %s, max %s: the requests sent late look on time", sum.Count, sum.P99, sum.Max)
	}
}
