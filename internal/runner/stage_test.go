package runner

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// gate is a model-graded type for these tests: its verdict waits until the
// test opens the gate named by the assertion's value.
type gate struct{}

// gates holds each test's gate by the test's name.
var gates sync.Map

func (gate) Uses() eval.Uses { return eval.UsesJudge }

func (gate) of(name string) chan struct{} {
	c, _ := gates.Load(name)
	return c.(chan struct{})
}

func (gate) Evaluate(ctx context.Context, a bench.Assertion, _ *eval.Input) (bench.Score, error) {
	select {
	case <-gate{}.of(a.Value.(string)):
		return bench.Score{Score: 1, Pass: true}, nil
	case <-ctx.Done():
		return bench.Score{}, ctx.Err()
	}
}

// longest is a side-by-side type: the longest answer in its group wins.
// With a provider it asks that judge once per group.
type longest struct{}

func (longest) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	s, err := longest{}.Compare(ctx, a, []*eval.Input{in})
	if err != nil {
		return bench.Score{}, err
	}
	return s[0], nil
}

func (longest) Compare(ctx context.Context, a bench.Assertion, group []*eval.Input) ([]bench.Score, error) {
	if a.Provider != "" {
		j, err := group[0].Judges.Judge(ctx, a.Provider)
		if err != nil {
			return nil, err
		}
		if _, err := j.Complete(ctx, provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: "which is longest?"}}}); err != nil {
			return nil, err
		}
	}
	best := 0
	for i, in := range group {
		if len(in.Output) > len(group[best].Output) {
			best = i
		}
	}
	out := make([]bench.Score, len(group))
	for i, in := range group {
		out[i] = bench.Score{Reason: fmt.Sprintf("%s of %d", in.Provider, len(group))}
	}
	out[best].Score, out[best].Pass = 1, true
	return out, nil
}

func init() {
	eval.Register("runner-test-gate", gate{})
	eval.Register("runner-test-longest", longest{})
}

func casesWith(n int, as ...bench.Assertion) iter.Seq2[bench.Case, error] {
	return func(yield func(bench.Case, error) bool) {
		for i := range n {
			if !yield(bench.Case{ID: fmt.Sprintf("c%d", i), Prompt: fmt.Sprintf("q%d", i), Assert: as}, nil) {
				return
			}
		}
	}
}

// TestJudgesDoNotHoldTheTargetSlot: while judges work on its answers, a
// target with one slot goes on answering the next cases.
func TestJudgesDoNotHoldTheTargetSlot(t *testing.T) {
	t.Parallel()
	open := make(chan struct{})
	gates.Store(t.Name(), open)
	target := &fakeProvider{GenerateFn: echoFn}
	r := newRunner(&Target{ID: "a:m", Model: "m", Provider: target, Concurrency: 1})
	r.ParallelEvaluations = 4
	sink := &memSink{}
	done := make(chan error, 1)
	go func() {
		_, err := r.Run(context.Background(), "run", casesWith(4, bench.Assertion{Type: "runner-test-gate", Value: t.Name()}), sink)
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for target.calls.Load() < 4 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := target.calls.Load(); n < 4 {
		t.Fatalf("the target answered %d of 4 cases while the judges were busy: judging holds its slot", n)
	}
	close(open)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, res := range sink.all() {
		if !res.Passed {
			t.Errorf("%s: not passed after the judges finished: %+v", res.CaseID, res.Scores)
		}
	}
}

// TestSideBySideTypesSeeEveryTargetsAnswer: the answers of all targets to
// a case are compared together; a failed call is left out of the group.
func TestSideBySideTypesSeeEveryTargetsAnswer(t *testing.T) {
	t.Parallel()
	answer := func(text string) *fakeProvider {
		return &fakeProvider{GenerateFn: func(context.Context, provider.Request, func(provider.Chunk) error) (provider.Response, error) {
			return provider.Response{Text: text}, nil
		}}
	}
	broken := &fakeProvider{GenerateFn: func(context.Context, provider.Request, func(provider.Chunk) error) (provider.Response, error) {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: errors.New("refused")}
	}}
	r := newRunner(
		&Target{ID: "short", Provider: answer("ab")},
		&Target{ID: "long", Provider: answer("abcdef")},
		&Target{ID: "broken", Provider: broken},
	)
	r.Repeat = 2
	sink := &memSink{}
	if _, err := r.Run(context.Background(), "run", casesWith(5, bench.Assertion{Type: "runner-test-longest"}), sink); err != nil {
		t.Fatal(err)
	}
	results := sink.all()
	if len(results) != 30 {
		t.Fatalf("%d results, want 30", len(results))
	}
	for _, res := range results {
		s := res.Scores["runner-test-longest"]
		switch res.Provider {
		case "long":
			if !res.Passed || s.Reason != "long of 2" {
				t.Errorf("%s/%s rep %d: %+v; want the winner of a group of 2", res.CaseID, res.Provider, res.Repetition, s)
			}
		case "short":
			if res.Passed || s.Reason != "short of 2" {
				t.Errorf("%s/%s rep %d: %+v; want the loser of a group of 2", res.CaseID, res.Provider, res.Repetition, s)
			}
		case "broken":
			if res.Status != bench.StatusError || len(res.Scores) != 0 {
				t.Errorf("failed call: status %s scores %v; want an error result without scores", res.Status, res.Scores)
			}
		}
	}
}

