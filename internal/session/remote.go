package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Manifest is what a worker process needs to execute a distributed run's
// jobs: the run's targets as the coordinator resolved them, without any
// credential. Each worker adds the API keys and config headers of its own
// configuration.
type Manifest struct {
	RunID   string        `json:"run_id"`
	Targets []TargetSpec  `json:"targets"`
	Timeout time.Duration `json:"timeout"`
	Stream  bool          `json:"stream"`
	NoCache bool          `json:"no_cache"`
	// Resumed is set for a run that continues an earlier one, whose jobs
	// may already have results waiting.
	Resumed bool `json:"resumed,omitempty"`
	// Attempt tells a retry of a run's errors from the run and its resumes
	// (""), whose jobs it must not meet.
	Attempt string `json:"attempt,omitempty"`
}

// TargetSpec is one target of a Manifest.
type TargetSpec struct {
	// ID labels results; ProviderID is the "vendor:model" it was asked as;
	// Name is its section in the config ([providers.NAME]).
	ID         string `json:"id"`
	ProviderID string `json:"provider_id"`
	Name       string `json:"name"`
	Vendor     string `json:"vendor"`
	// Client is the vendor whose wire the client speaks ("openai" for the
	// simulator).
	Client  string `json:"client"`
	Model   string `json:"model"`
	BaseURL string `json:"base_url,omitempty"`
	// Headers are the suite's own; the worker adds its config's.
	Headers   map[string]string `json:"headers,omitempty"`
	APIKeyEnv string            `json:"api_key_env,omitempty"`
	// Simulated targets speak to the coordinator's simulator, which takes
	// any key; Options are then the coordinator's.
	Simulated         bool              `json:"simulated,omitempty"`
	Options           map[string]any    `json:"options,omitempty"`
	Sampling          provider.Sampling `json:"sampling"`
	Extra             map[string]any    `json:"extra,omitempty"`
	RequestsPerMinute float64           `json:"rpm,omitempty"`
	TokensPerMinute   float64           `json:"tpm,omitempty"`
	NoCache           bool              `json:"no_cache,omitempty"`
}

// Distributor sends a run's jobs to worker processes.
type Distributor interface {
	// Begin opens the run to workers.
	Begin(ctx context.Context, m Manifest) (Dispatch, error)
}

// Dispatch executes one run's jobs on workers until End.
type Dispatch interface {
	runner.Remote
	// InFlight is how many jobs of each target may wait for workers at once.
	InFlight() int
	// End closes the run to workers and stops whatever they still run of it.
	End(ctx context.Context) error
}

// Distribute makes runs of the plan execute their jobs on workers through
// d; the coordinator keeps planning, the store, progress and the summary.
func (p *Plan) Distribute(d Distributor) { p.dist = d }

func remoteSpec(t *target, name string, sp providerSpec, pcfg provider.Config) TargetSpec {
	simulated := t.noCache
	spec := TargetSpec{
		ID: t.ID, ProviderID: sp.ID, Name: name, Vendor: t.Vendor, Client: pcfg.Vendor, Model: pcfg.Model, BaseURL: pcfg.BaseURL,
		Headers: sp.Headers, APIKeyEnv: sp.APIKeyEnv, Simulated: simulated,
		Sampling: t.Sampling, Extra: t.Extra, RequestsPerMinute: t.RequestsPerMinute, TokensPerMinute: t.TokensPerMinute,
		NoCache: t.noCache,
	}
	if simulated {
		spec.Options = pcfg.Options
	}
	return spec
}

// manifest is the run's Manifest for its workers.
func (r *Run) manifest() Manifest {
	p := r.plan
	m := Manifest{RunID: r.run.ID, Timeout: p.timeout, Stream: p.opts.Stream, NoCache: p.opts.NoCache}
	switch {
	case p.prev != nil && slices.Contains(p.skip, bench.StatusError):
		m.Resumed = true
	case p.prev != nil: // --retry-errors
		m.Attempt = uuid.NewString()[:8]
	}
	for _, t := range p.targets.targets {
		m.Targets = append(m.Targets, t.remote)
	}
	return m
}

