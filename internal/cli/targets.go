package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// simulatorVendor is the built-in offline provider: an in-process simulator
// spoken to over loopback HTTP with the OpenAI client, so the whole network
// path is exercised.
const simulatorVendor = "simulator"

// targetSet is the providers of a run and what they need torn down.
type targetSet struct {
	targets []*runner.Target
	closers []func() error
	// simRoot is the root URL of the simulator --simulate started, "" before.
	simRoot string
}

func (ts *targetSet) Close() error {
	var errs []error
	for _, c := range ts.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// providerSpecs picks the providers: --providers, else the suites' own.
func providerSpecs(flagIDs []string, p *plan) ([]dataset.ProviderSpec, error) {
	if len(flagIDs) > 0 {
		specs := make([]dataset.ProviderSpec, 0, len(flagIDs))
		for _, id := range flagIDs {
			if id = strings.TrimSpace(id); id != "" {
				specs = append(specs, dataset.ProviderSpec{ID: id})
			}
		}
		return specs, nil
	}
	seen := map[string]bool{}
	var specs []dataset.ProviderSpec
	for _, s := range p.suites {
		for _, sp := range s.Providers {
			if !seen[sp.ID+sp.Label] {
				seen[sp.ID+sp.Label] = true
				specs = append(specs, sp)
			}
		}
	}
	if len(specs) == 0 {
		return nil, configErr("no providers: pass --providers vendor:model (e.g. simulator:fast for the built-in simulator) or list them under `providers:` in the suite")
	}
	return specs, nil
}

// buildTargets turns provider specs into runner targets, resolving keys,
// limits and sampling from config. Every problem is reported at once.
func (a *app) buildTargets(ctx context.Context, specs []dataset.ProviderSpec, p *plan, o *benchOptions) (*targetSet, error) {
	ts := &targetSet{}
	var problems []string
	seen := map[string]bool{}
	for _, sp := range specs {
		t, err := a.buildTarget(ctx, ts, sp, p, o)
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
	if len(problems) > 0 {
		ts.Close()
		return nil, configErr("%s", strings.Join(problems, "\n"))
	}
	return ts, nil
}

func (a *app) buildTarget(ctx context.Context, ts *targetSet, sp dataset.ProviderSpec, p *plan, o *benchOptions) (*runner.Target, error) {
	name, model, _ := strings.Cut(sp.ID, ":")
	pc := a.cfg.Provider(name)
	vendor := pc.Type
	if model == "" {
		model = pc.DefaultModel
	}
	if vendor != simulatorVendor {
		if _, ok := provider.Lookup(vendor); !ok {
			return nil, fmt.Errorf("provider %q: unknown vendor %q (known: %s)", sp.ID, vendor, strings.Join(append(provider.Vendors(), simulatorVendor), ", "))
		}
	}
	sampling, extra, err := provider.ParseSampling(sp.Config)
	if err != nil {
		return nil, fmt.Errorf("provider %q: %w", sp.ID, err)
	}
	id := sp.ID
	if sp.Label != "" {
		id = sp.Label
	}
	t := &runner.Target{
		ID: id, Vendor: vendor, Model: model, Concurrency: pc.Concurrency,
		RequestsPerMinute: pc.RequestsPerMinute, TokensPerMinute: pc.TokensPerMinute,
		Sampling: sampling, Extra: extra,
	}
	pcfg := provider.Config{
		ID: sp.ID, Vendor: vendor, Model: model, BaseURL: firstOf(sp.BaseURL, pc.BaseURL),
		Headers: mergeHeaders(pc.Headers, sp.Headers), Timeout: pc.Timeout, Options: pc.Options,
	}
	switch {
	case vendor == simulatorVendor:
		url, stop, err := a.startSimulator(ctx, pc, model, p)
		if err != nil {
			return nil, fmt.Errorf("provider %q: %w", sp.ID, err)
		}
		ts.closers = append(ts.closers, stop)
		pcfg.Vendor, pcfg.BaseURL = "openai", url
	case o.Simulate:
		if err := a.simulateTarget(ctx, ts, &pcfg, p); err != nil {
			return nil, fmt.Errorf("provider %q: %w", sp.ID, err)
		}
	default:
		if err := a.resolveKey(&pcfg, name, sp); err != nil {
			return nil, err
		}
	}
	t.BaseURL = pcfg.BaseURL
	prov, err := provider.New(pcfg)
	if err != nil {
		return nil, err
	}
	t.Provider = prov
	return t, nil
}

// resolveKey finds the API key; a vendor that needs one and has none is a
// configuration error naming the variable to set, never the key.
func (a *app) resolveKey(pcfg *provider.Config, name string, sp dataset.ProviderSpec) error {
	if sp.APIKeyEnv != "" {
		if v, ok := a.cfg.Env(sp.APIKeyEnv); ok && v != "" {
			pcfg.APIKey = v
			return nil
		}
		return fmt.Errorf("provider %q: environment variable %s (api_key_env) is not set", sp.ID, sp.APIKeyEnv)
	}
	key, _ := a.cfg.APIKey(name)
	pcfg.APIKey = key
	v, _ := provider.Lookup(pcfg.Vendor)
	if key == "" && v.KeyEnv != "" && pcfg.BaseURL == "" {
		vars := config.KeyEnvNames(pcfg.Vendor)
		if len(vars) == 0 {
			vars = []string{v.KeyEnv}
		}
		return fmt.Errorf("provider %q: no API key; set %s (or api_key_env in the suite or [providers.%s] of the config)", sp.ID, strings.Join(vars, " or "), name)
	}
	return nil
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func mergeHeaders(a, b map[string]string) map[string]string {
	if len(b) == 0 {
		return a
	}
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// costFunc prices calls from the pricing table with config overrides.
func (a *app) costFunc() func(t *runner.Target, model string, u bench.Usage) bench.Cost {
	over := map[string]pricing.Price{}
	for name, pc := range a.cfg.Providers {
		for model, pr := range pc.Pricing {
			over[a.cfg.Provider(name).Type+":"+model] = pricing.Price{
				InputPerMTok: pr.InputPerMTok, OutputPerMTok: pr.OutputPerMTok, CachedInputPerMTok: pr.CachedInputPerMTok,
			}
		}
	}
	table := pricing.Default().WithOverrides(over)
	return func(t *runner.Target, model string, u bench.Usage) bench.Cost {
		if c, ok := table.Cost(t.Vendor, model, u); ok {
			return c
		}
		if c, ok := table.Cost(t.Vendor, t.Model, u); ok {
			return c
		}
		return bench.Cost{Currency: "USD"}
	}
}

func parseTimeout(s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, configErr("--timeout %q: want a duration such as 30s or 2m", s)
	}
	return d, nil
}
