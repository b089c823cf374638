package rag

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func ptr(f float64) *float64 { return &f }

// want is the expected verdict of one table row.
type want struct {
	score    float64
	pass     bool
	unscored bool
	reason   string // a part of the reason
	calls    int    // judge plus embedding calls
	raw      string // a part of Raw; "" means Raw must be empty
}

// run validates a and evaluates it, failing the test on an error: an
// assertion that validated never makes Evaluate fail.
func run(t testing.TB, a bench.Assertion, in *eval.Input) bench.Score {
	t.Helper()
	e, ok := eval.Lookup(a.Type)
	if !ok {
		t.Fatalf("%s not registered", a.Type)
	}
	if err := e.(eval.Validator).Validate(a); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	got, err := e.Evaluate(context.Background(), a, in)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return got
}

// checkVerdict compares a verdict with w; every verdict must carry judge info.
func checkVerdict(t *testing.T, got bench.Score, w want) {
	t.Helper()
	if got.Unscored != w.unscored || got.Pass != w.pass || !strings.Contains(got.Reason, w.reason) {
		t.Errorf("got unscored %v pass %v reason %q; want unscored %v pass %v reason with %q", got.Unscored, got.Pass, got.Reason, w.unscored, w.pass, w.reason)
	}
	if !w.unscored && math.Abs(got.Score-w.score) > 1e-12 {
		t.Errorf("score %v, want %v", got.Score, w.score)
	}
	if (w.raw == "") != (got.Raw == "") || !strings.Contains(got.Raw, w.raw) {
		t.Errorf("raw %q, want it to hold %q", got.Raw, w.raw)
	}
	if got.Judge == nil {
		t.Fatalf("no judge info on %+v", got)
	}
	if got.Judge.Calls != w.calls || got.Judge.Provider != "fake:judge" {
		t.Errorf("judge info %+v, want provider fake:judge and %d calls", *got.Judge, w.calls)
	}
}

// input is a response to judge with the fakes.
func input(j *fakeJudge, emb *fakeEmbedder, c *bench.Case, prompt, output string) *eval.Input {
	if c == nil {
		c = &bench.Case{}
	}
	return &eval.Input{Case: c, Prompt: prompt, Output: output, Judges: &fakeJudges{judge: j, emb: emb}}
}

// scripted is a judge answering with texts in order.
func scripted(texts ...string) *fakeJudge {
	j := &fakeJudge{}
	for _, t := range texts {
		j.replies = append(j.replies, reply{text: t})
	}
	return j
}
