package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/postgres"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
)

func open(t testing.TB) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), storetest.PostgresURL(t), store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func TestOpenTwiceMigratesOnce(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	for range 2 {
		s, err := postgres.Open(t.Context(), url, store.Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		s.Close()
	}
}

func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	// Port 1 on loopback refuses connections.
	_, err := postgres.Open(ctx, "postgres://alice:s3cr3t-pw@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", store.Options{})
	if err == nil {
		t.Fatal("Open succeeded")
	}
	msg := err.Error()
	if strings.Contains(msg, "s3cr3t-pw") {
		t.Errorf("error leaks the password: %s", msg)
	}
	if !strings.Contains(msg, "127.0.0.1:1") || !strings.Contains(msg, "cannot reach") {
		t.Errorf("error does not say which server is unreachable: %s", msg)
	}
}

func TestOpenInvalid(t *testing.T) {
	t.Parallel()
	_, err := postgres.Open(t.Context(), "postgres://bob:hunter2@host:notaport/db", store.Options{})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("Open(invalid) = %v", err)
	}
}

// BenchmarkWriteResults measures batched upserts of 500 results.
func BenchmarkWriteResults(b *testing.B) {
	s := open(b)
	defer s.Close()
	ctx := context.Background()
	run := &bench.Run{ID: "bench", Status: bench.RunRunning, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	if err := s.CreateRun(ctx, run); err != nil {
		b.Fatal(err)
	}
	const batch = 500
	n := 0
	for b.Loop() {
		rs := make([]bench.Result, batch)
		for i := range rs {
			rs[i] = bench.Result{ID: fmt.Sprintf("r-%09d", n+i), RunID: "bench", CaseID: fmt.Sprintf("c-%d", n+i),
				Provider: "openai", Status: bench.StatusSuccess, Prompt: "Say hello in French.", Response: "Bonjour",
				Scores: map[string]bench.Score{"contains": {Score: 1, Pass: true}}, Tags: []string{"smoke"}}
		}
		if err := s.WriteResults(ctx, rs); err != nil {
			b.Fatal(err)
		}
		n += batch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "results/s")
}