// distribute hands the runner's calls to the plan's distributor, if any.
func (r *Run) distribute(ctx context.Context, rn *runner.Runner) (Dispatch, error) {
	if r.plan.dist == nil {
		return nil, nil
	}
	d, err := r.plan.dist.Begin(ctx, r.manifest())
	if err != nil {
		return nil, fmt.Errorf("distribute run: %w", err)
	}
	rn.Remote = d
	rn.Concurrency = d.InFlight()
	for _, t := range rn.Targets {
		t.Concurrency = 0
	}
	return d, nil
}

// WorkerRunner builds the runner a worker process executes a distributed
// run's jobs with: the manifest's targets, with this service's keys,
// headers, retries, limits, cache and prices behind the same call policy a
// local run uses, and judges built the same way. Call Execute on it; it is
// prepared; call stop once the run is over (it stops the simulators its
// judges started). The budget is the coordinator's: it counts each
// result's cost.
func (s *Service) WorkerRunner(ctx context.Context, m Manifest, concurrency int) (rn *runner.Runner, stop func() error, err error) {
	// Jobs of a suite with a transform run it here, with this worker's plugins.
	if err := s.LoadPlugins(ctx); err != nil {
		return nil, nil, err
	}
	var c policy.Cache
	if !m.NoCache {
		var err error
		if c, err = s.responseCache(ctx); err != nil {
			return nil, nil, err
		}
	}
	sc := policyScope{runID: m.RunID, timeout: m.Timeout}
	var targets []*target
	var problems []error
	for _, spec := range m.Targets {
		t, err := s.workerTarget(spec)
		if err == nil {
			t.Policy, err = s.wrapPolicy(t, c, sc)
		}
		if err != nil {
			problems = append(problems, err)
			continue
		}
		targets = append(targets, t)
	}
	if err := errors.Join(problems...); err != nil {
		return nil, nil, err
	}
	rts := make([]*runner.Target, len(targets))
	for i, t := range targets {
		rts[i] = t.Target
	}
	judges := &workerJudges{s: s, m: m, sc: sc, targets: targets}
	rn = &runner.Runner{
		Targets: rts, Concurrency: max(concurrency, 1), Stream: m.Stream, Logger: s.log,
		Judges: judges, ParallelEvaluations: s.cfg.Evaluation.ParallelEvaluations, Transformer: pluginTransformer{},
	}
	if err := rn.Prepare(m.RunID); err != nil {
		return nil, nil, err
	}
	return rn, judges.close, nil
}

// workerTarget builds one manifest target with this service's credentials.
func (s *Service) workerTarget(spec TargetSpec) (*target, error) {
	if spec.Client == "exec" {
		return nil, fmt.Errorf("provider %q: workers do not run local commands (exec providers); run it without --distributed", spec.ID)
	}
	pc := s.cfg.Provider(spec.Name)
	pcfg := provider.Config{ID: spec.ProviderID, Vendor: spec.Client, Model: spec.Model, BaseURL: spec.BaseURL, Timeout: pc.Timeout}
	if spec.Simulated {
		pcfg.APIKey, pcfg.Options, pcfg.Headers = simulatedKey, spec.Options, spec.Headers
	} else {
		pcfg.Options, pcfg.Headers = pc.Options, mergeHeaders(pc.Headers, spec.Headers)
		sp := providerSpec{ProviderSpec: dataset.ProviderSpec{ID: spec.ProviderID, APIKeyEnv: spec.APIKeyEnv}}
		if err := s.resolveKey(&pcfg, spec.Name, sp); err != nil {
			return nil, err
		}
	}
	prov, err := provider.New(pcfg)
	if err != nil {
		return nil, err
	}
	return &target{
		cfg: pc, headers: pcfg.Headers, noCache: spec.NoCache,
		credential: policy.Credential(pcfg.APIKey, pcfg.Headers),
		Target: &runner.Target{
			ID: spec.ID, Vendor: spec.Vendor, Model: spec.Model, BaseURL: spec.BaseURL, Provider: prov,
			RequestsPerMinute: spec.RequestsPerMinute, TokensPerMinute: spec.TokensPerMinute,
			Sampling: spec.Sampling, Extra: spec.Extra,
		},
	}, nil
}
