package report

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// generated yields n results made on the fly, so the source itself holds
// none; every sampleEvery results it calls sample.
func generated(n, sampleEvery int, sample func(i int)) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		for i := range n {
			if sample != nil && i > 0 && i%sampleEvery == 0 {
				sample(i)
			}
			r := benchResult(i)
			r.Response = strings.Repeat("Paris is the capital of France. ", 10)
			if !yield(r, nil) {
				return
			}
		}
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestJUnitSpillsGroupsToDisk checks the approach that bounds JUnit's
// memory: each provider's test cases go to a spool that moves to a
// temporary file past its limit, the document is the same as one built in
// memory, and no temporary file outlives End or Abort.
func TestJUnitSpillsGroupsToDisk(t *testing.T) {
	t.Parallel()
	rs := fixtureResults()
	for i := range 200 {
		rs = append(rs, benchResult(i))
	}
	s, err := Summarize(context.Background(), fixtureRun(), Slice(rs))
	if err != nil {
		t.Fatal(err)
	}
	want := renderResults(t, FormatJUnit, fixtureRun(), rs)

	for _, abort := range []bool{false, true} {
		dir := t.TempDir()
		var buf bytes.Buffer
		o := &junitOutput{w: &buf, suites: map[string]*junitSuite{}, spoolLimit: 512, spoolDir: dir}
		if err := o.Begin(fixtureRun(), s); err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if err := o.Add(&r); err != nil {
				t.Fatal(err)
			}
		}
		for p, su := range o.suites {
			if !su.rows.spilled() || su.rows.mem.Len() > 0 {
				t.Errorf("suite %s: spilled = %v with %d bytes in memory, want everything on disk past the 512-byte limit", p, su.rows.spilled(), su.rows.mem.Len())
			}
		}
		if files, _ := os.ReadDir(dir); len(files) != len(o.suites) {
			t.Errorf("%d spool files for %d suites", len(files), len(o.suites))
		}
		if abort {
			o.Abort()
		} else {
			if err := o.End(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != want {
				t.Error("JUnit built from spilled groups differs from the one built in memory")
			}
		}
		if files, _ := os.ReadDir(dir); len(files) != 0 {
			t.Errorf("abort=%v: %d spool files left behind", abort, len(files))
		}
	}
}

// TestWriteAllMemoryIsBounded writes every format from 30,000 results made
// on the fly and measures the live heap as the pass goes: if any output
// held its rows (hundreds of bytes each), the heap would grow by several MB
// between the first sample and the last.
func TestWriteAllMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 30,000 results in six formats")
	}
	// Not parallel: the heap is measured, and other tests would move it.
	const n, every = 30_000, 5_000
	dir := t.TempDir()
	var paths []string
	for _, ext := range []string{".json", ".jsonl", ".csv", ".xml", ".html", ".md"} {
		paths = append(paths, filepath.Join(dir, "run"+ext))
	}
	var first, last uint64
	sample := func(i int) {
		h := liveHeap()
		if first == 0 {
			first = h
		}
		last = h
	}
	s, err := Summarize(context.Background(), bench.Run{ID: "big"}, generated(n, every, nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteAll(context.Background(), paths, bench.Run{ID: "big"}, s, generated(n, every, sample)); err != nil {
		t.Fatal(err)
	}
	const limit = 2 << 20
	if last > first && last-first > limit {
		t.Errorf("live heap grew by %.1f MB over %d results, want under %d MB: an output holds its rows",
			float64(last-first)/(1<<20), n-every, limit>>20)
	}
	t.Logf("live heap %.1f MB after %d results, %.1f MB after %d", float64(first)/(1<<20), every, float64(last)/(1<<20), n-every)
}

// BenchmarkWriteAll100k writes 100,000 results to all six formats in one
// pass and reports the bytes allocated and the live heap gained per result.
func BenchmarkWriteAll100k(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	var paths []string
	for _, ext := range []string{".json", ".jsonl", ".csv", ".xml", ".html", ".md"} {
		paths = append(paths, filepath.Join(dir, "run"+ext))
	}
	s, err := Summarize(context.Background(), bench.Run{ID: "big"}, generated(n, n, nil))
	if err != nil {
		b.Fatal(err)
	}
	var peak uint64
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	loops := 0
	b.ReportAllocs()
	for b.Loop() {
		loops++
		base := liveHeap()
		sample := func(int) {
			if h := liveHeap(); h > base {
				peak = max(peak, h-base)
			}
		}
		if err := WriteAll(context.Background(), paths, bench.Run{ID: "big"}, s, generated(n, n/4, sample)); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(loops*n), "alloc-B/result")
	b.ReportMetric(float64(peak)/n, "live-B/result")
}

// TestAssertionBreakdownMemoryIsBounded folds 50,000 results each with
// two score names never seen before (as a dataset that names every
// assertion after its case would): the breakdown keeps DefaultAssertionLimit
// names and counts the rest, so the live heap does not grow with the
// results.
func TestAssertionBreakdownMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("folds 50,000 results")
	}
	// Not parallel: the heap is measured, and other tests would move it.
	const n, every = 50_000, 10_000
	a := NewAggregator(bench.Run{ID: "names"})
	var first, last uint64
	for i := range n {
		if i > 0 && i%every == 0 {
			h := liveHeap()
			if first == 0 {
				first = h
			}
			last = h
		}
		judge := &bench.JudgeInfo{Calls: 1, PositionConsistent: new(bool)}
		a.Add(&bench.Result{CaseID: "c", Provider: "p", Status: bench.StatusSuccess, Scores: map[string]bench.Score{
			fmt.Sprintf("rubric-%06d", i):    {Score: 1, Pass: true, Judge: judge},
			fmt.Sprintf("relevance-%06d", i): bench.Unscored("no statements", ""),
		}})
	}
	b := a.Summary().Assertions
	if len(b.Rows) != DefaultAssertionLimit || !b.Truncated || b.OmittedVerdicts != 2*n-DefaultAssertionLimit {
		t.Errorf("rows %d truncated %v omitted %d, want %d, true, %d", len(b.Rows), b.Truncated, b.OmittedVerdicts, DefaultAssertionLimit, 2*n-DefaultAssertionLimit)
	}
	// Each name kept costs a few hundred bytes: 50,000 results' worth
	// would be well over 10 MB.
	const limit = 1 << 20
	if last > first && last-first > limit {
		t.Errorf("live heap grew by %.1f MB over %d results, want under %d MB: the breakdown holds every name",
			float64(last-first)/(1<<20), n-every, limit>>20)
	}
	t.Logf("live heap %.1f MB after %d results, %.1f MB after %d", float64(first)/(1<<20), every, float64(last)/(1<<20), n-every)
}
