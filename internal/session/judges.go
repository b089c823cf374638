package session

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
)

// judgeSource gives the run's evaluators their judge and embedding
// providers.
type judgeSource struct{ r *Run }

// Judge is the named text judge; "" means [evaluation] judge_provider.
func (j judgeSource) Judge(ctx context.Context, name string) (*policy.Provider, error) {
	name, err := j.r.svc.judgeName(name, false)
	if err != nil {
		return nil, err
	}
	return j.r.judge(ctx, name)
}

// Embedder is the named embedding provider; "" means [evaluation]
// embedding_provider.
func (j judgeSource) Embedder(ctx context.Context, name string) (*policy.Provider, error) {
	name, err := j.r.svc.judgeName(name, true)
	if err != nil {
		return nil, err
	}
	return j.r.judge(ctx, name)
}

// judge finds a provider for the run's evaluators (see judgeSet).
func (r *Run) judge(ctx context.Context, name string) (*policy.Provider, error) {
	return r.judges.get(name, r.plan.targets.targets, func() (*policy.Provider, error) {
		return r.svc.buildJudge(ctx, r.plan.targets, name, &r.plan.opts, r.policyFor)
	})
}

// judgeName is the judge (or, with embedding, the embedding provider) an
// evaluator asks for: name, else the configured default.
func (s *Service) judgeName(name string, embedding bool) (string, error) {
	switch {
	case name != "":
		return name, nil
	case !embedding && s.cfg.Evaluation.JudgeProvider != "":
		return s.cfg.Evaluation.JudgeProvider, nil
	case embedding && s.cfg.Evaluation.EmbeddingProvider != "":
		return s.cfg.Evaluation.EmbeddingProvider, nil
	case embedding:
		return "", errors.New("no embedding provider: set the assertion's provider, the suite's defaults.embedding_provider or [evaluation] embedding_provider")
	}
	return "", errors.New("no judge provider: set the assertion's provider, the suite's defaults.provider or [evaluation] judge_provider")
}

// judgeSet keeps the judges a run (or a worker) built, so each is built
// once, behind its own call policy.
type judgeSet struct {
	mu    sync.Mutex
	built map[string]*policy.Provider
}

// get is the provider for name: a target of the run by id, else the judge
// built on first use by build.
func (js *judgeSet) get(name string, targets []*target, build func() (*policy.Provider, error)) (*policy.Provider, error) {
	for _, t := range targets {
		if t.ID == name {
			return t.Policy, nil
		}
	}
	js.mu.Lock()
	defer js.mu.Unlock()
	if p, ok := js.built[name]; ok {
		return p, nil
	}
	p, err := build()
	if err != nil {
		return nil, err
	}
	if js.built == nil {
		js.built = map[string]*policy.Provider{}
	}
	js.built[name] = p
	return p, nil
}

// buildJudge builds a judge from a vendor:model id, kept in ts, behind the
// call policy wrap gives it. Its answers are cached as judge or embedding
// answers when [evaluation] enable_caching is on (and --no-cache is not
// given); a simulator judge's scripted answers too, under the simulator's
// settings rather than its port, which changes every run. It is built
// without the plan: a simulator judge answers by its script, never with
// the cases' expected answers (which would read every case up front).
func (s *Service) buildJudge(ctx context.Context, ts *targetSet, name string, opts *Options,
	wrap func(*target, policy.Cache) (*policy.Provider, error)) (*policy.Provider, error) {
	t, err := s.buildTarget(ctx, ts, providerSpec{ProviderSpec: dataset.ProviderSpec{ID: name}}, nil, opts, true)
	if err != nil {
		return nil, fmt.Errorf("judge %s: %w", name, err)
	}
	var c policy.Cache
	if s.cfg.Evaluation.EnableCaching && !opts.NoCache {
		if c, err = s.judgeCache(ctx); err != nil {
			return nil, err
		}
	}
	if t.noCache && t.Vendor == SimulatorVendor {
		t.noCache, t.BaseURL = false, SimulatorVendor
	}
	return wrap(t, c)
}
