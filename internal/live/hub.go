package live

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ErrClosed is returned by Subscribe once the hub is closed.
var ErrClosed = errors.New("live hub closed")

// Hub fans published messages out to subscribers. Publish never blocks and
// takes no hub-wide lock: it reads a copy-on-write list of subscriptions.
// Many goroutines may publish and subscribe at once.
type Hub struct {
	mu     sync.Mutex // serialises changes to subs
	subs   atomic.Pointer[[]*Subscription]
	closed bool
}

var _ Publisher = (*Hub)(nil)

// NewHub returns an empty hub.
func NewHub() *Hub {
	h := &Hub{}
	h.subs.Store(&[]*Subscription{})
	return h
}

// Publish offers m to every subscription whose patterns match its topic
// and whose filter accepts it. It never waits for a subscriber; see the
// package comment for what happens when one is full.
func (h *Hub) Publish(m Message) {
	final := IsFinal(m)
	for _, s := range *h.subs.Load() {
		if s.wants(m) {
			s.offer(m, final)
		}
	}
}

// Subscribe starts a subscription to the topics (patterns as ValidPattern
// describes; none is allowed, and SetTopics changes them later). buffer
// (at least 1) is how many undelivered messages it holds before it drops.
// filter, when not nil, runs in the publisher's goroutine for every
// matching message and must be quick, must not block, and must not call
// the hub. The caller must Close the subscription.
func (h *Hub) Subscribe(topics []string, buffer int, filter func(Message) bool) (*Subscription, error) {
	if buffer < 1 {
		return nil, fmt.Errorf("subscribe: buffer %d, want at least 1", buffer)
	}
	ps, err := compile(topics)
	if err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	s := newSubscription(h, ps, buffer, filter)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	next := append(slices.Clone(*h.subs.Load()), s)
	h.subs.Store(&next)
	go s.pump()
	return s, nil
}

// Close ends every subscription (their channels close) and refuses new
// ones. Publish after Close does nothing.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	subs := *h.subs.Load()
	h.subs.Store(&[]*Subscription{})
	h.mu.Unlock()
	for _, s := range subs {
		s.stop()
	}
}

// remove takes s off the list of subscriptions.
func (h *Hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cur := *h.subs.Load()
	i := slices.Index(cur, s)
	if i < 0 {
		return
	}
	next := slices.Delete(slices.Clone(cur), i, i+1)
	h.subs.Store(&next)
}

// IsFinal reports whether m is a benchmark's last word: a
// benchmark.finished message, or a benchmark.progress message whose
// Progress status is completed, failed, cancelled or cost_limit. The hub
// never drops such a message for want of room (see the package comment).
func IsFinal(m Message) bool {
	switch m.Topic {
	case "benchmark.finished":
		return true
	case "benchmark.progress":
	default:
		return false
	}
	var status string
	switch p := m.Payload.(type) {
	case Progress:
		status = p.Status
	case *Progress:
		if p == nil {
			return false
		}
		status = p.Status
	default:
		return false
	}
	return bench.RunStatus(status).Ended()
}
