package session_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

// loadConfig loads body as the only configuration file, with nothing taken
// from the real home directory or environment; environ is the whole
// environment the configuration sees.
func loadConfig(t testing.TB, body string, environ ...string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "config.toml")
	body = fmt.Sprintf("[cache]\ndir = %q\n\n", filepath.Join(dir, "cache")) + body
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{WorkDir: t.TempDir(), HomeConfigDir: t.TempDir(), Environ: append([]string{}, environ...), File: file})
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

// writeCases writes n JSONL cases "<prefix>NNNN" and returns the file. The
// assertion, when not empty, is added to every case as raw JSON.
func writeCases(t testing.TB, prefix string, n int, assertion string) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"%s%04d","prompt":"Say %s number %d"`, prefix, i, prefix, i)
		if assertion != "" {
			fmt.Fprintf(&b, `,"assert":[%s]`, assertion)
		}
		b.WriteString("}\n")
	}
	p := filepath.Join(t.TempDir(), prefix+".jsonl")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// recordingStore is a SQLite store that remembers every result written,
// so a test can tell a result written twice from one written once (the
// store itself replaces a duplicate silently).
type recordingStore struct {
	store.Store
	mu      sync.Mutex
	written map[string]map[bench.Key]int // run id -> key -> times written
}

func openStore(t testing.TB) *recordingStore {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ltb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &recordingStore{Store: st, written: map[string]map[bench.Key]int{}}
}

func (s *recordingStore) WriteResults(ctx context.Context, rs []bench.Result) error {
	s.mu.Lock()
	for i := range rs {
		m := s.written[rs[i].RunID]
		if m == nil {
			m = map[bench.Key]int{}
			s.written[rs[i].RunID] = m
		}
		m[rs[i].Key()]++
	}
	s.mu.Unlock()
	return s.Store.WriteResults(ctx, rs)
}

// writes returns how often each key of a run was written.
func (s *recordingStore) writes(runID string) map[bench.Key]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[bench.Key]int, len(s.written[runID]))
	for k, n := range s.written[runID] {
		out[k] = n
	}
	return out
}

// stored reads a run's results back from the store.
func stored(t *testing.T, st store.Store, runID string) []bench.Result {
	t.Helper()
	var out []bench.Result
	for r, err := range st.Results(context.Background(), runID, store.ResultFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// collector drains a subscription into memory until the bus closes.
type collector struct {
	sub    *event.Subscription
	done   chan struct{}
	events []event.Event
}

func collect(sub *event.Subscription) *collector {
	c := &collector{sub: sub, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for e := range sub.Events() {
			c.events = append(c.events, e)
		}
	}()
	return c
}

// wait returns every event once the run's bus has closed.
func (c *collector) wait(t *testing.T) []event.Event {
	t.Helper()
	<-c.done
	if n := c.sub.Dropped(); n > 0 {
		t.Errorf("%d events dropped by a subscriber that kept up", n)
	}
	return c.events
}

func ofType(events []event.Event, typ event.Type) []event.Event {
	var out []event.Event
	for _, e := range events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}