// TestSideBySideAfterAResume: answers stored before a resume are not
// waited for; the group is compared, and stored, as soon as the answers
// that will arrive are in — not held to the end of the run.
func TestSideBySideAfterAResume(t *testing.T) {
	t.Parallel()
	r := newRunner(&Target{ID: "a", Provider: &fakeProvider{GenerateFn: echoFn}}, &Target{ID: "b", Provider: &fakeProvider{GenerateFn: echoFn}})
	r.Skip = func(k bench.Key) bool { return k.Provider == "b" }
	r.BatchSize = 1
	sink := &memSink{}
	held := false
	cases := func(yield func(bench.Case, error) bool) {
		for c, err := range casesWith(3, bench.Assertion{Type: "runner-test-longest"}) {
			if c.ID == "c2" {
				// The first case's group is complete: it must be stored
				// before the run reads on.
				deadline := time.Now().Add(5 * time.Second)
				for len(sink.all()) == 0 && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
				held = len(sink.all()) == 0
			}
			if !yield(c, err) {
				return
			}
		}
	}
	done := make(chan error, 1)
	go func() {
		_, err := r.Run(context.Background(), "run", cases, sink)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the run never ended: a group waits for an answer stored before the resume")
	}
	if held {
		t.Error("complete groups were held until the end of the run")
	}
	for _, res := range sink.all() {
		if res.Provider != "a" || res.Scores["runner-test-longest"].Reason != "a of 1" {
			t.Errorf("%s/%s: %+v, want a's answer compared alone", res.CaseID, res.Provider, res.Scores)
		}
	}
}

// TestAGroupsJudgeCostIsSharedOut: one judge call per group; its cost is
// split among the group's answers, its call counted once.
func TestAGroupsJudgeCostIsSharedOut(t *testing.T) {
	t.Parallel()
	rig := newJudgeRig()
	budget := policy.NewBudget(0, 0)
	r := newRunner(&Target{ID: "a", Provider: &fakeProvider{GenerateFn: echoFn}}, &Target{ID: "b", Provider: &fakeProvider{GenerateFn: echoFn}})
	r.Judges, r.Budget = rig.source(t, 0, nil, budget), budget
	sink := &memSink{}
	if _, err := r.Run(context.Background(), "run", casesWith(4, bench.Assertion{Type: "runner-test-longest", Provider: "judge"}), sink); err != nil {
		t.Fatal(err)
	}
	var calls int
	var cost float64
	for _, res := range sink.all() {
		c, _ := res.Metadata["judge_calls"].(int)
		calls += c
		cost += res.Cost.Total
		if got := res.Metadata["judge_cost_usd"]; got != judgeCallCost/2 {
			t.Errorf("%s/%s: judge_cost_usd %v, want half a call's cost", res.CaseID, res.Provider, got)
		}
	}
	if calls != 4 || fmt.Sprintf("%.6f", cost) != fmt.Sprintf("%.6f", 4*judgeCallCost) || fmt.Sprintf("%.6f", budget.Spent()) != fmt.Sprintf("%.6f", 4*judgeCallCost) {
		t.Errorf("judge calls %d, cost in results %v, spent %v; want 4 calls costing %v", calls, cost, budget.Spent(), 4*judgeCallCost)
	}
}

// TestCancelledJudgingIsNotStored: answers whose judges were cut off by a
// cancel are not stored with verdicts that are not theirs; a resume
// judges them again.
func TestCancelledJudgingIsNotStored(t *testing.T) {
	t.Parallel()
	gates.Store(t.Name(), make(chan struct{})) // never opened
	target := &fakeProvider{GenerateFn: echoFn}
	r := newRunner(&Target{ID: "a:m", Model: "m", Provider: target})
	r.ParallelEvaluations = 2
	sink := &memSink{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Summary, 1)
	go func() {
		s, _ := r.Run(ctx, "run", casesWith(3, bench.Assertion{Type: "runner-test-gate", Value: t.Name()}, bench.Assertion{Type: "runner-test-equals", Value: "x"}), sink)
		done <- s
	}()
	for target.calls.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	s := <-done
	if s.StoppedBy != StopCancelled {
		t.Errorf("stopped by %q, want %q", s.StoppedBy, StopCancelled)
	}
	if got := sink.all(); len(got) != 0 {
		t.Errorf("%d results stored with judging cut off: %+v", len(got), got[0].Scores)
	}
}
