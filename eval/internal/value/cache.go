package value

import "sync"

// Cache memoises a compiled artefact (a regular expression, a JSON Schema)
// and its compile error by the key that produced it. It holds at most max
// entries and starts over when full, so values rendered per case cannot grow
// it without bound. It is safe for concurrent use.
type Cache[V any] struct {
	mu  sync.RWMutex
	max int
	m   map[string]cacheEntry[V]
}

type cacheEntry[V any] struct {
	v   V
	err error
}

// NewCache returns a cache holding at most max entries.
func NewCache[V any](max int) *Cache[V] {
	return &Cache[V]{max: max, m: make(map[string]cacheEntry[V])}
}

// Get returns the artefact for key, calling build once when it is absent.
func (c *Cache[V]) Get(key string, build func(string) (V, error)) (V, error) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return e.v, e.err
	}
	v, err := build(key)
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = cacheEntry[V]{v: v, err: err}
	c.mu.Unlock()
	return v, err
}

// Len reports how many entries the cache holds.
func (c *Cache[V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
