package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// hostile is a response that must never execute or break a report.
const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)> see https://example.com`

// fixtureRun is the deterministic run behind the golden files.
func fixtureRun() bench.Run {
	return bench.Run{
		ID: "run-0001", Name: "capitals", Description: "Capital cities, two providers",
		Status:    bench.RunCompleted,
		CreatedAt: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC),
		UpdatedAt: time.Date(2026, 11, 28, 10, 5, 0, 0, time.UTC),
		Tags:      map[string]string{"team": "eval"},
	}
}

// fixtureResults covers passes, assertion failures, every error shape,
// cached and streamed calls, and user data that attacks each format.
func fixtureResults() []bench.Result {
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	var out []bench.Result
	add := func(r bench.Result) {
		r.ID = fmt.Sprintf("res-%03d", len(out)+1)
		r.RunID = "run-0001"
		r.CreatedAt = t0.Add(time.Duration(len(out)) * time.Second)
		if r.Status == "" {
			r.Status = bench.StatusSuccess
		}
		if r.Cost.Currency == "" {
			r.Cost.Currency = "USD"
		}
		out = append(out, r)
	}
	pass := map[string]bench.Score{"icontains": {Score: 1, Pass: true, Reason: `contains "paris"`}}
	for i, p := range []string{"openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"} {
		lat := 400.0 + float64(i)*150
		add(bench.Result{CaseID: "fr", PromptID: "terse", Provider: p, Model: model(p),
			Prompt: "Answer in one word: capital of France?", Response: "Paris", FinishReason: "stop",
			LatencyMs: lat, TTFTMs: lat / 2, Tokens: bench.Usage{Prompt: 21, Completion: 2, Total: 23},
			Cost:   bench.Cost{Input: 0.00000315, Output: 0.0000012, Total: 0.00000435},
			Scores: pass, Score: 1, Passed: true, Tags: []string{"easy"}, Metadata: map[string]any{}})
		add(bench.Result{CaseID: "de", PromptID: "terse", Provider: p, Model: "m", Repetition: 1,
			Prompt: "Answer in one word: capital of Germany?", Response: "=HYPERLINK(\"x\")\nBonn", FinishReason: "stop",
			LatencyMs: lat * 2, Tokens: bench.Usage{Prompt: 20, Completion: 3, Total: 23},
			Cost:   bench.Cost{Input: 0.00001, Output: 0.00002, Total: 0.00003},
			Scores: map[string]bench.Score{"icontains": {Score: 0, Pass: false, Reason: `missing "berlin"`}, "latency": {Score: 1, Pass: true}},
			Tags:   []string{"easy", "europe"}})
	}
	add(bench.Result{CaseID: "x<y>&\"z\"", PromptID: "chat", Provider: "openai:gpt-4o-mini", Model: "gpt-4o-mini",
		Prompt: "hostile", Response: hostile + "\x00\x1b[31m", LatencyMs: 90, Cached: true,
		Scores: map[string]bench.Score{"not-contains": {Score: 0, Pass: false, Reason: "found <script> | pipe"}},
		Tags:   []string{"@risk"}})
	add(bench.Result{CaseID: "fr", PromptID: "terse", Provider: "anthropic:claude-haiku-4-5", Repetition: 1,
		Status: bench.StatusError, LatencyMs: 1200,
		Error: &bench.ErrorInfo{Kind: "rate_limited", Message: "429 Too Many Requests", Status: 429}})
	add(bench.Result{CaseID: "it", PromptID: "terse", Provider: "anthropic:claude-haiku-4-5",
		Status: bench.StatusTimeout, LatencyMs: 30000})
	add(bench.Result{CaseID: "it", PromptID: "terse", Provider: "openai:gpt-4o-mini",
		Status: bench.StatusSkipped})
	return out
}

// model is the part of a provider id after the vendor.
func model(provider string) string {
	_, m, _ := strings.Cut(provider, ":")
	return m
}

// judgedRun is the run behind the judged golden files.
func judgedRun() bench.Run {
	r := fixtureRun()
	r.ID, r.Name, r.Description = "run-0002", "judged", "Model-graded capitals"
	return r
}

// judged is the judge info of a verdict with its calls and cost.
func judged(calls, cached, tokens int, cost float64) *bench.JudgeInfo {
	return &bench.JudgeInfo{Provider: "openai:gpt-4o", Model: "gpt-4o-2024-08-06", Prompt: "llm-rubric/v1",
		Calls: calls, Cached: cached, Tokens: bench.Usage{Total: tokens}, CostUSD: cost}
}

// consistent marks a side-by-side verdict's judge info with whether the
// judge agreed with itself in both orders.
func consistent(j *bench.JudgeInfo, same bool) *bench.JudgeInfo {
	j.Prompt = "pairwise/v1"
	j.PositionConsistent = &same
	return j
}

