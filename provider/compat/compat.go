// Package compat registers presets for OpenAI-compatible services: groq,
// together, deepseek, openrouter, perplexity, xai, vllm, lmstudio and
// huggingface. Each is the openai client with the service's base URL, key
// variable and quirks (PROVIDER_FACTS §9), stated as an openai.Dialect.
package compat

import (
	"context"
	"fmt"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
	"github.com/llm-test-bench/llm-test-bench/provider/openai"
)

// Preset is one registered OpenAI-compatible service.
type Preset struct {
	// Name is the vendor name, as in "groq:llama-3.3-70b-versatile".
	Name string
	// KeyEnv is the usual key variable, "" for local servers without a key.
	KeyEnv string
	// DefaultBaseURL is the API root the paths are relative to.
	DefaultBaseURL string
	// Dialect states how the service differs from OpenAI.
	Dialect openai.Dialect
	// NoModels is true for services without a models route: the provider
	// then implements neither provider.Lister nor provider.HealthChecker.
	NoModels bool
	// options reads the preset's own options into the dialect.
	options func(opts map[string]any, d *openai.Dialect) error
}

// imagesOnly takes images inline or by URL, in OpenAI's four types.
var imagesOnly = openai.Inputs{ImageTypes: openai.OpenAIImages, ImageURL: true}

// Presets lists the services this package registers.
func Presets() []Preset {
	return []Preset{
		{
			// Groq has no logprobs and no embeddings; a request larger than
			// the per-minute token limit is HTTP 413, and 498 is "flex
			// capacity exceeded".
			Name: "groq", KeyEnv: "GROQ_API_KEY", DefaultBaseURL: "https://api.groq.com/openai/v1",
			Dialect: openai.Dialect{Vendor: "groq", NoLogprobs: true, NoEmbeddings: true, Inputs: imagesOnly, Refine: refineGroq},
		},
		{
			Name: "together", KeyEnv: "TOGETHER_API_KEY", DefaultBaseURL: "https://api.together.xyz/v1",
			Dialect: openai.Dialect{Vendor: "together", Inputs: imagesOnly},
		},
		{
			// DeepSeek takes text only and answers 503 when overloaded; its
			// keep-alive blank lines and ": keep-alive" comments are skipped
			// by the openai client's decoders.
			Name: "deepseek", KeyEnv: "DEEPSEEK_API_KEY", DefaultBaseURL: "https://api.deepseek.com",
			Dialect: openai.Dialect{Vendor: "deepseek", NoEmbeddings: true, Refine: refineOverloaded503},
		},
		{
			// OpenRouter routes "vendor/model" ids, so OpenAI's reasoning
			// rules apply to "openai/o3" and the like; usage is asked for
			// with usage.include, as the recorded requests do.
			Name: "openrouter", KeyEnv: "OPENROUTER_API_KEY", DefaultBaseURL: "https://openrouter.ai/api/v1",
			Dialect: openai.Dialect{Vendor: "openrouter", ReasoningRules: true, NoEmbeddings: true, Inputs: openai.OpenAIInputs,
				Body: map[string]any{"usage": map[string]any{"include": true}}, Options: []string{"http_referer", "x_title"}},
			options: openRouterOptions,
		},
		{
			Name: "perplexity", KeyEnv: "PERPLEXITY_API_KEY", DefaultBaseURL: "https://api.perplexity.ai",
			Dialect:  openai.Dialect{Vendor: "perplexity", NoEmbeddings: true, Inputs: imagesOnly},
			NoModels: true,
		},
		{
			// xAI's vision models take jpeg and png.
			Name: "xai", KeyEnv: "XAI_API_KEY", DefaultBaseURL: "https://api.x.ai/v1",
			Dialect: openai.Dialect{Vendor: "xai", NoEmbeddings: true, Inputs: openai.Inputs{ImageTypes: []string{"image/jpeg", "image/png"}, ImageURL: true}},
		},
		{
			Name: "vllm", DefaultBaseURL: "http://localhost:8000/v1",
			Dialect: openai.Dialect{Vendor: "vllm", Inputs: openai.OpenAIInputs},
		},
		{
			Name: "lmstudio", DefaultBaseURL: "http://localhost:1234/v1",
			Dialect: openai.Dialect{Vendor: "lmstudio", Inputs: openai.Inputs{ImageTypes: openai.OpenAIImages}},
		},
		{
			Name: "huggingface", KeyEnv: "HF_TOKEN", DefaultBaseURL: "https://router.huggingface.co/v1",
			Dialect: openai.Dialect{Vendor: "huggingface", NoEmbeddings: true, Inputs: imagesOnly},
		},
	}
}

func init() {
	for _, p := range Presets() {
		provider.Register(provider.Vendor{Name: p.Name, KeyEnv: p.KeyEnv, DefaultBaseURL: p.DefaultBaseURL, New: p.New})
	}
}

// New builds the preset's provider from cfg (the base URL defaults to the
// preset's). It is a *openai.Client, or for a service without a models
// route a provider that only generates.
func (p Preset) New(cfg provider.Config) (provider.Provider, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = p.DefaultBaseURL
	}
	d := p.Dialect
	if p.options != nil {
		if err := p.options(cfg.Options, &d); err != nil {
			return nil, err
		}
	}
	c, err := openai.NewCompatible(cfg, d)
	if err != nil {
		return nil, err
	}
	if p.NoModels {
		return generateOnly{c}, nil
	}
	return c, nil
}

// generateOnly hides the models and health routes a service lacks.
type generateOnly struct{ c *openai.Client }

var (
	_ provider.InputChecker      = generateOnly{}
	_ provider.RateLimitReporter = generateOnly{}
	_ provider.ToolChecker       = generateOnly{}
)

func (g generateOnly) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	return g.c.Generate(ctx, req, emit)
}

func (g generateOnly) CheckInput(p bench.Part) error { return g.c.CheckInput(p) }

func (g generateOnly) CheckTools(tools []bench.Tool, choice *bench.ToolChoice) error {
	return g.c.CheckTools(tools, choice)
}

func (g generateOnly) RateLimits() (provider.RateLimits, bool) { return g.c.RateLimits() }

// openRouterOptions sends the app attribution headers OpenRouter reads:
// "http_referer" as HTTP-Referer and "x_title" as X-Title.
func openRouterOptions(opts map[string]any, d *openai.Dialect) error {
	d.Header = http.Header{}
	for _, o := range []struct{ option, header string }{{"http_referer", "HTTP-Referer"}, {"x_title", "X-Title"}} {
		v, err := options.String(opts, o.option)
		if err != nil {
			return err
		}
		if v != "" {
			d.Header.Set(o.header, v)
		}
	}
	return nil
}

// refineGroq: a 413 is a request above the tier's tokens-per-minute limit,
// which no wait can let through (context_length, not retried); 498 is
// Groq's flex tier out of capacity (overloaded).
func refineGroq(pe *provider.Error, status int, _ http.Header, _ []byte) {
	switch status {
	case http.StatusRequestEntityTooLarge:
		pe.Kind, pe.RetryAfter = provider.KindContextLength, 0
		pe.Err = fmt.Errorf("%w (the request alone exceeds the tokens-per-minute limit: shorten it or use a higher tier)", pe.Err)
	case 498:
		pe.Kind = provider.KindOverloaded
	}
}

// refineOverloaded503: the service uses 503 for "overloaded".
func refineOverloaded503(pe *provider.Error, status int, _ http.Header, _ []byte) {
	if status == http.StatusServiceUnavailable {
		pe.Kind = provider.KindOverloaded
	}
}
