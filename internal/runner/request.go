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
		Tools: j.Case.Tools, ToolChoice: j.Case.ToolChoice,
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

// JudgeSource finds the models evaluators call by name (a target id or
// vendor:model; "" is the configured default), behind the run's call policy.
type JudgeSource interface {
	Judge(ctx context.Context, name string) (*policy.Provider, error)
	Embedder(ctx context.Context, name string) (*policy.Provider, error)
}

// NewMeter returns judges for one case's evaluators, metered.
func NewMeter(src JudgeSource, caseID string) *Meter { return &Meter{src: src, caseID: caseID} }

// Meter is eval.Judges for the evaluators of one answer: it hands out the
// source's providers and adds up what their calls cost.
type Meter struct {
	src    JudgeSource
	caseID string
	mu     sync.Mutex
	cost   float64
	tokens int
	calls  int
	cached int
}

// Usage is what the metered calls used; zero for a nil meter.
func (m *Meter) Usage() JudgeUsage {
	if m == nil {
		return JudgeUsage{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return JudgeUsage{calls: m.calls, cached: m.cached, tokens: m.tokens, cost: m.cost}
}

func (m *Meter) add(u bench.Usage, c bench.Cost, cached bool) {
	m.mu.Lock()
	m.cost += c.Total
	m.tokens += u.Total
	m.calls++
	if cached {
		m.cached++
	}
	m.mu.Unlock()
}

// Judge returns the named judge; its calls go through the call policy
// (limits, cache, retries, budget) and are counted here.
func (m *Meter) Judge(ctx context.Context, name string) (eval.Judge, error) {
	p, err := m.src.Judge(ctx, name)
	if err != nil {
		return nil, err
	}
	return meteredJudge{p: p, m: m}, nil
}

// Embedder returns the named embedding provider, metered like a judge.
func (m *Meter) Embedder(ctx context.Context, name string) (eval.Embedder, error) {
	p, err := m.src.Embedder(ctx, name)
	if err != nil {
		return nil, err
	}
	return meteredEmbedder{p: p, m: m}, nil
}

type meteredJudge struct {
	p *policy.Provider
	m *Meter
}

func (j meteredJudge) ID() string { return j.p.ID() }

func (j meteredJudge) Complete(ctx context.Context, req provider.Request) (eval.JudgeReply, error) {
	out := j.p.Do(ctx, &req, policy.Call{CaseID: j.m.caseID, Kind: cache.KindJudge})
	j.m.add(out.Response.Usage, out.Cost, out.Cached)
	return eval.JudgeReply{Response: out.Response, Cached: out.Cached, Cost: out.Cost}, out.Err
}

type meteredEmbedder struct {
	p *policy.Provider
	m *Meter
}

func (e meteredEmbedder) ID() string { return e.p.ID() }

func (e meteredEmbedder) Embed(ctx context.Context, inputs []string) (eval.EmbedReply, error) {
	out := e.p.Embed(ctx, "", inputs, policy.Call{CaseID: e.m.caseID, Kind: cache.KindEmbedding})
	e.m.add(out.Embeddings.Usage, out.Cost, out.Cached)
	return eval.EmbedReply{Embeddings: out.Embeddings, Cached: out.Cached, Cost: out.Cost}, out.Err
}
