package report

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
)

// Shape of the million-result run: 2 providers x 100,000 cases x 5
// repetitions, so the per-case state is 200,000 keys per reader.
const (
	millionCases   = 100_000
	millionReps    = 5
	millionBatch   = 10_000
	millionRunID   = "019a0000-0000-7000-8000-00000000m111"
	millionVersion = "v1" // bump when the fixture changes, so a stale cache is rebuilt
)

// millionStore opens the cached SQLite database holding the
// million-result run, building it first when it is missing or incomplete.
func millionStore(b *testing.B) *sqlite.Store {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), "llm-test-bench-report-million-"+millionVersion+".db")
	if st, err := sqlite.Open(ctx, path, store.Options{}); err == nil {
		t, err := st.Totals(ctx, millionRunID)
		if err == nil && t[millionRunID].Results == 2*millionCases*millionReps {
			return st
		}
		st.Close()
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	st, err := sqlite.Open(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	created := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	run := &bench.Run{ID: millionRunID, Name: "million", Status: bench.RunCompleted, CreatedAt: created, UpdatedAt: created,
		Config: map[string]any{"bench": map[string]any{"datasets": []any{"million.yaml"}}}}
	if err := st.CreateRun(ctx, run); err != nil {
		b.Fatal(err)
	}
	batch := make([]bench.Result, 0, millionBatch)
	for i := range 2 * millionCases * millionReps {
		batch = append(batch, millionResult(i))
		if len(batch) == millionBatch {
			if err := st.WriteResults(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.Logf("stored 1,000,000 results in %s at %s", time.Since(start).Round(time.Second), path)
	return st
}

// millionResult is result i: providers alternate; a tenth of the cases
// are flaky for the first provider, the second passes 80% of its cases.
func millionResult(i int) bench.Result {
	p, c, rep := i%2, (i/2)%millionCases, (i/2)/millionCases
	pass := c%10 != 0 || rep%2 == 0
	if p == 1 {
		pass = c%5 != 0
	}
	score := 0.0
	if pass {
		score = 1
	}
	return bench.Result{
		ID: fmt.Sprintf("m-%07d", i), RunID: millionRunID, CaseID: fmt.Sprint("case-", c), PromptID: "terse", Repetition: rep,
		Provider: []string{"openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"}[p], Model: "m",
		Status: bench.StatusSuccess, Prompt: "Answer in one word: capital of France?", Response: "Paris",
		FinishReason: "stop", LatencyMs: 200 + float64(i%1000) + 300*float64(p), TTFTMs: 80 + float64(i%300),
		Tokens: bench.Usage{Prompt: 21, Completion: 2, Total: 23}, Cost: bench.Cost{Input: 3e-6, Output: 1e-6, Total: 4e-6, Currency: "USD"},
		Scores: map[string]bench.Score{"icontains": {Score: score, Pass: pass}}, Score: score, Passed: pass,
		CreatedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Microsecond),
	}
}

// BenchmarkReportMillion builds the comparison report of a stored run of
// 1,000,000 results from SQLite (two providers: a 2-column matrix, tested
// by Wilcoxon as repetitions make per-case values fractional) and renders
// it, as `llm-test-bench report RUN` does. It reports
// the time per report and the live heap at its peak, sampled every
// 100,000 results: per-case state, not results. The database is built once
// and cached in the temporary directory (about a minute).
func BenchmarkReportMillion(b *testing.B) {
	st := millionStore(b)
	defer st.Close()
	ctx := context.Background()
	opt := analysis.MatrixOptions{Metric: analysis.MetricPassed, Correction: analysis.CorrectionHolm, Alpha: 0.05}
	var peak uint64
	for b.Loop() {
		run, err := st.GetRun(ctx, millionRunID)
		if err != nil {
			b.Fatal(err)
		}
		base := liveHeap()
		sample := func(rs iter.Seq2[bench.Result, error]) iter.Seq2[bench.Result, error] {
			return func(yield func(bench.Result, error) bool) {
				n := 0
				for r, err := range rs {
					if n++; n%100_000 == 0 {
						if h := liveHeap(); h > base {
							peak = max(peak, h-base)
						}
					}
					if !yield(r, err) {
						return
					}
				}
			}
		}
		c, err := BuildComparison(ctx, []ComparisonRun{{Run: *run, Results: sample(st.Results(ctx, run.ID, store.ResultFilter{}))}}, opt)
		if err != nil {
			b.Fatal(err)
		}
		if c.Columns[0].Results+c.Columns[1].Results != 1_000_000 || c.Matrix.Winner != 1 {
			b.Fatalf("columns %+v, winner %d", c.Columns, c.Matrix.Winner)
		}
		if h := liveHeap(); h > base {
			peak = max(peak, h-base)
		}
		if err := WriteComparison(io.Discard, ComparisonHTML, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-MB")
}
