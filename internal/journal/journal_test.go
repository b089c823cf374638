package journal

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func results(run string, from, n int) []bench.Result {
	out := make([]bench.Result, n)
	for i := range out {
		out[i] = bench.Result{
			ID: fmt.Sprintf("r%d", from+i), RunID: run, CaseID: fmt.Sprintf("c%d", from+i), PromptID: "default",
			Provider: "p", Status: bench.StatusSuccess, Response: "answer <&> \u2028", Passed: true, Score: 1,
			Scores: map[string]bench.Score{"equals": {Score: 1, Pass: true}},
			Tokens: bench.Usage{Prompt: 3, Completion: 2, Total: 5}, Cost: bench.Cost{Total: 0.5, Currency: "USD"},
			CreatedAt: time.Date(2026, 12, 6, 10, 0, 0, i*1000, time.UTC),
		}
	}
	return out
}

func TestAppendThenReplay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := Open(dir, "run")
	if err != nil {
		t.Fatal(err)
	}
	want := append(results("run", 0, 5), results("run", 5, 3)...)
	if err := j.Append(want[:5]); err != nil {
		t.Fatal(err)
	}
	if err := j.Append(want[5:]); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil { // a crash: kept, not removed
		t.Fatal(err)
	}
	var got []bench.Result
	var batches []int
	n, err := Replay(dir, "run", 3, func(rs []bench.Result) error {
		batches = append(batches, len(rs))
		got = append(got, rs...)
		return nil
	})
	if err != nil || n != 8 {
		t.Fatalf("replayed %d, %v; want 8", n, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("replayed results (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{3, 3, 2}, batches); diff != "" {
		t.Errorf("batches (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(Path(dir, "run")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal kept after a full replay: %v", err)
	}
}

func TestReplayEdges(t *testing.T) {
	t.Parallel()
	line := func(r bench.Result) string {
		j, _ := Open(t.TempDir(), "x")
		_ = j.enc.Encode(&r)
		_ = j.Close()
		return j.buf.String()
	}
	rs := results("run", 0, 2)
	tests := []struct {
		name    string
		content string
		want    int
		wantErr bool
		kept    bool
	}{
		{"no journal", "", 0, false, false},
		{"last line cut by a crash", line(rs[0]) + line(rs[1])[:20], 1, false, false},
		{"damage before the end", line(rs[0])[:20] + "\n" + line(rs[1]), 0, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tc.content != "" {
				if err := os.WriteFile(Path(dir, "run"), []byte(tc.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			n, err := Replay(dir, "run", 10, func([]bench.Result) error { return nil })
			if n != tc.want || (err != nil) != tc.wantErr {
				t.Fatalf("replayed %d, err %v; want %d, error %v", n, err, tc.want, tc.wantErr)
			}
			_, serr := os.Stat(Path(dir, "run"))
			if kept := serr == nil; kept != tc.kept {
				t.Errorf("journal kept = %v, want %v", kept, tc.kept)
			}
		})
	}
}

// TestReplayKeepsTheJournalWhenTheStoreFails: nothing is lost when the
// store cannot take the replayed results.
func TestReplayKeepsTheJournalWhenTheStoreFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := Open(dir, "run")
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Append(results("run", 0, 4)); err != nil {
		t.Fatal(err)
	}
	_ = j.Close()
	if _, err := Replay(dir, "run", 2, func([]bench.Result) error { return errors.New("disk full") }); err == nil {
		t.Fatal("a failing store was not reported")
	}
	if _, err := os.Stat(Path(dir, "run")); err != nil {
		t.Errorf("journal removed although its results were not stored: %v", err)
	}
}

func TestRemove(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := Open(dir, "run")
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Append(results("run", 0, 1)); err != nil {
		t.Fatal(err)
	}
	if err := j.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(Path(dir, "run")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal still there: %v", err)
	}
}

func BenchmarkAppend(b *testing.B) {
	j, err := Open(b.TempDir(), "run")
	if err != nil {
		b.Fatal(err)
	}
	defer j.Remove()
	rs := results("run", 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		if err := j.Append(rs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(rs))/b.Elapsed().Seconds(), "results/s")
}
