package plugin

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// fakeJudges hands out one judge whose reply is CompleteFn's.
type fakeJudges struct {
	CompleteFn func(req provider.Request) (eval.JudgeReply, error)
	asked      []string
}

func (f *fakeJudges) Judge(_ context.Context, name string) (eval.Judge, error) {
	f.asked = append(f.asked, name)
	return fakeJudge{f}, nil
}

func (f *fakeJudges) Embedder(context.Context, string) (eval.Embedder, error) {
	return nil, errors.New("no embedder")
}

type fakeJudge struct{ f *fakeJudges }

func (fakeJudge) ID() string { return "fake:judge" }

func (j fakeJudge) Complete(_ context.Context, req provider.Request) (eval.JudgeReply, error) {
	return j.f.CompleteFn(req)
}

// TestLLMCompleteThroughTheJudge: the example yes-no-judge asks the run's
// judge through llm.complete; its verdict carries the call and its cost.
func TestLLMCompleteThroughTheJudge(t *testing.T) {
	t.Parallel()
	h := newGoHost(t)
	p, err := h.Load(context.Background(), installGoGuest(t, "examples/plugins/yes-no-judge"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Activate([]*Plugin{p}); err != nil {
		t.Fatal(err)
	}
	if eval.UsesOf("plugin:yes-no-judge") != eval.UsesJudge {
		t.Fatal("a requires_llm plugin's type does not say it uses a judge")
	}
	for _, tc := range []struct {
		name  string
		reply string
		err   error
		check func(bench.Score) bool
	}{
		{"yes", "Yes.", nil, func(s bench.Score) bool {
			return s.Score == 1 && s.Pass && s.Judge != nil && s.Judge.Calls == 1 && s.Judge.CostUSD == 0.002
		}},
		{"no", "no", nil, func(s bench.Score) bool { return s.Score == 0 && !s.Pass && s.Judge.Calls == 1 }},
		{"unreadable reply", "perhaps", nil, func(s bench.Score) bool {
			return s.Unscored && strings.Contains(s.Reason, "neither yes nor no") && s.Judge.Calls == 1
		}},
		{"judge fails", "", errors.New("overloaded"), func(s bench.Score) bool {
			return s.Unscored && strings.Contains(s.Reason, `plugin "yes-no-judge"`) && s.Judge != nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := &fakeJudges{CompleteFn: func(req provider.Request) (eval.JudgeReply, error) {
				if !strings.Contains(req.Messages[0].Content, "Is it polite?") || !strings.Contains(req.Messages[0].Content, "Thanks a lot") {
					t.Errorf("judge asked %+v", req.Messages)
				}
				r := eval.JudgeReply{Cost: bench.Cost{Total: 0.002}}
				r.Text, r.Usage = tc.reply, bench.Usage{Prompt: 30, Completion: 1, Total: 31}
				return r, tc.err
			}}
			as := []bench.Assertion{{Type: "plugin:yes-no-judge", Provider: "openai:gpt-4o", Config: map[string]any{"question": "Is it polite?"}}}
			out := eval.Check(context.Background(), as, nil, &eval.Input{Case: &bench.Case{ID: "c"}, Output: "Thanks a lot!", Judges: j})
			if s := out.Scores["plugin:yes-no-judge"]; !tc.check(s) {
				t.Errorf("verdict %+v (judge %+v)", s, s.Judge)
			}
			if len(j.asked) != 1 || j.asked[0] != "openai:gpt-4o" {
				t.Errorf("judges opened: %q, want the assertion's provider once", j.asked)
			}
		})
	}
}