// judgedResults covers model-graded verdicts: scored, unscored (gating,
// the only verdict of its case, and on a passing result), side-by-side
// verdicts with and without position consistency, a judge without a price,
// a model without a price, and judge metadata as the runner keeps it in
// memory (ints), as the store gives it back (float64) and as a decoder
// with UseNumber does (json.Number).
func judgedResults() []bench.Result {
	t0 := time.Date(2026, 11, 28, 11, 0, 0, 0, time.UTC)
	var out []bench.Result
	add := func(r bench.Result) {
		r.ID = fmt.Sprintf("jud-%03d", len(out)+1)
		r.RunID = "run-0002"
		r.PromptID = "terse"
		r.Model = model(r.Provider)
		r.Status = bench.StatusSuccess
		r.FinishReason = "stop"
		r.LatencyMs, r.TTFTMs = 300+float64(len(out))*10, 100
		r.Tokens = bench.Usage{Prompt: 20, Completion: 2, Total: 22}
		r.Cost.Currency = "USD"
		r.CreatedAt = t0.Add(time.Duration(len(out)) * time.Second)
		out = append(out, r)
	}
	contains := bench.Score{Score: 1, Pass: true, Reason: "contains the city"}
	const oa, an = "openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"
	add(bench.Result{CaseID: "fr", Provider: oa, Response: "Paris",
		Cost:   bench.Cost{Input: 0.000008, Output: 0.000002, Total: 0.00021},
		Scores: map[string]bench.Score{"icontains": contains, "llm-rubric": {Score: 0.9, Pass: true, Reason: "names the capital", Judge: judged(1, 0, 350, 0.0002)}},
		Score:  0.95, Passed: true,
		Metadata: map[string]any{"judge_calls": 1, "judge_cached": 0, "judge_tokens": 350, "judge_cost_usd": 0.0002}})
	add(bench.Result{CaseID: "de", Provider: oa, Response: "Berlin, I believe",
		Cost: bench.Cost{Input: 0.000008, Output: 0.000002, Total: 0.00001},
		Scores: map[string]bench.Score{"icontains": contains,
			"llm-rubric": bench.Unscored("judge reply has no verdict", "The answer seems fine overall, though hedged.")},
		Score: 1, Passed: false,
		Metadata: map[string]any{"judge_calls": 1, "judge_cached": 1, "judge_tokens": 300, "judge_cost_usd": 0.0}})
	relevance := bench.Unscored("no statements to check", "")
	add(bench.Result{CaseID: "it", Provider: oa, Response: "Rome",
		Cost:   bench.Cost{Input: 0.000008, Output: 0.000002, Total: 0.00001},
		Scores: map[string]bench.Score{"icontains": contains, "answer-relevance": relevance},
		Score:  1, Passed: true})
	add(bench.Result{CaseID: "fr", Provider: an, Response: "Paris",
		Cost: bench.Cost{Input: 0.00002, Output: 0.00001, Total: 0.00043},
		Scores: map[string]bench.Score{"icontains": contains,
			"pairwise": {Score: 1, Pass: true, Reason: "preferred in both orders", Judge: consistent(judged(2, 0, 800, 0.0004), true)}},
		Score: 1, Passed: true,
		Metadata: map[string]any{"judge_calls": 2.0, "judge_cached": 0.0, "judge_tokens": 800.0, "judge_cost_usd": 0.0004}})
	failed := judged(1, 0, 0, 0)
	add(bench.Result{CaseID: "de", Provider: an, Response: "Berlin",
		Cost:   bench.Cost{Input: 0.00002, Output: 0.00001, Total: 0.00003},
		Scores: map[string]bench.Score{"llm-rubric": {Unscored: true, Reason: "judge call failed: overloaded", Judge: failed}},
		Score:  0, Passed: false,
		Metadata: map[string]any{"judge_calls": json.Number("1"), "judge_cached": json.Number("0"), "judge_tokens": json.Number("0"), "judge_cost_usd": json.Number("0")}})
	unpriced := consistent(judged(2, 0, 700, 0.0001), false)
	unpriced.CostUnknown = true
	add(bench.Result{CaseID: "it", Provider: an, Response: "Milan",
		Cost: bench.Cost{Total: 0.0001, Unknown: true},
		Scores: map[string]bench.Score{"icontains": {Score: 0, Pass: false, Reason: "missing the city"},
			"pairwise": {Score: 0, Pass: false, Reason: "lost to the other answer", Judge: unpriced}},
		Score: 0, Passed: false,
		Metadata: map[string]any{"judge_calls": 2.0, "judge_cached": 0.0, "judge_tokens": 700.0, "judge_cost_usd": 0.0001}})
	return out
}
