package graphqlapi

import (
	"context"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// Topics the subscriptions read.
const (
	topicProgress = "benchmark.progress"
	topicFinished = "benchmark.finished"
	topicMetrics  = "metrics.*"
	topicAlerts   = "alerts.*"
)

type subscriptionResolver struct{ *resolver }

// BenchmarkProgress checks read access through the service (another
// user's benchmark is NOT_FOUND), then sends the benchmark's progress: its
// state now, then each progress message, until it finishes.
func (s subscriptionResolver) BenchmarkProgress(ctx context.Context, id string) (<-chan *live.Progress, error) {
	b, err := s.svc.GetBenchmark(ctx, id)
	if err != nil {
		return nil, err
	}
	p := auth.FromContext(ctx)
	// The filter runs on the publishers' goroutines: it reads its own copy
	// of the id, never b, which is read again below.
	runID := b.ID
	msgs, cancel, err := s.feed.Subscribe([]string{topicProgress, topicFinished}, s.buffer, func(m live.Message) bool {
		return m.RunID == runID && visibleTo(p, m)
	})
	if err != nil {
		return nil, fmt.Errorf("subscribe to progress: %w", err)
	}
	// Read the state again once subscribed, so that a finish between the
	// check and the subscription is not missed.
	if b, err = s.svc.GetBenchmark(ctx, runID); err != nil {
		cancel()
		return nil, err
	}
	out := make(chan *live.Progress, 1)
	go func() {
		defer close(out)
		defer cancel()
		now := benchmarkProgress(b)
		if !send(ctx, out, &now) || finished(now.Status) {
			return
		}
		last := now
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-msgs:
				if !ok {
					return
				}
				pr, ok := progressOf(m)
				if !ok {
					continue
				}
				pr.BenchmarkID = runID
				// Messages published before the state was read can wait in
				// the buffer: progress never goes back, so skip them.
				if pr.Done < last.Done && m.Topic != topicFinished && !finished(pr.Status) {
					continue
				}
				if !send(ctx, out, &pr) || m.Topic == topicFinished || finished(pr.Status) {
					return
				}
				last = pr
			}
		}
	}()
	return out, nil
}

// MetricsStream sends live metrics messages (metrics.*).
func (s subscriptionResolver) MetricsStream(ctx context.Context) (<-chan *LiveEvent, error) {
	return s.stream(ctx, topicMetrics)
}

// AlertsStream sends alerts (alerts.*).
func (s subscriptionResolver) AlertsStream(ctx context.Context) (<-chan *LiveEvent, error) {
	return s.stream(ctx, topicAlerts)
}

// stream forwards the messages of pattern the principal may see until ctx
// ends.
func (s subscriptionResolver) stream(ctx context.Context, pattern string) (<-chan *LiveEvent, error) {
	p := auth.FromContext(ctx)
	msgs, cancel, err := s.feed.Subscribe([]string{pattern}, s.buffer, func(m live.Message) bool { return visibleTo(p, m) })
	if err != nil {
		return nil, fmt.Errorf("subscribe to %s: %w", pattern, err)
	}
	out := make(chan *LiveEvent, 1)
	go func() {
		defer close(out)
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-msgs:
				if !ok {
					return
				}
				payload, err := payloadJSON(m)
				if err != nil {
					continue
				}
				if !send(ctx, out, &LiveEvent{Topic: m.Topic, Payload: payload, Time: m.Time}) {
					return
				}
			}
		}
	}()
	return out, nil
}

// send delivers v unless ctx ends first.
func send[T any](ctx context.Context, out chan<- T, v T) bool {
	select {
	case out <- v:
		return true
	case <-ctx.Done():
		return false
	}
}

// finished says whether a benchmark in status will make no more progress.
func finished(status string) bool { return bench.RunStatus(status).Ended() }

// benchmarkProgress is a benchmark's state as a progress message.
func benchmarkProgress(b *api.Benchmark) live.Progress {
	return live.Progress{
		BenchmarkID: b.ID, Status: b.Status,
		Done: b.Progress.Done, Total: b.Progress.Total,
		Passed: b.Progress.Passed, Failed: b.Progress.Failed, Errors: b.Progress.Errors,
		CostUSD: b.Totals.CostUSD,
	}
}
