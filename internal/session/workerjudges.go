package session

import (
	"context"

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

	judges judgeSet
	// ts holds what built judges started (a simulator judge's server).
	ts targetSet
}

func (j *workerJudges) Judge(ctx context.Context, name string) (*policy.Provider, error) {
	name, err := j.s.judgeName(name, false)
	if err != nil {
		return nil, err
	}
	return j.provider(ctx, name)
}

func (j *workerJudges) Embedder(ctx context.Context, name string) (*policy.Provider, error) {
	name, err := j.s.judgeName(name, true)
	if err != nil {
		return nil, err
	}
	return j.provider(ctx, name)
}

func (j *workerJudges) provider(ctx context.Context, name string) (*policy.Provider, error) {
	return j.judges.get(name, j.targets, func() (*policy.Provider, error) {
		wrap := func(t *target, c policy.Cache) (*policy.Provider, error) { return j.s.wrapPolicy(t, c, j.sc) }
		return j.s.buildJudge(ctx, &j.ts, name, &Options{NoCache: j.m.NoCache}, wrap)
	})
}

// close stops what the judges started.
func (j *workerJudges) close() error {
	j.judges.mu.Lock()
	defer j.judges.mu.Unlock()
	return j.ts.Close()
}
