// Package seed writes large SQLite stores of made-up results for the
// benchmarks that need them (BenchmarkQueryResults1M in the sqlite
// package, the API load benchmark in internal/perf/apiload). The rows are
// generated inside SQLite by two statements, as a Go round trip per row
// would take minutes for a million, and the file is cached in a directory
// under the schema version, so that only the first run pays for seeding.
//
// The data of result i (0-based, oldest first): run i/PerRun, owned by
// Owner(run); one result per millisecond from Epoch; 4 providers (i%4:
// openai, anthropic, google, mistral), 8 models, status error on i%50 == 0,
// passed when i%10 >= 3, tags smoke+math on i%4 == 0 and math on i%4 == 1,
// "zephyr" in 1% of prompts and 1% of responses, "weather" in a seventh of
// prompts.
package seed

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
)

const (
	// Format names the seeded data in the cache file's name: bump it when
	// the rows Write generates change.
	Format = 1
	// Epoch is the created_at of result 0 (2026-03-01T12:00:00Z), in Unix
	// seconds.
	Epoch = 1772366400
	// Owners is how many users own the runs, in turn.
	Owners = 10
)

// Providers are the providers of the seeded results: result i has
// Providers[i%len(Providers)].
var Providers = []string{"openai", "anthropic", "google", "mistral"}

// Size is how many runs and results per run a seeded store holds.
type Size struct {
	Runs, PerRun int
}

// Million is the size of the benchmarks' store: 1,000 runs of 1,000.
var Million = Size{Runs: 1000, PerRun: 1000}

// Results is how many results a store of this size holds.
func (s Size) Results() int { return s.Runs * s.PerRun }

// ID is the id of the i-th result.
func ID(i int) string { return fmt.Sprintf("%08x-0000-7000-8000-%012x", i, i) }

// At is the created_at of the i-th result.
func At(i int) time.Time { return time.Unix(Epoch, 0).UTC().Add(time.Duration(i) * time.Millisecond) }

// RunID is the id of the run-th run (0 the oldest).
func RunID(run int) string { return fmt.Sprintf("run-%04d", run) }

// Owner is the user id that owns the run-th run. No user row exists for
// it: a caller that authenticates as the owner creates one with this id.
func Owner(run int) string { return fmt.Sprintf("user-%d", run%Owners) }

// Cached returns the path of a seeded store of size s in dir, named by
// the size, the schema (its latest version and a hash of every migration
// file, since two branches can reach the same version by different
// migrations) and Format, writing it first when it is not there (through
// a temporary name, so a reader never sees half a file). seeded reports
// whether this call wrote it.
func Cached(ctx context.Context, dir string, s Size) (path string, seeded bool, err error) {
	v, err := migrations.Latest(migrations.SQLite)
	if err != nil {
		return "", false, fmt.Errorf("seed: schema version: %w", err)
	}
	sum, err := schemaHash()
	if err != nil {
		return "", false, err
	}
	path = filepath.Join(dir, fmt.Sprintf("ltb-query-bench-%d-v%d-%s-s%d.db", s.Results(), v, sum, Format))
	if _, err := os.Stat(path); err == nil {
		return path, false, nil
	}
	tmp, err := os.MkdirTemp(dir, "ltb-seed-")
	if err != nil {
		return "", false, fmt.Errorf("seed: %w", err)
	}
	defer os.RemoveAll(tmp)
	part := filepath.Join(tmp, "seed.db")
	if err := Write(ctx, part, s); err != nil {
		return "", false, err
	}
	if err := os.Rename(part, path); err != nil {
		return "", false, fmt.Errorf("seed: %w", err)
	}
	return path, true, nil
}

// schemaHash is 8 hex digits of a hash of the SQLite migrations' names
// and contents.
func schemaHash() (string, error) {
	fsys, err := migrations.FS(migrations.SQLite)
	if err != nil {
		return "", fmt.Errorf("seed: %w", err)
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return "", fmt.Errorf("seed: %w", err)
	}
	h := fnv.New32a()
	for _, n := range names { // Glob sorts them
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", fmt.Errorf("seed: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", n, len(b))
		h.Write(b)
	}
	return fmt.Sprintf("%08x", h.Sum32()), nil
}

// Write creates a store of size s at path (which must not hold a
// database yet): it migrates it, generates the runs and results, indexes
// their text as the store indexes any rows it finds waiting, and analyzes
// it. The file is complete (no WAL left beside it) when Write returns.
func Write(ctx context.Context, path string, s Size) error {
	if s.Runs < 1 || s.PerRun < 1 {
		return fmt.Errorf("seed: size %+v: want at least one run of one result", s)
	}
	// The store creates the schema with its own page size and journal mode.
	st, err := sqlite.Open(ctx, path, store.Options{})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if err := withDB(ctx, path, func(db execer) error { return insert(ctx, db, s) }); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	// Opening the store indexes the rows above its full-text watermark.
	if st, err = sqlite.Open(ctx, path, store.Options{NoMigrate: true}); err != nil {
		return fmt.Errorf("seed: index: %w", err)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("seed: index: %w", err)
	}
	err = withDB(ctx, path, func(db execer) error {
		_, err := db.ExecContext(ctx, `ANALYZE`)
		return err
	})
	if err != nil {
		return fmt.Errorf("seed: analyze: %w", err)
	}
	return nil
}

// CopyFile copies the closed database file from to a new file at to, so
// that a benchmark that writes (users, keys) leaves the cached one as it
// was.
func CopyFile(from, to string) (err error) {
	src, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("copy store: %w", err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("copy store: %w", err)
	}
	defer func() {
		if cerr := dst.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("copy store: %w", cerr)
		}
	}()
	if _, err := io.Copy(dst, src); err != nil {
		return fmt.Errorf("copy store %s: %w", from, err)
	}
	return nil
}
