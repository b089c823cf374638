package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// SimulatorVendor is the built-in offline provider: an in-process simulator
// spoken to over loopback HTTP with the OpenAI client, so the whole network
// path is exercised.
const SimulatorVendor = "simulator"

// target is one provider of a run before the run starts: the runner's
// target plus what the call policy will need.
type target struct {
	*runner.Target
	cfg config.ProviderConfig
	// headers are the config's and the suite's, merged (cache scope).
	headers map[string]string
	// noCache is set for answers that must not be cached (the simulator's).
	noCache bool
	// remote is what a worker process needs to build this target itself.
	remote TargetSpec
	// credential is a SHA-256 of the key and headers the calls carry, for
	// the identity of a limit shared in Redis (never the key itself).
	credential [32]byte
}

// targetSet is the providers of a run and what they need torn down.
type targetSet struct {
	targets []*target
	closers []func() error
	// simRoot is the root URL of the simulator --simulate started, "" before.
	simRoot string
}

// Close stops whatever the targets started (simulators).
func (ts *targetSet) Close() error {
	var errs []error
	for _, c := range ts.closers {
		errs = append(errs, c())
	}
	ts.closers = nil
	return errors.Join(errs...)
}

func (ts *targetSet) runnerTargets() []*runner.Target {
	out := make([]*runner.Target, len(ts.targets))
	for i, t := range ts.targets {
		out[i] = t.Target
	}
	return out
}

// providerSpec is one requested provider and where the request came from.
type providerSpec struct {
	dataset.ProviderSpec
	// suite is the file that listed it, "" when the operator named it.
	suite string
}

// providerSpecs picks the providers: the operator's, else the suites' own.
func providerSpecs(ids []string, p *Plan) ([]providerSpec, error) {
	if len(ids) > 0 {
		specs := make([]providerSpec, 0, len(ids))
		for _, id := range ids {
			if id = strings.TrimSpace(id); id != "" {
				specs = append(specs, providerSpec{ProviderSpec: dataset.ProviderSpec{ID: id}})
			}
		}
		return specs, nil
	}
	seen := map[string]bool{}
	var specs []providerSpec
	for _, s := range p.suites {
		for _, sp := range s.Providers {
			if !seen[sp.ID+sp.Label] {
				seen[sp.ID+sp.Label] = true
				specs = append(specs, providerSpec{ProviderSpec: sp, suite: s.Path})
			}
		}
	}
	if len(specs) == 0 {
		return nil, configErr("no providers: pass --providers vendor:model (e.g. simulator:fast for the built-in simulator) or list them under `providers:` in the suite")
	}
	return specs, nil
}

// buildTargets turns provider specs into targets, resolving keys, limits
// and sampling from config. Every problem is reported at once.
func (s *Service) buildTargets(ctx context.Context, specs []providerSpec, p *Plan, o *Options, needKeys bool) (*targetSet, error) {
	ts := &targetSet{}
	var problems []string
	seen := map[string]bool{}
	for _, sp := range specs {
		t, err := s.buildTarget(ctx, ts, sp, p, o, needKeys)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if seen[t.ID] {
			problems = append(problems, fmt.Sprintf("provider %q is listed twice; give one a label", t.ID))
			continue
		}
		seen[t.ID] = true
		ts.targets = append(ts.targets, t)
	}
	problems = append(problems, inputProblems(p, ts.targets)...)
	problems = append(problems, toolProblems(p, ts.targets)...)
	if len(problems) > 0 {
		_ = ts.Close()
		return nil, configErr("%s", strings.Join(problems, "\n"))
	}
	return ts, nil
}

func (s *Service) buildTarget(ctx context.Context, ts *targetSet, sp providerSpec, p *Plan, o *Options, needKeys bool) (*target, error) {
	name, model, _ := strings.Cut(sp.ID, ":")
	pc := s.cfg.Provider(name)
	vendor := pc.Type
	if model == "" {
		model = pc.DefaultModel
	}
	if vendor != SimulatorVendor {
		if _, ok := provider.Lookup(vendor); !ok {
			return nil, fmt.Errorf("provider %q: unknown vendor %q (known: %s)", sp.ID, vendor, strings.Join(append(provider.Vendors(), SimulatorVendor), ", "))
		}
	}
	if vendor == "exec" && sp.suite != "" && !o.AllowExec {
		return nil, fmt.Errorf("provider %q: the suite %s asks to run a local command; running commands is the operator's choice: pass --allow-exec, or name the provider with --providers or in the config file", sp.ID, sp.suite)
	}
	sampling, extra, err := provider.ParseSampling(sp.Config)
	if err != nil {
		return nil, fmt.Errorf("provider %q: %w", sp.ID, err)
	}
	id := sp.ID
	if sp.Label != "" {
		id = sp.Label
	}
	t := &target{cfg: pc, Target: &runner.Target{
		ID: id, Vendor: vendor, Model: model, Concurrency: pc.Concurrency,
		RequestsPerMinute: pc.RequestsPerMinute, TokensPerMinute: pc.TokensPerMinute,
		Sampling: sampling, Extra: extra,
	}}
	if o.Concurrency > 0 {
		t.Concurrency = 0 // the operator's --concurrency wins over the config's
	}
	pcfg := provider.Config{
		ID: sp.ID, Vendor: vendor, Model: model, BaseURL: cmp.Or(sp.BaseURL, pc.BaseURL),
		Headers: mergeHeaders(pc.Headers, sp.Headers), Timeout: pc.Timeout, Options: pc.Options,
	}
	switch {
	case vendor == SimulatorVendor:
		url, stop, err := s.startSimulator(ctx, pc, model, p)
		if err != nil {
			return nil, fmt.Errorf("provider %q: %w", sp.ID, err)
		}
		ts.closers = append(ts.closers, stop)
		// Its options are the simulator's own, not the OpenAI client's; its
		// port changes every run, so its answers are never cached. Like
		// OpenAI, the simulator needs a model name in every request: without
		// one, the model its lists show.
		pcfg.Vendor, pcfg.BaseURL, pcfg.Options = "openai", url, nil
		pcfg.Model = cmp.Or(model, simulator.DefaultModel)
		t.noCache = true
	case o.Simulate:
		if err := s.simulateTarget(ctx, ts, &pcfg, p); err != nil {
			return nil, fmt.Errorf("provider %q: %w", sp.ID, err)
		}
		t.noCache = true
	case needKeys:
		if err := s.resolveKey(&pcfg, name, sp); err != nil {
			return nil, err
		}
	}
	t.BaseURL, t.headers = pcfg.BaseURL, pcfg.Headers
	t.credential = policy.Credential(pcfg.APIKey, pcfg.Headers)
	t.remote = remoteSpec(t, name, sp, pcfg)
	prov, err := provider.New(pcfg)
	if err != nil {
		return nil, err // it names the provider
	}
	t.Provider = prov
	return t, nil
}

