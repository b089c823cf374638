package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
)

// judgeSource gives the run's evaluators their judge and embedding
// providers.
type judgeSource struct{ r *Run }

// Judge is the named text judge; "" means [evaluation] judge_provider.
func (j judgeSource) Judge(ctx context.Context, name string) (*policy.Provider, error) {
	if name == "" {
		name = j.r.svc.cfg.Evaluation.JudgeProvider
	}
	if name == "" {
		return nil, errors.New("no judge provider: set the assertion's provider, the suite's defaults.provider or [evaluation] judge_provider")
	}
	return j.r.judge(ctx, name)
}

// Embedder is the named embedding provider; "" means [evaluation]
// embedding_provider.
func (j judgeSource) Embedder(ctx context.Context, name string) (*policy.Provider, error) {
	if name == "" {
		name = j.r.svc.cfg.Evaluation.EmbeddingProvider
	}
	if name == "" {
		return nil, errors.New("no embedding provider: set the assertion's provider, the suite's defaults.embedding_provider or [evaluation] embedding_provider")
	}
	return j.r.judge(ctx, name)
}

// judge finds a provider for evaluators: a target of the run by id, else
// one built on first use from a vendor:model id, behind its own call
// policy. Its answers are cached as judge or embedding answers when
// [evaluation] enable_caching is on (and --no-cache is not given); a
// simulator judge's scripted answers too, under the simulator's settings
// rather than its port, which changes every run.
func (r *Run) judge(ctx context.Context, name string) (*policy.Provider, error) {
	for _, t := range r.plan.targets.targets {
		if t.ID == name {
			return t.Policy, nil
		}
	}
	r.judgeMu.Lock()
	defer r.judgeMu.Unlock()
	if p, ok := r.judges[name]; ok {
		return p, nil
	}
	// No plan: a simulator judge answers by its script, never with the
	// cases' expected answers (which would read every case up front).
	ts := r.plan.targets
	t, err := r.svc.buildTarget(ctx, ts, providerSpec{ProviderSpec: dataset.ProviderSpec{ID: name}}, nil, &r.plan.opts, true)
	if err != nil {
		return nil, fmt.Errorf("judge %s: %w", name, err)
	}
	var c policy.Cache
	if r.svc.cfg.Evaluation.EnableCaching && !r.plan.opts.NoCache {
		if c, err = r.svc.judgeCache(ctx); err != nil {
			return nil, err
		}
	}
	if t.noCache && t.Vendor == SimulatorVendor {
		t.noCache, t.BaseURL = false, SimulatorVendor
	}
	p, err := r.policyFor(t, c)
	if err != nil {
		return nil, err
	}
	if r.judges == nil {
		r.judges = map[string]*policy.Provider{}
	}
	r.judges[name] = p
	return p, nil
}
