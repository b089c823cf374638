package runner

import (
	"context"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// request builds the provider request for one job: the target's sampling
// overlaid with the case's config.
func (r *Runner) request(t *Target, j *Job) provider.Request {
	req := provider.Request{
		Model: t.Model, Messages: j.Messages, Sampling: t.Sampling,
		Stream: r.Stream, Extra: t.Extra,
	}
	if len(j.Case.Config) > 0 {
		// Case configs are validated when the suite is loaded; a bad one
		// here is ignored rather than failing the call.
		if s, extra, err := provider.ParseSampling(j.Case.Config); err == nil {
			req.Sampling = provider.MergeSampling(req.Sampling, s)
			req.Extra = provider.MergeExtra(req.Extra, extra)
		}
	}
	return req
}

// JudgeSource finds a judge provider by name (a target id or vendor:model),
// behind the run's call policy.
type JudgeSource func(ctx context.Context, name string) (*policy.Provider, error)

// evaluate scores a successful result. Judge calls the evaluators make are
// metered: their cost and tokens come back so the result can carry them.
func (r *Runner) evaluate(ctx context.Context, j *Job, res *bench.Result, logprobs []float64) (eval.Outcome, *meter) {
	in := &eval.Input{
		Case: j.Case, Prompt: res.Prompt, Output: res.Response, FinishReason: res.FinishReason,
		LatencyMs: res.LatencyMs, TTFTMs: res.TTFTMs, Usage: res.Tokens, Cost: res.Cost,
		Logprobs: logprobs,
	}
	var m *meter
	if r.Judges != nil && len(j.Case.Assert) > 0 {
		m = &meter{src: r.Judges, caseID: j.Key.CaseID}
		in.Judges = m
	}
	return eval.Check(ctx, j.Case.Assert, j.Case.Threshold, in), m
}

// meter hands judges to one result's evaluators and adds up what their
// calls cost.
type meter struct {
	src    JudgeSource
	caseID string
	mu     sync.Mutex
	cost   float64
	tokens int
	calls  int
}

// Judge returns the named provider; its calls go through the call policy
// (limits, cache, retries, budget) and are counted here.
func (m *meter) Judge(ctx context.Context, name string) (provider.Provider, error) {
	p, err := m.src(ctx, name)
	if err != nil {
		return nil, err
	}
	return meteredJudge{p: p, m: m}, nil
}

type meteredJudge struct {
	p *policy.Provider
	m *meter
}

func (j meteredJudge) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	out := j.p.Do(ctx, &req, policy.Call{CaseID: j.m.caseID, Emit: emit, Kind: cache.KindJudge})
	j.m.mu.Lock()
	j.m.cost += out.Cost.Total
	j.m.tokens += out.Response.Usage.Total
	j.m.calls++
	j.m.mu.Unlock()
	return out.Response, out.Err
}

func (j meteredJudge) Unwrap() provider.Provider { return j.p }
