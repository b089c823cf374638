package event

import (
	"sync"
	"sync/atomic"
)

// Publisher is what the engine needs of a bus.
type Publisher interface {
	// Publish hands e to every subscriber without blocking.
	Publish(e Event)
	// Active reports whether anyone listens, so a publisher can skip
	// building events nobody reads.
	Active() bool
}

// Bus fans a run's events out to its subscribers. Publishing never blocks:
// a subscriber whose buffer is full loses the event, and the loss is
// counted. The zero value is not usable; call NewBus.
type Bus struct {
	mu     sync.Mutex
	subs   atomic.Pointer[[]*Subscription]
	closed bool
}

// NewBus returns a bus with no subscribers.
func NewBus() *Bus {
	b := &Bus{}
	b.subs.Store(&[]*Subscription{})
	return b
}

// Subscription is one subscriber's bounded buffer of events.
type Subscription struct {
	c       chan Event
	dropped atomic.Uint64
	bus     *Bus
	once    sync.Once
}

// Subscribe adds a subscriber with room for buffer events (at least 1).
// Its channel is closed when the bus closes.
func (b *Bus) Subscribe(buffer int) *Subscription {
	s := &Subscription{c: make(chan Event, max(buffer, 1)), bus: b}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(s.c)
		return s
	}
	old := *b.subs.Load()
	next := make([]*Subscription, len(old), len(old)+1)
	copy(next, old)
	next = append(next, s)
	b.subs.Store(&next)
	return s
}

// Events is the subscriber's channel, closed when the bus closes.
func (s *Subscription) Events() <-chan Event { return s.c }

// Dropped is how many events did not fit this subscriber's buffer.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Cancel stops delivery to this subscriber. Its channel is left open (a
// publisher may be sending at that moment); stop reading it.
func (s *Subscription) Cancel() {
	b := s.bus
	b.mu.Lock()
	defer b.mu.Unlock()
	old := *b.subs.Load()
	next := make([]*Subscription, 0, len(old))
	for _, o := range old {
		if o != s {
			next = append(next, o)
		}
	}
	b.subs.Store(&next)
}

// Active reports whether the bus has subscribers.
func (b *Bus) Active() bool { return b != nil && len(*b.subs.Load()) > 0 }

// Publish delivers e to every subscriber that has room and counts a drop
// for each one that has not. It must not be called after Close.
func (b *Bus) Publish(e Event) {
	if b == nil {
		return
	}
	for _, s := range *b.subs.Load() {
		select {
		case s.c <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

// Close closes every subscriber's channel. Call it once, after the last
// Publish.
func (b *Bus) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for _, s := range *b.subs.Load() {
		s.once.Do(func() { close(s.c) })
	}
	b.subs.Store(&[]*Subscription{})
}
