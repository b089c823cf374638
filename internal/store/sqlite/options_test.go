package sqlite_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
)

func TestMaxConnections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		max, want int
	}{
		{0, 8}, // the default
		{20, 20},
		{1, 2}, // the writer holds one connection for good
	}
	for _, tc := range tests {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "c.db"), store.Options{MaxConnections: tc.max})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := sqlite.MaxOpenConnections(s); got != tc.want {
				t.Errorf("MaxConnections %d: pool of %d, want %d", tc.max, got, tc.want)
			}
		})
	}
}

func TestNoMigrate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "m.db")
	_, err := sqlite.Open(t.Context(), path, store.Options{NoMigrate: true})
	if !errors.Is(err, migrations.ErrPending) || !strings.Contains(err.Error(), "run `llm-test-bench migrate`") {
		t.Fatalf("Open(new database, no migrations) = %v; want ErrPending naming the command", err)
	}
	s, err := sqlite.Open(t.Context(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(t.Context(), path, store.Options{NoMigrate: true})
	if err != nil {
		t.Fatalf("Open(migrated database, no migrations): %v", err)
	}
	s.Close()
}

// TestConnectTimeoutBoundsRetries opens a path that can never be a
// database: Open gives up when the connect timeout has passed, not at the
// default.
func TestConnectTimeoutBoundsRetries(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, err := sqlite.Open(t.Context(), t.TempDir(), store.Options{ConnectTimeout: 100 * time.Millisecond})
	if err == nil {
		t.Fatal("Open(directory) succeeded")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Open gave up after %v, want about the 100ms connect timeout", d)
	}
}
