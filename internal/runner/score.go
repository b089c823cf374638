package runner

import (
	"context"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// request builds the provider request for one job: the target's sampling
// overlaid with the case's config.
func (r *Runner) request(t *Target, j job) provider.Request {
	req := provider.Request{
		Model: t.Model, Messages: j.messages, Sampling: t.Sampling,
		Stream: r.Stream, Extra: t.Extra,
	}
	if len(j.c.Config) > 0 {
		// Case configs were validated at load time; a bad one here is ignored
		// rather than failing the call.
		if s, extra, err := provider.ParseSampling(j.c.Config); err == nil {
			req.Sampling = provider.MergeSampling(req.Sampling, s)
			req.Extra = provider.MergeExtra(req.Extra, extra)
		}
	}
	return req
}

func evaluate(ctx context.Context, j job, res *bench.Result, logprobs []float64) eval.Outcome {
	in := &eval.Input{
		Case: j.c, Prompt: res.Prompt, Output: res.Response, FinishReason: res.FinishReason,
		LatencyMs: res.LatencyMs, TTFTMs: res.TTFTMs, Usage: res.Tokens, Cost: res.Cost,
		Logprobs: logprobs,
	}
	return eval.Check(ctx, j.c.Assert, j.c.Threshold, in)
}

// accumulator totals a run's results as they finish.
type accumulator struct {
	mu sync.Mutex
	s  Summary
}

func (a *accumulator) add(r *bench.Result) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.s.Results++
	if r.Status == bench.StatusSuccess {
		a.s.Succeeded++
	} else {
		a.s.Errored++
	}
	if r.Passed {
		a.s.Passed++
	} else {
		a.s.Failed++
	}
	a.s.CostUSD += r.Cost.Total
}

func (a *accumulator) cost() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.s.CostUSD
}

func (a *accumulator) summary() Summary {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.s
}
