package event

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func numbered(n int) Event {
	return Event{Type: TypeAttempt, RunID: "r", Attempt: &Attempt{Number: n}}
}

// drain reads what s holds now without waiting.
func drain(s *Subscription) []int {
	var got []int
	for {
		select {
		case e, ok := <-s.Events():
			if !ok {
				return got
			}
			got = append(got, e.Number)
		default:
			return got
		}
	}
}

// closedWithin fails unless ch is closed with nothing left in it.
func closedWithin(t *testing.T, ch <-chan Event, what string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		if ok {
			t.Errorf("%s: got an event, want a closed channel", what)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("%s: channel still open", what)
	}
}

// publishWithin publishes events 1..n on b and fails if that blocks.
func publishWithin(t *testing.T, b *Bus, n int) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i <= n; i++ {
			b.Publish(numbered(i))
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Publish blocked on a full subscriber")
	}
}

func TestBusBuffersAndDrops(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		buffers     []int
		publish     int
		wantGot     [][]int
		wantDropped []uint64
	}{
		{name: "room for all", buffers: []int{8}, publish: 3, wantGot: [][]int{{1, 2, 3}}, wantDropped: []uint64{0}},
		{name: "full subscriber loses the rest, counted", buffers: []int{2}, publish: 5, wantGot: [][]int{{1, 2}}, wantDropped: []uint64{3}},
		{name: "a buffer below one holds one", buffers: []int{0}, publish: 4, wantGot: [][]int{{1}}, wantDropped: []uint64{3}},
		{
			name: "each subscriber gets its own copy and its own count", buffers: []int{10, 1, 3}, publish: 4,
			wantGot:     [][]int{{1, 2, 3, 4}, {1}, {1, 2, 3}},
			wantDropped: []uint64{0, 3, 1},
		},
		{name: "many events, tiny buffer", buffers: []int{1}, publish: 10000, wantGot: [][]int{{1}}, wantDropped: []uint64{9999}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := NewBus()
			subs := make([]*Subscription, len(tc.buffers))
			for i, n := range tc.buffers {
				subs[i] = b.Subscribe(n)
			}
			publishWithin(t, b, tc.publish)
			for i, s := range subs {
				if diff := cmp.Diff(tc.wantGot[i], drain(s)); diff != "" {
					t.Errorf("subscriber %d events (-want +got):\n%s", i, diff)
				}
				if s.Dropped() != tc.wantDropped[i] {
					t.Errorf("subscriber %d dropped %d, want %d", i, s.Dropped(), tc.wantDropped[i])
				}
			}
		})
	}
}

func TestBusDeliversAfterTheReaderCatchesUp(t *testing.T) {
	t.Parallel()
	b := NewBus()
	s := b.Subscribe(2)
	publishWithin(t, b, 3) // 3 dropped
	if got := drain(s); len(got) != 2 {
		t.Fatalf("got %v, want 2 events", got)
	}
	b.Publish(numbered(4))
	if diff := cmp.Diff([]int{4}, drain(s)); diff != "" {
		t.Errorf("after draining (-want +got):\n%s", diff)
	}
	if s.Dropped() != 1 {
		t.Errorf("dropped %d, want 1", s.Dropped())
	}
}

func TestBusActive(t *testing.T) {
	t.Parallel()
	var nilBus *Bus
	if nilBus.Active() {
		t.Error("a nil bus is active")
	}
	nilBus.Publish(numbered(1)) // must not panic
	b := NewBus()
	if b.Active() {
		t.Error("a new bus is active")
	}
	s1 := b.Subscribe(1)
	s2 := b.Subscribe(1)
	if !b.Active() {
		t.Error("a bus with subscribers is not active")
	}
	s1.Cancel()
	if !b.Active() {
		t.Error("a bus with one subscriber left is not active")
	}
	s2.Cancel()
	if b.Active() {
		t.Error("a bus whose subscribers all cancelled is active")
	}
	s3 := b.Subscribe(1)
	b.Close()
	if b.Active() {
		t.Error("a closed bus is active")
	}
	closedWithin(t, s3.Events(), "Close")
	var p Publisher = b
	_ = p
}

func TestBusCancel(t *testing.T) {
	t.Parallel()
	b := NewBus()
	gone := b.Subscribe(4)
	kept := b.Subscribe(4)
	b.Publish(numbered(1))
	gone.Cancel()
	gone.Cancel() // twice is harmless
	b.Publish(numbered(2))
	b.Publish(numbered(3))
	if diff := cmp.Diff([]int{1}, drain(gone)); diff != "" {
		t.Errorf("cancelled subscriber (-want +got):\n%s", diff)
	}
	if gone.Dropped() != 0 {
		t.Errorf("cancelled subscriber counted %d drops for events not meant for it", gone.Dropped())
	}
	if diff := cmp.Diff([]int{1, 2, 3}, drain(kept)); diff != "" {
		t.Errorf("other subscriber (-want +got):\n%s", diff)
	}
	b.Close()
	select {
	case _, ok := <-gone.Events():
		// Closing the channel is allowed but not required; an event is not.
		if ok {
			t.Error("a cancelled subscriber received an event after Close")
		}
	default:
	}
	closedWithin(t, kept.Events(), "Close")
}

func TestBusClose(t *testing.T) {
	t.Parallel()
	b := NewBus()
	s := b.Subscribe(4)
	b.Publish(numbered(1))
	b.Close()
	b.Close() // twice is harmless
	if e, ok := <-s.Events(); !ok || e.Number != 1 {
		t.Errorf("got %v %v, want the buffered event to survive Close", e, ok)
	}
	closedWithin(t, s.Events(), "Close")
	late := b.Subscribe(4)
	closedWithin(t, late.Events(), "Subscribe after Close")
	late.Cancel() // harmless after Close
}

func TestBusConcurrentUse(t *testing.T) {
	t.Parallel()
	b := NewBus()
	const publishers, each = 4, 2000
	reader := b.Subscribe(publishers * each)
	var wg sync.WaitGroup
	for range publishers {
		wg.Go(func() {
			for i := range each {
				b.Publish(numbered(i))
			}
		})
	}
	// Subscribers come and go while events flow.
	wg.Go(func() {
		for range 200 {
			s := b.Subscribe(1)
			_ = b.Active()
			s.Cancel()
		}
	})
	wg.Wait()
	b.Close()
	n := len(drain(reader))
	closedWithin(t, reader.Events(), "Close")
	if n != publishers*each || reader.Dropped() != 0 {
		t.Errorf("received %d, dropped %d; want all %d with room for all", n, reader.Dropped(), publishers*each)
	}
}
