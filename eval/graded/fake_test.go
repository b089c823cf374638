package graded

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// What every scripted call of the fake judge costs, unless it says otherwise.
var (
	callUsage = bench.Usage{Prompt: 100, Completion: 20, Total: 120}
	callCost  = 0.125
)

const judgeModel = "judge-model-1"

// fakeReply is one scripted judge answer.
type fakeReply struct {
	Text   string
	Top    []provider.TokenLogprobs
	Err    error
	Cached bool
}

// fakeJudges is an eval.Judges whose judge answers from ReplyFn and
// records every name asked for and every request.
type fakeJudges struct {
	// ReplyFn answers call n (from 0) carrying req.
	ReplyFn func(n int, req provider.Request) fakeReply
	// JudgeErr, when set, is what Judge returns.
	JudgeErr error

	mu    sync.Mutex
	names []string
	reqs  []provider.Request
}

var _ eval.Judges = (*fakeJudges)(nil)

func (f *fakeJudges) Judge(_ context.Context, name string) (eval.Judge, error) {
	f.mu.Lock()
	f.names = append(f.names, name)
	f.mu.Unlock()
	if f.JudgeErr != nil {
		return nil, f.JudgeErr
	}
	id := "fake:" + name
	if name == "" {
		id = "fake:default"
	}
	return &fakeJudge{f: f, id: id}, nil
}

func (f *fakeJudges) Embedder(context.Context, string) (eval.Embedder, error) {
	return nil, errors.New("the fake offers no embedder")
}

// requests returns the requests made so far.
func (f *fakeJudges) requests() []provider.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]provider.Request(nil), f.reqs...)
}

type fakeJudge struct {
	f  *fakeJudges
	id string
}

func (j *fakeJudge) ID() string { return j.id }

func (j *fakeJudge) Complete(_ context.Context, req provider.Request) (eval.JudgeReply, error) {
	j.f.mu.Lock()
	n := len(j.f.reqs)
	j.f.reqs = append(j.f.reqs, req)
	j.f.mu.Unlock()
	r := j.f.ReplyFn(n, req)
	cost := bench.Cost{Total: callCost, Currency: "USD"}
	if r.Cached {
		cost = bench.Cost{Currency: "USD"}
	}
	return eval.JudgeReply{
		Response: provider.Response{Text: r.Text, Model: judgeModel, Usage: callUsage, TopLogprobs: r.Top},
		Cached:   r.Cached,
		Cost:     cost,
	}, r.Err
}

// script answers call n with replies[n]; a call past the script fails.
func script(replies ...fakeReply) func(int, provider.Request) fakeReply {
	return func(n int, _ provider.Request) fakeReply {
		if n >= len(replies) {
			return fakeReply{Err: fmt.Errorf("unexpected judge call %d", n+1)}
		}
		return replies[n]
	}
}

// says answers the calls with these texts, in order.
func says(texts ...string) *fakeJudges {
	rs := make([]fakeReply, len(texts))
	for i, t := range texts {
		rs[i] = fakeReply{Text: t}
	}
	return &fakeJudges{ReplyFn: script(rs...)}
}

// judgeInfo is the JudgeInfo of n uncached calls to the "grader" judge
// with the prompt template id.
func judgeInfo(id string, n int) *bench.JudgeInfo {
	return &bench.JudgeInfo{
		Provider: "fake:grader", Model: judgeModel, Prompt: id, Calls: n,
		Tokens:  bench.Usage{Prompt: n * callUsage.Prompt, Completion: n * callUsage.Completion, Total: n * callUsage.Total},
		CostUSD: float64(n) * callCost,
	}
}

// evaluate runs the registered evaluator of a.Type on in with judges
// (nil: no judges in the run); an Evaluate error fails the test.
func evaluate(t *testing.T, a bench.Assertion, in *eval.Input, judges eval.Judges) bench.Score {
	t.Helper()
	e, ok := eval.Lookup(a.Type)
	if !ok {
		t.Fatalf("type %q not registered", a.Type)
	}
	if a.Provider == "" {
		a.Provider = "grader"
	}
	if judges != nil {
		in.Judges = judges
	}
	s, err := e.Evaluate(context.Background(), a, in)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return s
}

// want is an expected verdict: a score and pass, or unscored; reason is a
// fragment the verdict's reason must hold.
type want struct {
	score    float64
	pass     bool
	unscored bool
	reason   string
}

// check compares a verdict with w and its judge info with info.
func check(t *testing.T, got bench.Score, w want, info *bench.JudgeInfo) {
	t.Helper()
	if got.Unscored != w.unscored {
		t.Fatalf("unscored = %v, want %v (verdict %+v)", got.Unscored, w.unscored, got)
	}
	if !w.unscored && (abs(got.Score-w.score) > 1e-9 || got.Pass != w.pass) {
		t.Errorf("score, pass = %v, %v; want %v, %v (reason %q)", got.Score, got.Pass, w.score, w.pass, got.Reason)
	}
	if w.unscored && got.Pass {
		t.Errorf("an unscored verdict passes")
	}
	if !strings.Contains(got.Reason, w.reason) {
		t.Errorf("reason %q does not mention %q", got.Reason, w.reason)
	}
	if diff := cmp.Diff(info, got.Judge); diff != "" {
		t.Errorf("judge info (-want +got):\n%s", diff)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func ptr(f float64) *float64 { return &f }

// userMessage is the user message of a request.
func userMessage(t *testing.T, req provider.Request) string {
	t.Helper()
	for _, m := range req.Messages {
		if m.Role == bench.RoleUser {
			return m.Content
		}
	}
	t.Fatalf("request without a user message: %+v", req.Messages)
	return ""
}

// systemMessage is the system message of a request.
func systemMessage(t *testing.T, req provider.Request) string {
	t.Helper()
	for _, m := range req.Messages {
		if m.Role == bench.RoleSystem {
			return m.Content
		}
	}
	t.Fatalf("request without a system message: %+v", req.Messages)
	return ""
}

// basicInput is a response to a simple question.
func basicInput() *eval.Input {
	return &eval.Input{
		Case:   &bench.Case{ID: "c1", Expected: "Paris", Context: []string{"Paris is the capital of France.", "It lies on the Seine."}, Variables: map[string]any{"city": "Paris"}},
		Prompt: "What is the capital of France?",
		Output: "The capital of France is Paris.",
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func containsAny(s string, parts ...string) bool {
	for _, p := range parts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
