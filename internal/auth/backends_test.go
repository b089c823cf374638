package auth

import (
	"context"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
)

// storeMaker returns a fresh, empty store for one test.
type storeMaker func(testing.TB) store.AuthStore

// forEachStore runs a test on the in-memory store and on both real
// backends (a temporary SQLite file and a PostgreSQL schema) once the
// backends keep users, keys and sessions: once store.Store embeds
// store.AuthStore, every backend must, and none is skipped.
func forEachStore(t *testing.T, run func(*testing.T, storeMaker)) {
	t.Parallel()
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		run(t, func(testing.TB) store.AuthStore { return newMemStore() })
	})
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			if !reflect.TypeFor[store.Store]().Implements(reflect.TypeFor[store.AuthStore]()) {
				t.Skip("the store backends do not implement store.AuthStore yet")
			}
			run(t, func(tb testing.TB) store.AuthStore { return openBackend(tb, kind) })
		})
	}
}

// openBackend opens a fresh store of kind, closed when tb ends.
func openBackend(tb testing.TB, kind string) store.AuthStore {
	tb.Helper()
	url := "sqlite:" + filepath.Join(tb.TempDir(), "auth.db")
	if kind == "postgres" {
		url = storetest.PostgresURL(tb)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := backend.Open(ctx, url, store.Options{MaxConnections: 8})
	if err != nil {
		tb.Fatalf("open %s store: %v", kind, err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	as, ok := any(st).(store.AuthStore)
	if !ok {
		tb.Fatalf("the %s store does not implement store.AuthStore", kind)
	}
	return as
}

// hookedStore wraps any store to watch what the service asks of it.
type hookedStore struct {
	store.AuthStore
	mu          sync.Mutex
	onKeyLookup func()
	touches     atomic.Int64
}

func (h *hookedStore) setKeyLookup(fn func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onKeyLookup = fn
}

func (h *hookedStore) APIKeyByHash(ctx context.Context, hash string) (*store.APIKey, error) {
	h.mu.Lock()
	fn := h.onKeyLookup
	h.mu.Unlock()
	if fn != nil {
		fn()
	}
	return h.AuthStore.APIKeyByHash(ctx, hash)
}

func (h *hookedStore) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	h.touches.Add(1)
	return h.AuthStore.TouchAPIKey(ctx, id, at)
}
