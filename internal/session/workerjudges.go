package session

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
)

// workerJudges gives a worker's evaluators their judge and embedding
// providers as judgeSource does for a local run: a target of the run by
// id, else one built on first use with this service's configuration.
type workerJudges struct {
	s       *Service
	m       Manifest
	sc      policyScope
	targets []*target

	mu    sync.Mutex
	built map[string]*policy.Provider
	// ts holds what built judges started (a simulator judge's server).
	ts targetSet
}

func (j *workerJudges) Judge(ctx context.Context, name string) (*policy.Provider, error) {
	if name == "" {
		name = j.s.cfg.Evaluation.JudgeProvider
	}
	if name == "" {
		return nil, errors.New("no judge provider: set the assertion's provider, the suite's defaults.provider or [evaluation] judge_provider")
	}
	return j.provider(ctx, name)
}

func (j *workerJudges) Embedder(ctx context.Context, name string) (*policy.Provider, error) {
	if name == "" {
		name = j.s.cfg.Evaluation.EmbeddingProvider
	}
	if name == "" {
		return nil, errors.New("no embedding provider: set the assertion's provider, the suite's defaults.embedding_provider or [evaluation] embedding_provider")
	}
	return j.provider(ctx, name)
}

func (j *workerJudges) provider(ctx context.Context, name string) (*policy.Provider, error) {
	for _, t := range j.targets {
		if t.ID == name {
			return t.Policy, nil
		}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if p, ok := j.built[name]; ok {
		return p, nil
	}
	t, err := j.s.buildTarget(ctx, &j.ts, providerSpec{ProviderSpec: dataset.ProviderSpec{ID: name}}, nil, &Options{NoCache: j.m.NoCache}, true)
	if err != nil {
		return nil, fmt.Errorf("judge %s: %w", name, err)
	}
	var c policy.Cache
	if j.s.cfg.Evaluation.EnableCaching && !j.m.NoCache {
		if c, err = j.s.judgeCache(ctx); err != nil {
			return nil, err
		}
	}
	if t.noCache && t.Vendor == SimulatorVendor {
		t.noCache, t.BaseURL = false, SimulatorVendor
	}
	p, err := j.s.wrapPolicy(t, c, j.sc)
	if err != nil {
		return nil, err
	}
	if j.built == nil {
		j.built = map[string]*policy.Provider{}
	}
	j.built[name] = p
	return p, nil
}

// close stops what the judges started.
func (j *workerJudges) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.ts.Close()
}
