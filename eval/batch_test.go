package eval_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// batchFake scores its value like scoreOf, one assertion per Evaluate
// and several per EvaluateBatch, counting both.
type batchFake struct {
	singles, batches atomic.Int64
	fail             atomic.Bool
	short            atomic.Bool
}

func (b *batchFake) Evaluate(_ context.Context, a bench.Assertion, _ *eval.Input) (bench.Score, error) {
	b.singles.Add(1)
	return scoreOf(a)
}

func (b *batchFake) EvaluateBatch(_ context.Context, as []bench.Assertion, _ *eval.Input) ([]bench.Score, error) {
	b.batches.Add(1)
	if b.fail.Load() {
		return nil, errors.New("batch broke")
	}
	var out []bench.Score
	for _, a := range as {
		if a.Type != "batch-fake" {
			return nil, errors.New("got type " + a.Type)
		}
		s, _ := scoreOf(a)
		out = append(out, s)
	}
	if b.short.Load() {
		out = out[1:]
	}
	return out, nil
}

var theBatchFake = &batchFake{}

func init() { eval.Register("batch-fake", theBatchFake) }

// TestBatchScoresLikeSingles: assertions of a Batcher type on one answer
// are scored in one EvaluateBatch with the verdicts Evaluate would give,
// negation included; a lone one goes through Evaluate; a failed batch
// leaves each of its assertions unscored.
func TestBatchScoresLikeSingles(t *testing.T) { //nolint:paralleltest // counts calls of a shared registered evaluator
	as := []bench.Assertion{
		{Type: "batch-fake", Value: 0.9},
		{Type: "fake-score", Value: 1.0},
		{Type: "not-batch-fake", Value: 0.8},
		{Type: "batch-fake", Value: 0.2},
	}
	in := &eval.Input{Case: &bench.Case{ID: "c"}, Output: "x"}
	before := theBatchFake.singles.Load()
	got := eval.Check(context.Background(), as, nil, in)
	if theBatchFake.batches.Load() != 1 || theBatchFake.singles.Load() != before {
		t.Fatalf("batches %d, singles %d: want one batch and no single call", theBatchFake.batches.Load(), theBatchFake.singles.Load()-before)
	}
	want := map[string]float64{"batch-fake": 0.9, "not-batch-fake": 0.2, "batch-fake#1": 0.2}
	for name, score := range want {
		s := got.Scores[name]
		if s.Unscored || s.Score < score-1e-9 || s.Score > score+1e-9 {
			t.Errorf("%s: %+v, want %v", name, s, score)
		}
	}
	p := eval.ScoreEach(context.Background(), as, in)
	if theBatchFake.batches.Load() != 2 || p[2].Score > 0.2+1e-9 || p[3].Score != 0.2 {
		t.Errorf("ScoreEach: batches %d, %+v", theBatchFake.batches.Load(), p)
	}

	eval.Check(context.Background(), as[:2], nil, in)
	if theBatchFake.singles.Load() != before+1 || theBatchFake.batches.Load() != 2 {
		t.Errorf("a lone assertion was batched")
	}

	for _, broken := range []*atomic.Bool{&theBatchFake.fail, &theBatchFake.short} {
		broken.Store(true)
		got = eval.Check(context.Background(), as, nil, in)
		broken.Store(false)
		for _, name := range []string{"batch-fake", "not-batch-fake", "batch-fake#1"} {
			if s := got.Scores[name]; !s.Unscored || (!strings.Contains(s.Reason, "batch broke") && !strings.Contains(s.Reason, "2 verdicts for 3")) {
				t.Errorf("%s after a failed batch: %+v", name, s)
			}
		}
		if got.Scores["fake-score"].Unscored || got.Passed {
			t.Errorf("outcome after a failed batch: %+v", got)
		}
	}
}
