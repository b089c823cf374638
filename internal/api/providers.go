package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// healthTimeout bounds one provider health check.
const healthTimeout = 30 * time.Second

// Providers lists the vendors this build speaks, the named endpoints of
// the configuration and the built-in simulator, sorted by name.
func (c *Core) Providers(ctx context.Context) ([]ProviderInfo, error) {
	if _, err := require(ctx, PermProviderRead); err != nil {
		return nil, err
	}
	names := c.providerNames()
	out := make([]ProviderInfo, 0, len(names))
	for _, n := range names {
		out = append(out, c.providerInfo(n))
	}
	return out, nil
}

// Provider describes one provider by name (a vendor or a configured
// endpoint, without a model).
func (c *Core) Provider(ctx context.Context, name string) (*ProviderInfo, error) {
	if _, err := require(ctx, PermProviderRead); err != nil {
		return nil, err
	}
	if !slices.Contains(c.providerNames(), name) {
		return nil, notFound("provider", name)
	}
	info := c.providerInfo(name)
	return &info, nil
}

// ProviderModels asks the provider for its models.
func (c *Core) ProviderModels(ctx context.Context, name string) ([]string, error) {
	if _, err := require(ctx, PermProviderRead); err != nil {
		return nil, err
	}
	p, stop, err := c.buildProvider(ctx, name)
	if err != nil {
		return nil, err
	}
	defer stop()
	l, ok := provider.As[provider.Lister](p)
	if !ok {
		return nil, problem.New(http.StatusConflict, "provider "+name+" cannot list models")
	}
	models, err := l.Models(ctx)
	if err != nil {
		c.log.WarnContext(ctx, "list models", "provider", name, "err", err)
		return nil, problem.New(http.StatusBadGateway, "provider "+name+" did not list its models")
	}
	if models == nil {
		models = []string{}
	}
	return models, nil
}

// ProviderHealth calls the provider's health check; an unhealthy
// provider is an answer (Healthy false), not an error.
func (c *Core) ProviderHealth(ctx context.Context, name string) (*Health, error) {
	if _, err := require(ctx, PermProviderHealth); err != nil {
		return nil, err
	}
	p, stop, err := c.buildProvider(ctx, name)
	if err != nil {
		return nil, err
	}
	defer stop()
	h, ok := provider.As[provider.HealthChecker](p)
	if !ok {
		return nil, problem.New(http.StatusConflict, "provider "+name+" has no health check")
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	start := time.Now()
	err = h.Health(ctx)
	out := &Health{Name: name, Healthy: err == nil, LatencyMs: float64(time.Since(start).Microseconds()) / 1000}
	if err != nil {
		out.Error = healthError(err)
	}
	return out, nil
}

// healthError says why a check failed by the provider error's kind,
// never with the vendor's raw text (it may echo request details).
func healthError(err error) string {
	if pe := provider.AsError(err); pe != nil {
		return "provider error: " + string(pe.Kind)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return "unreachable"
}

// buildProvider makes a provider the caller may name: only a known vendor
// or configured endpoint (with an optional :model).
func (c *Core) buildProvider(ctx context.Context, name string) (provider.Provider, func(), error) {
	base, _, _ := strings.Cut(name, ":")
	if !slices.Contains(c.providerNames(), base) {
		return nil, nil, notFound("provider", name)
	}
	p, stop, err := c.providers.Provider(ctx, name)
	if err != nil {
		if session.KindOf(err) != 0 {
			return nil, nil, problem.New(http.StatusBadRequest, err.Error())
		}
		return nil, nil, c.internal(ctx, "build provider", err)
	}
	return p, stop, nil
}

// providerNames are the registered vendors, the configured endpoints and
// the simulator, sorted, without duplicates.
func (c *Core) providerNames() []string {
	names := append(provider.Vendors(), session.SimulatorVendor)
	for n := range c.cfg.Providers {
		names = append(names, n)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func (c *Core) providerInfo(name string) ProviderInfo {
	pc, configured := c.cfg.Providers[name]
	info := ProviderInfo{Name: name, Configured: configured || name == session.SimulatorVendor, DefaultModel: pc.DefaultModel}
	vendor := name
	if configured && pc.Type != "" {
		vendor = pc.Type
	}
	if v, ok := provider.Lookup(vendor); ok && v.KeyEnv != "" {
		info.KeyEnv = []string{v.KeyEnv}
	} else {
		info.KeyEnv = config.KeyEnvNames(vendor)
	}
	if pc.APIKeyEnv != "" {
		info.KeyEnv = []string{pc.APIKeyEnv}
	}
	_, src := c.cfg.APIKey(name)
	info.KeySet = src != "" || name == session.SimulatorVendor
	return info
}
