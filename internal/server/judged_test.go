package server

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// TestJudgedVerdictsMeetTheContract: a result with a judged verdict and an
// unscored one is served as the OpenAPI document says (the contract check
// of the test server fails the test otherwise), the unscored score null.
func TestJudgedVerdictsMeetTheContract(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, rs := e.seedRun("u-alice", bench.RunCompleted, 1)
	consistent := false
	e.st.mu.Lock()
	for i := range e.st.results {
		if e.st.results[i].ID == rs[0].ID {
			e.st.results[i].Scores = map[string]bench.Score{
				"llm-rubric": {Score: 0.8, Pass: true, Reason: "polite", Judge: &bench.JudgeInfo{
					Provider: "openai:gpt-4o-mini", Model: "gpt-4o-mini-2024-07-18", Prompt: "llm-rubric/v1", Calls: 1,
					Tokens: bench.Usage{Prompt: 300, Completion: 40, Total: 340}, CostUSD: 0.0001,
				}},
				"pairwise": {Score: 0.5, Pass: true, Judge: &bench.JudgeInfo{Provider: "openai:gpt-4o-mini", Calls: 2, PositionConsistent: &consistent}},
				"g-eval":   bench.Unscored(`unreadable judge reply: "score" is missing`, "I would say eight"),
			}
		}
	}
	e.st.mu.Unlock()
	a := e.do("alice", "GET", "/api/v1/results/"+rs[0].ID, nil)
	if a.status != 200 {
		t.Fatalf("get: %d %s", a.status, a.body)
	}
	var got bench.Result
	a.decode(t, &got)
	if s := got.Scores["g-eval"]; !s.Unscored || s.Raw != "I would say eight" {
		t.Errorf("unscored verdict served as %+v", s)
	}
	if s := got.Scores["llm-rubric"]; s.Judge == nil || s.Judge.Prompt != "llm-rubric/v1" {
		t.Errorf("judged verdict served as %+v", s)
	}
}
