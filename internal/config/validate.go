package config

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Vendors whose usual key variables are read, first match wins.
var vendorKeyEnv = map[string][]string{
	"openai":      {"OPENAI_API_KEY"},
	"anthropic":   {"ANTHROPIC_API_KEY"},
	"gemini":      {"GEMINI_API_KEY", "GOOGLE_API_KEY"},
	"google":      {"GEMINI_API_KEY", "GOOGLE_API_KEY"},
	"cohere":      {"COHERE_API_KEY", "CO_API_KEY"},
	"mistral":     {"MISTRAL_API_KEY"},
	"groq":        {"GROQ_API_KEY"},
	"together":    {"TOGETHER_API_KEY"},
	"deepseek":    {"DEEPSEEK_API_KEY"},
	"openrouter":  {"OPENROUTER_API_KEY"},
	"perplexity":  {"PERPLEXITY_API_KEY"},
	"xai":         {"XAI_API_KEY"},
	"huggingface": {"HF_TOKEN"},
	"azure":       {"AZURE_OPENAI_API_KEY"},
	"bedrock":     {"AWS_BEARER_TOKEN_BEDROCK"},
}

// KeyEnvNames returns the usual key variables of a vendor.
func KeyEnvNames(vendor string) []string { return vendorKeyEnv[vendor] }

// Provider returns the settings for a vendor or named endpoint; an absent
// section gives zero settings with Type set to the name.
func (c *Config) Provider(name string) ProviderConfig {
	p, ok := c.Providers[name]
	if !ok {
		return ProviderConfig{Type: name}
	}
	if p.Type == "" {
		p.Type = name
	}
	return p
}

// APIKey resolves a provider's key: its api_key, then its api_key_env, then
// the vendor's usual variables. source names where it came from, never the
// value; both are "" when there is none.
func (c *Config) APIKey(name string) (key, source string) {
	p := c.Provider(name)
	if p.APIKey != "" {
		return p.APIKey, "providers." + name + ".api_key"
	}
	names := KeyEnvNames(p.Type)
	if p.APIKeyEnv != "" {
		names = []string{p.APIKeyEnv}
	}
	for _, n := range names {
		if v := c.env[n]; v != "" {
			return v, n
		}
	}
	return "", ""
}

// Validate reports every problem at once, each with its key.
func (c *Config) Validate() Problems {
	var ps Problems
	add := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	b := c.Benchmarks
	if b.Concurrency < 1 {
		add("benchmarks.concurrency", "must be at least 1, got %d", b.Concurrency)
	}
	if b.Repeat < 1 {
		add("benchmarks.repeat", "must be at least 1, got %d", b.Repeat)
	}
	if b.Timeout <= 0 {
		add("benchmarks.timeout", "must be a positive duration such as \"60s\", got %s", b.Timeout)
	}
	if b.MaxRetries < 0 {
		add("benchmarks.max_retries", "must not be negative, got %d", b.MaxRetries)
	}
	if t := c.Evaluation.DefaultThreshold; t < 0 || t > 1 {
		add("evaluation.default_threshold", "must be between 0 and 1, got %g", t)
	}
	switch c.Storage.Backend {
	case "sqlite", "postgres", "postgresql":
	default:
		add("storage.backend", "must be sqlite or postgresql, got %q", c.Storage.Backend)
	}
	if u := c.Storage.DatabaseURL; u != "" && !strings.HasPrefix(u, "sqlite:") && !strings.HasPrefix(u, "postgres") && !strings.HasSuffix(u, ".db") && !strings.HasSuffix(u, ".sqlite") {
		add("storage.database_url", "want sqlite:PATH or postgres://..., got %q", RedactURL(u))
	}
	switch c.Cache.Backend {
	case "disk", "redis":
	default:
		add("cache.backend", "must be disk or redis, got %q", c.Cache.Backend)
	}
	if c.Cache.TTL < 0 {
		add("cache.ttl", "must not be negative")
	}
	if p := c.Server.Port; p < 0 || p > 65535 {
		add("server.port", "must be 0-65535, got %d", p)
	}
	names := make([]string, 0, len(c.Providers))
	for n := range c.Providers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c.validateProvider(n, add)
	}
	return ps
}

func (c *Config) validateProvider(n string, add func(key, format string, args ...any)) {
	p := c.Provider(n)
	key := "providers." + n
	if p.BaseURL != "" {
		if u, err := url.Parse(p.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add(key+".base_url", "want an http(s) URL, got %q", RedactURL(p.BaseURL))
		}
	}
	if p.Timeout < 0 {
		add(key+".timeout", "must not be negative")
	}
	if p.Concurrency < 0 {
		add(key+".concurrency", "must not be negative, got %d", p.Concurrency)
	}
	if p.RequestsPerMinute < 0 || p.TokensPerMinute < 0 {
		add(key, "requests_per_minute and tokens_per_minute must not be negative")
	}
	if p.MaxRetries != nil && *p.MaxRetries < 0 {
		add(key+".max_retries", "must not be negative")
	}
	for model, pr := range p.Pricing {
		if pr.InputPerMTok < 0 || pr.OutputPerMTok < 0 || pr.CachedInputPerMTok < 0 {
			add(fmt.Sprintf("%s.pricing.%q", key, model), "prices must not be negative")
		}
	}
}
