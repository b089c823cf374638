package config

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
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
	// A named endpoint of a vendor's type ([providers.local] type =
	// "openai") talks to another host: the vendor's own key must not go
	// there unless the config names it with api_key_env.
	var names []string
	if name == p.Type {
		names = KeyEnvNames(p.Type)
	}
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

// validation collects the problems of Validate, each tagged with the source
// of its key when a file, a variable or a flag set it.
type validation struct {
	c     *Config
	probs Problems
}

func (v *validation) add(key, format string, args ...any) {
	v.probs = append(v.probs, Problem{Source: v.c.SourceOf(key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

// SourceOf names where key was set: a file, a variable or "command-line
// flag". For a key not set itself it names where the keys below it (a
// table's) or the nearest key above it (the list an item belongs to) were
// set, the highest layer first; "" when all of it holds defaults.
func (c *Config) SourceOf(key string) string {
	if from, ok := c.set[key]; ok {
		return from.at()
	}
	best := origin{}
	for k, from := range c.set {
		if !strings.HasPrefix(k, key+".") && !strings.HasPrefix(k, key+"[") {
			continue
		}
		if from.rank > best.rank || from.rank == best.rank && from.line < best.line {
			best = from // the highest layer, and in it the first line
		}
	}
	if best.source != "" {
		return best.at()
	}
	for i := len(key) - 1; i > 0; i-- {
		if key[i] == '.' || key[i] == '[' {
			if from, ok := c.set[key[:i]]; ok {
				return from.at()
			}
		}
	}
	return ""
}

// atLeast reports key when n is below lowest.
func (v *validation) atLeast(key string, n, lowest int) {
	switch {
	case n >= lowest:
	case lowest == 0:
		v.add(key, "must not be negative, got %d", n)
	default:
		v.add(key, "must be at least %d, got %d", lowest, n)
	}
}

// port reports key when it is no TCP port (0 lets the system choose).
func (v *validation) port(key string, p int) {
	if p < 0 || p > 65535 {
		v.add(key, "must be a port number, 0-65535, got %d", p)
	}
}

// url reports key when s is set but is not an absolute URL with one of the
// schemes.
func (v *validation) url(key, s string, schemes ...string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || !slices.Contains(schemes, strings.ToLower(u.Scheme)) {
		v.add(key, "want a URL (%s) such as %s://HOST, got %q", strings.Join(schemes, ", "), schemes[0], RedactURL(s))
	}
}

// Validate reports every problem at once, each with its key (and where it
// was set). Load runs it; call it again after changing a Config.
func (c *Config) Validate() Problems {
	v := &validation{c: c}
	v.benchmarks()
	v.evaluation()
	v.multimodal()
	v.monitoring()
	v.plugins()
	v.storage()
	v.cache()
	v.server()
	v.security()
	v.distributed()
	v.integrations()
	for _, n := range sortedNames(c.Providers) {
		v.provider(n)
	}
	return v.probs
}

func (v *validation) benchmarks() {
	b := v.c.Benchmarks
	v.atLeast("benchmarks.concurrency", b.Concurrency, 1)
	v.atLeast("benchmarks.repeat", b.Repeat, 1)
	if b.Timeout <= 0 {
		v.add("benchmarks.timeout", "must be a positive duration such as \"60s\", got %s", b.Timeout)
	}
	v.atLeast("benchmarks.max_retries", b.MaxRetries, 0)
	if b.OutputDir != "" && strings.TrimSpace(b.OutputDir) == "" {
		v.add("benchmarks.output_dir", "must be a directory path, got only spaces")
	}
}

// vendorModel is the form of a provider id: vendor:model.
var vendorModel = regexp.MustCompile(`^[A-Za-z0-9_.-]+:\S+$`)

func (v *validation) evaluation() {
	e := v.c.Evaluation
	if t := e.DefaultThreshold; t < 0 || t > 1 {
		v.add("evaluation.default_threshold", "must be between 0 and 1, got %g", t)
	}
	if e.JudgeProvider != "" && !vendorModel.MatchString(e.JudgeProvider) {
		v.add("evaluation.judge_provider", "want vendor:model, such as openai:gpt-4o-mini, got %q", e.JudgeProvider)
	}
	if e.EmbeddingProvider != "" && !vendorModel.MatchString(e.EmbeddingProvider) {
		v.add("evaluation.embedding_provider", "want vendor:model, such as openai:text-embedding-3-small, got %q", e.EmbeddingProvider)
	}
	v.atLeast("evaluation.parallel_evaluations", e.ParallelEvaluations, 1)
	v.atLeast("evaluation.cache_size", e.CacheSize, 0)
	v.atLeast("evaluation.cache_ttl_hours", e.CacheTTLHours, 0)
}

// The media formats the input checks know (bench.Part.Format names).
var (
	imageFormats = []string{"gif", "jpeg", "jpg", "png", "webp"}
	audioFormats = []string{"aac", "flac", "m4a", "mp3", "mp4", "ogg", "wav"}
)

func (v *validation) multimodal() {
	m := v.c.Multimodal
	v.atLeast("multimodal.max_image_size_mb", m.MaxImageSizeMB, 1)
	v.atLeast("multimodal.max_audio_duration_seconds", m.MaxAudioDurationSeconds, 1)
	v.formats("multimodal.supported_image_formats", m.SupportedImageFormats, imageFormats)
	v.formats("multimodal.supported_audio_formats", m.SupportedAudioFormats, audioFormats)
}

func (v *validation) formats(key string, got, known []string) {
	for _, f := range got {
		if slices.Contains(known, strings.ToLower(f)) {
			continue
		}
		msg := fmt.Sprintf("format %q is unknown (known: %s)", f, strings.Join(known, ", "))
		if s := closest(strings.ToLower(f), known); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		v.add(key, "%s", msg)
	}
}

func (v *validation) monitoring() {
	m := v.c.Monitoring
	v.port("monitoring.websocket_port", m.WebsocketPort)
	v.port("monitoring.metrics_port", m.MetricsPort)
	v.tracing()
	v.alerts()
}

func (v *validation) plugins() {
	p := v.c.Plugins
	if p.EnablePlugins && strings.TrimSpace(p.PluginDirectory) == "" {
		v.add("plugins.plugin_directory", "must name a directory when plugins are enabled")
	}
	v.atLeast("plugins.max_plugin_memory_mb", p.MaxPluginMemoryMB, 4) // a Go guest starts with 2.6 MiB
	v.atLeast("plugins.plugin_timeout_seconds", p.PluginTimeoutSeconds, 1)
	for name, g := range p.Grants {
		key := "plugins.grants." + name
		if !pluginName.MatchString(name) {
			v.add(key, "a plugin name is 1-64 of a-z 0-9 - _, starting with a letter or digit")
		}
		for _, c := range g.Allow {
			if !slices.Contains(PluginCapabilities, c) {
				v.add(key+".allow", "unknown capability %q (known: %s)", c, strings.Join(PluginCapabilities, ", "))
			}
		}
	}
}

// pluginName is what a plugin's name may be (internal/plugin checks the same).
var pluginName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

func (v *validation) cache() {
	c := v.c.Cache
	switch c.Backend {
	case "disk", "redis":
	default:
		v.add("cache.backend", "must be disk or redis, got %q", c.Backend)
	}
	if c.TTL < 0 {
		v.add("cache.ttl", "must not be negative, got %s", c.TTL)
	}
	v.atLeast("cache.max_memory_entries", c.MaxMemoryEntries, 0)
	v.url("cache.redis_url", c.RedisURL, "redis", "rediss")
}

func (v *validation) distributed() {
	d := v.c.Distributed
	v.url("distributed.nats_url", d.NATSURL, "nats", "tls", "ws", "wss")
	v.url("distributed.coordinator_url", d.CoordinatorURL, "http", "https")
	v.url("distributed.redis_url", d.RedisURL, "redis", "rediss")
	v.atLeast("distributed.worker_count", d.WorkerCount, 1)
	v.atLeast("distributed.worker_capabilities.max_concurrent_tasks", d.WorkerCapabilities.MaxConcurrentTasks, 1)
}

// integrations checks the free-form [integrations.NAME] tables as far as
// their keys say what they hold: enable is a switch, *_url and *_uri are
// web addresses.
func (v *validation) integrations() {
	for _, name := range sortedNames(v.c.Integrations) {
		for _, k := range sortedNames(v.c.Integrations[name]) {
			val := v.c.Integrations[name][k]
			key := join(join("integrations", name), k)
			switch {
			case k == "enable" || k == "enabled":
				if _, ok := val.(bool); !ok {
					v.add(key, "want true or false, got %v", showValue(key, val))
				}
			case strings.HasSuffix(k, "_url") || strings.HasSuffix(k, "_uri"):
				s, _ := val.(string)
				if s == "" {
					v.add(key, "want an http(s) URL, got %v", showValue(key, val))
					continue
				}
				v.url(key, s, "http", "https")
			}
		}
	}
}

func sortedNames[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
