package event

import (
	"testing"
	"time"
)

// BenchmarkPublish measures what publishing costs a run: with nobody
// listening (the publisher skips building events), with a subscriber that
// keeps up, and with one whose buffer is full (every event dropped).
func BenchmarkPublish(b *testing.B) {
	ev := Event{Type: TypeAttempt, RunID: "run", Time: time.Now(),
		Attempt: &Attempt{Number: 1, Provider: "openai:gpt-4o", CaseID: "case", Wait: WaitNone}}
	b.Run("subscribers=0", func(b *testing.B) {
		bus := NewBus()
		b.ReportAllocs()
		for b.Loop() {
			if bus.Active() {
				bus.Publish(ev)
			}
		}
	})
	b.Run("subscribers=1/reading", func(b *testing.B) {
		bus := NewBus()
		s := bus.Subscribe(1024)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range s.Events() {
			}
		}()
		b.ReportAllocs()
		for b.Loop() {
			if bus.Active() {
				bus.Publish(ev)
			}
		}
		b.StopTimer()
		bus.Close()
		<-done
		b.ReportMetric(float64(s.Dropped()), "dropped")
	})
	b.Run("subscribers=1/full", func(b *testing.B) {
		bus := NewBus()
		s := bus.Subscribe(1)
		bus.Publish(ev)
		b.ReportAllocs()
		for b.Loop() {
			bus.Publish(ev)
		}
		b.StopTimer()
		if s.Dropped() == 0 {
			b.Fatal("a full subscriber dropped nothing")
		}
	})
}
