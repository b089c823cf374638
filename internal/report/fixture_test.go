package report

import (
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
