package cache

import (
	"context"
	"fmt"
	"time"

	"github.com/maypok86/otter/v2"
)

var _ Cache = (*Memory)(nil)

// Memory is a cache held in the process only, for the judges of a run
// when no [cache] backend is enabled: a bounded LRU whose entries live for
// their kind's TTL.
type Memory struct {
	ttl TTLs
	mem *otter.Cache[string, *Entry]
	now func() time.Time
}

// NewMemory returns a cache of at most size entries (0 means 4096).
func NewMemory(size int, ttl TTLs) (*Memory, error) {
	if size <= 0 {
		size = 4096
	}
	mem, err := otter.New(&otter.Options[string, *Entry]{MaximumSize: size})
	if err != nil {
		return nil, fmt.Errorf("open memory cache: %w", err)
	}
	return &Memory{ttl: ttl, mem: mem, now: time.Now}, nil
}

// Get returns the fresh entry under key.
func (m *Memory) Get(_ context.Context, key string) (*Entry, bool) {
	e, ok := m.mem.GetIfPresent(key)
	if !ok {
		return nil, false
	}
	if !m.ttl.fresh(e, m.now()) {
		m.mem.Invalidate(key)
		return nil, false
	}
	return e, true
}

// Put stores e under key.
func (m *Memory) Put(_ context.Context, key string, e *Entry) error {
	if err := checkPut(key, e, m.now()); err != nil {
		return err
	}
	m.mem.Set(key, e)
	return nil
}

// Close drops every entry.
func (m *Memory) Close() error {
	m.mem.InvalidateAll()
	return nil
}
