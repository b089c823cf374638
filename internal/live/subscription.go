package live

import (
	"sync"
	"sync/atomic"
)

// Subscription receives the messages of its topics on C, in publish order
// per publisher.
type Subscription struct {
	hub    *Hub
	topics atomic.Pointer[[]pattern]
	filter func(Message) bool
	buffer int
	out    chan Message

	mu     sync.Mutex
	queue  ring // undelivered, oldest first; at most 2*buffer
	finals int  // how many of queue are final
	closed bool

	wake    chan struct{} // a message was queued
	done    chan struct{} // closed by stop
	stopped chan struct{} // closed when pump has returned
	once    sync.Once
	dropped atomic.Uint64
}

func newSubscription(h *Hub, ps []pattern, buffer int, filter func(Message) bool) *Subscription {
	s := &Subscription{
		hub: h, filter: filter, buffer: buffer,
		out:     make(chan Message),
		queue:   newRing(2 * buffer),
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	s.topics.Store(&ps)
	return s
}

// C delivers the messages. It is closed when the subscription or the hub
// is closed.
func (s *Subscription) C() <-chan Message { return s.out }

// Dropped counts the messages this subscription lost because it was full.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// SetTopics replaces the subscription's patterns; messages already queued
// stay queued.
func (s *Subscription) SetTopics(topics []string) error {
	ps, err := compile(topics)
	if err != nil {
		return err
	}
	s.topics.Store(&ps)
	return nil
}

// Topics returns the subscription's patterns.
func (s *Subscription) Topics() []string {
	ps := *s.topics.Load()
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.text
	}
	return out
}

// Close ends the subscription: it leaves the hub, C is closed, and
// undelivered messages are discarded. It waits for the goroutine that
// feeds C, and may be called more than once.
func (s *Subscription) Close() {
	s.hub.remove(s)
	s.stop()
}

func (s *Subscription) stop() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.queue.clear()
		s.finals = 0
		s.mu.Unlock()
		close(s.done)
	})
	<-s.stopped
}

func (s *Subscription) wants(m Message) bool {
	for _, p := range *s.topics.Load() {
		if p.match(m.Topic) {
			return s.filter == nil || s.filter(m)
		}
	}
	return false
}

// offer queues m under the drop policy of the package comment.
func (s *Subscription) offer(m Message, final bool) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	switch {
	case s.queue.len() < s.buffer:
	case !final:
		s.mu.Unlock()
		s.dropped.Add(1)
		return
	case s.evictFor(m):
	case s.queue.len() < 2*s.buffer:
	default:
		s.mu.Unlock()
		s.dropped.Add(1)
		return
	}
	s.queue.push(m)
	if final {
		s.finals++
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// evictFor makes room for the final message m by dropping one queued
// message that is not final: the oldest of m's own benchmark (its
// progress is cumulative, so m supersedes it), else the oldest of all.
// It reports false when every queued message is final.
func (s *Subscription) evictFor(m Message) bool {
	if s.finals == s.queue.len() {
		return false
	}
	victim := -1
	if m.RunID != "" {
		victim = s.queue.index(func(q *Message) bool { return q.RunID == m.RunID && !IsFinal(*q) })
	}
	if victim < 0 {
		victim = s.queue.index(func(q *Message) bool { return !IsFinal(*q) })
	}
	s.queue.remove(victim)
	s.dropped.Add(1)
	return true
}

// pop takes the oldest queued message.
func (s *Subscription) pop() (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.queue.pop()
	if ok && IsFinal(m) {
		s.finals--
	}
	return m, ok
}

// pump moves queued messages to C until the subscription stops.
func (s *Subscription) pump() {
	defer close(s.stopped)
	defer close(s.out)
	for {
		m, ok := s.pop()
		if !ok {
			select {
			case <-s.wake:
				continue
			case <-s.done:
				return
			}
		}
		select {
		case s.out <- m:
		case <-s.done:
			return
		}
	}
}
