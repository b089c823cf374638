package cli_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// TestEdgesResumeKeepsTheCostCap covers issues 15.6 and 15.11: a run
// stopped by --max-cost and resumed without a new cap stops again at once
// (exit 6) instead of spending past it; the hint says the cap is kept, how
// to raise it, and names the --db the run lives in; a higher cap finishes
// the run.
func TestEdgesResumeKeepsTheCostCap(t *testing.T) {
	t.Parallel()
	srv := newEdgeServer(t, "sk-edge-cost")
	// gpt-4o-mini at $0.15/M input and $0.60/M output: $0.00021 a call.
	srv.prompt, srv.completion = 1000, 100
	e := newEnv(t, edgeOpenAIEnv(srv)...)
	cases := filepath.Join(e.dir, "c.jsonl")
	const total = 20
	writeCases(t, cases, total, 0)

	code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", cases, "--providers", "openai:gpt-4o-mini", "--concurrency", "1", "--max-cost", "0.001", "--no-cache")
	if code != 6 {
		t.Fatalf("capped run: exit %d, want 6\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	first := srv.calls()
	if first < 4 || first > 6 {
		t.Fatalf("%d calls before a $0.001 cap at $0.00021 a call, want about 5", first)
	}
	checkCapHint(t, e, stderr)
	id := runID(t, stderr)

	// Resumed without --max-cost: the stored cap, already reached, holds.
	code, stdout, stderr = e.run(t.Context(), "bench", "--resume", id)
	if code != 6 {
		t.Fatalf("resume without --max-cost: exit %d, want 6 (the stored cap is dropped)\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	if extra := srv.calls() - first; extra > 1 {
		t.Errorf("the resumed run made %d calls past a cap it had reached", extra)
	}
	checkCapHint(t, e, stderr)

	// A higher cap finishes the run, without redoing finished calls.
	out := filepath.Join(e.dir, "all.jsonl")
	code, stdout, stderr = e.run(t.Context(), "bench", "--resume", id, "--max-cost", "1", "--output", out)
	if code != 0 {
		t.Fatalf("resume with a higher cap: exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	results := readJSONL(t, out)
	if len(results) != total {
		t.Errorf("%d results after the resume, want %d", len(results), total)
	}
	for _, r := range results {
		if r.Status != bench.StatusSuccess || r.Cost.Total <= 0 {
			t.Errorf("case %s: status %s cost %+v", r.CaseID, r.Status, r.Cost)
		}
	}
	if srv.calls() > total+1 {
		t.Errorf("%d calls in all for %d cases", srv.calls(), total)
	}
}

// checkCapHint checks the hint after a cost stop: the cap is kept, how to
// raise it, and the database of the run (issue 15.11).
func checkCapHint(t *testing.T, e *env, stderr string) {
	t.Helper()
	if !regexp.MustCompile(`(?i)\bkeeps?\b[^\n]*\bcap\b`).MatchString(stderr) {
		t.Errorf("the hint does not say the cap is kept:\n%s", stderr)
	}
	hint := stderr[strings.Index(stderr, "--resume"):]
	for _, w := range []string{"--max-cost", "--db " + e.db} {
		if !strings.Contains(hint, w) {
			t.Errorf("the resume command lacks %q:\n%s", w, stderr)
		}
	}
}

// TestEdgesCancelHintNamesTheDatabase covers issue 15.11: the command
// printed after Ctrl-C names the non-default --db, and it works as printed.
func TestEdgesCancelHintNamesTheDatabase(t *testing.T) {
	t.Parallel()
	srv := newEdgeServer(t, "sk-edge-cancel")
	srv.delay = 20 * time.Millisecond
	e := newEnv(t, edgeOpenAIEnv(srv)...)
	cases := filepath.Join(e.dir, "c.jsonl")
	writeCases(t, cases, 100, 0)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		for srv.calls() < 5 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	code, stdout, stderr := e.run(ctx, "bench", "--dataset", cases, "--providers", "openai:gpt-4o-mini", "--concurrency", "2", "--no-cache")
	if code != 1 || !strings.Contains(stderr, "--resume") {
		t.Fatalf("cancelled run: exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	hint := stderr[strings.Index(stderr, "--resume"):]
	if !strings.Contains(hint, "--db "+e.db) {
		t.Fatalf("the resume command lacks --db %s:\n%s", e.db, stderr)
	}
	// The printed command, run as printed (e.run adds the same --db first).
	code, _, stderr = e.run(t.Context(), "bench", "--resume", runID(t, stderr))
	if code != 0 {
		t.Errorf("the printed resume command: exit %d\n%s", code, stderr)
	}
}