// HasKey reports whether a call to the named vendor or configured
// provider would find its API key, or needs none, as a run resolves it
// (the simulator needs none).
func (s *Service) HasKey(name string) bool {
	pc := s.cfg.Provider(name)
	if pc.Type == SimulatorVendor {
		return true
	}
	pcfg := provider.Config{ID: name, Vendor: pc.Type, BaseURL: pc.BaseURL}
	return s.resolveKey(&pcfg, name, providerSpec{ProviderSpec: dataset.ProviderSpec{ID: name}}) == nil
}

// resolveKey finds the API key; a vendor that needs one and has none, or a
// provider whose configured key variable is unset, is a configuration error
// naming the variable to set, never the key.
func (s *Service) resolveKey(pcfg *provider.Config, name string, sp providerSpec) error {
	if sp.APIKeyEnv != "" {
		if v, ok := s.cfg.Env(sp.APIKeyEnv); ok && v != "" {
			pcfg.APIKey = v
			return nil
		}
		return fmt.Errorf("provider %q: environment variable %s (api_key_env) is not set", sp.ID, sp.APIKeyEnv)
	}
	key, _ := s.cfg.APIKey(name)
	pcfg.APIKey = key
	if key != "" {
		return nil
	}
	if env := s.cfg.Provider(name).APIKeyEnv; env != "" {
		return fmt.Errorf("provider %q: environment variable %s ([providers.%s] api_key_env) is not set; a provider that needs no key should not name one", sp.ID, env, name)
	}
	v, _ := provider.Lookup(pcfg.Vendor)
	if v.KeyEnv != "" && pcfg.BaseURL == "" {
		vars := config.KeyEnvNames(pcfg.Vendor)
		if len(vars) == 0 {
			vars = []string{v.KeyEnv}
		}
		return fmt.Errorf("provider %q: no API key; set %s (or api_key_env in the suite or [providers.%s] of the config)", sp.ID, strings.Join(vars, " or "), name)
	}
	return nil
}

func mergeHeaders(a, b map[string]string) map[string]string {
	if len(b) == 0 {
		return a
	}
	out := maps.Clone(a)
	if out == nil {
		out = make(map[string]string, len(b))
	}
	maps.Copy(out, b)
	return out
}

// pricer is the run's pricing: the embedded table with the config's
// overrides, built once per service.
func (s *Service) pricer() (*pricing.Pricer, error) {
	s.priceOnce.Do(func() {
		over, err := pricing.ConfigOverrides(s.cfg)
		if err != nil {
			s.priceErr = configErr("%v", err)
			return
		}
		s.price = pricing.NewPricer(pricing.Default(), over)
	})
	return s.price, s.priceErr
}

// checkPriced refuses --max-cost when a target's model has no price: its
// calls would cost "unknown" and the cap could never stop them.
func (s *Service) checkPriced(ts *targetSet, o *Options) error {
	if o.MaxCost <= 0 {
		return nil
	}
	pr, err := s.pricer()
	if err != nil {
		return err
	}
	var problems []string
	for _, t := range ts.targets {
		if t.noCache {
			continue // simulated: nothing is spent
		}
		if !pr.Priced(t.Vendor, t.Model) {
			name, _, _ := strings.Cut(t.ID, ":")
			problems = append(problems, fmt.Sprintf("provider %q: --max-cost cannot limit model %q: it has no price in the table (as of %s); set input_per_mtok and output_per_mtok under [providers.%s.pricing.%q]", t.ID, t.Model, pr.AsOf(), name, t.Model))
		}
	}
	if len(problems) > 0 {
		return configErr("%s", strings.Join(problems, "\n"))
	}
	return nil
}

// Provider builds one provider by name (vendor or vendor:model) with its
// key, for listing models and health checks. Call stop when done.
func (s *Service) Provider(ctx context.Context, name string) (provider.Provider, func(), error) {
	ts, err := s.buildTargets(ctx, []providerSpec{{ProviderSpec: dataset.ProviderSpec{ID: name}}}, nil, &Options{}, true)
	if err != nil {
		return nil, nil, err
	}
	return ts.targets[0].Provider, func() { _ = ts.Close() }, nil
}
