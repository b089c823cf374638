package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

// OpComplete is a provider's op; VendorPlugin is the vendor of provider
// ids plugin:NAME (and plugin:NAME:MODEL, which sends MODEL).
const (
	OpComplete   = "complete"
	VendorPlugin = "plugin"
)

// CompleteInput and CompleteOutput are a provider's envelope input and
// output, the guest SDK's types.
type (
	CompleteInput  = ltbplugin.CompleteInput
	CompleteOutput = ltbplugin.CompleteOutput
)

func init() {
	provider.Register(provider.Vendor{Name: VendorPlugin, New: newPluginProvider})
}

// pluginProvider is a provider plugin behind the provider contract. It
// resolves the plugin at every call, so a reload reaches it.
type pluginProvider struct {
	name, model, baseURL, apiKey string
	options                      map[string]any
}

// newPluginProvider makes the provider of id plugin:NAME[:MODEL]; the
// plugin must be loaded and be a provider, and the target's options must
// meet its config_schema.
func newPluginProvider(cfg provider.Config) (provider.Provider, error) {
	name, model, _ := strings.Cut(cfg.Model, ":")
	p, err := ActiveOfType(name, TypeProvider)
	if err != nil {
		return nil, err
	}
	if err := p.Manifest.ValidateConfig(cfg.Options); err != nil {
		return nil, fmt.Errorf("plugin %q: options: %w", name, err)
	}
	return &pluginProvider{name: name, model: model, baseURL: cfg.BaseURL, apiKey: cfg.APIKey, options: cfg.Options}, nil
}

// Generate makes one call through the plugin; the answer is emitted once.
func (pp *pluginProvider) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	p, err := ActiveOfType(pp.name, TypeProvider)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: err}
	}
	in := CompleteInput{Model: pp.model, BaseURL: pp.baseURL, Messages: make([]ltbplugin.Message, len(req.Messages)), Params: ltbplugin.Params{
		Temperature: req.Sampling.Temperature, TopP: req.Sampling.TopP, MaxTokens: req.Sampling.MaxTokens, Stop: req.Sampling.Stop, Seed: req.Sampling.Seed,
	}}
	if in.Model == "" {
		in.Model = req.Model
	}
	for i, m := range req.Messages {
		if len(m.Parts) > 0 {
			return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("plugin %q: provider plugins take text messages only", pp.name)}
		}
		in.Messages[i] = ltbplugin.Message{Role: m.Role, Content: m.Content}
	}
	out, err := p.Complete(withSecret(ctx, pp.apiKey), pp.options, in)
	if err != nil {
		return provider.Response{}, providerError(err)
	}
	if out.Error != nil {
		return provider.Response{}, upstreamError(pp.name, out.Error)
	}
	if err := emit(provider.Chunk{Text: out.Text}); err != nil {
		return provider.Response{}, err
	}
	u := bench.Usage{Prompt: out.Usage.PromptTokens, Completion: out.Usage.CompletionTokens, Total: out.Usage.PromptTokens + out.Usage.CompletionTokens}
	return provider.Response{Text: out.Text, Model: out.Model, FinishReason: finishReason(out.FinishReason), RawFinishReason: out.FinishReason, Usage: u}, nil
}

// Complete sends one call to a provider plugin.
func (p *Plugin) Complete(ctx context.Context, cfg map[string]any, in CompleteInput) (CompleteOutput, error) {
	env, err := json.Marshal(Envelope{ABI: ABIVersion, Op: OpComplete, PluginType: TypeProvider, Config: orEmpty(cfg), Input: in})
	if err != nil {
		return CompleteOutput{}, fmt.Errorf("plugin %q: encode input: %w", p.Name(), err)
	}
	raw, err := p.Call(ctx, env, nil)
	if err != nil {
		return CompleteOutput{}, err
	}
	var out CompleteOutput
	if err := json.Unmarshal(raw, &out); err != nil {
		return CompleteOutput{}, p.fail(ctx, KindOutput, fmt.Errorf("output is not the provider's JSON object: %w", err), "")
	}
	if out.Usage.PromptTokens < 0 || out.Usage.CompletionTokens < 0 {
		return CompleteOutput{}, p.fail(ctx, KindOutput, errors.New("negative token counts"), "")
	}
	return out, nil
}

// providerError maps a failed plugin call to the provider contract: a
// timeout is retryable like a vendor's, anything else is not.
func providerError(err error) error {
	if KindOf(err) == KindTimeout {
		return &provider.Error{Kind: provider.KindTimeout, Err: err}
	}
	return &provider.Error{Kind: provider.KindBadRequest, Err: err}
}

// upstreamError is a failure the plugin reports from its model.
func upstreamError(name string, e *ltbplugin.ProviderError) error {
	kind := provider.Kind(e.Kind)
	switch kind {
	case provider.KindRateLimited, provider.KindOverloaded, provider.KindAuth, provider.KindBadRequest,
		provider.KindContextLength, provider.KindTransient, provider.KindTimeout:
	default:
		kind = provider.KindTransient
	}
	return &provider.Error{Kind: kind, StatusCode: e.Status, RetryAfter: time.Duration(e.RetryAfterMS) * time.Millisecond,
		Err: fmt.Errorf("plugin %q: %s", name, e.Message)}
}

// finishReason maps a plugin's finish reason to the common vocabulary.
func finishReason(s string) string {
	switch s {
	case provider.FinishStop, provider.FinishLength, provider.FinishToolCalls, provider.FinishContentFilter, provider.FinishError, "":
		return s
	case "max_tokens":
		return provider.FinishLength
	}
	return ""
}

// secretKey carries a provider target's API key to http.request.
type secretKey struct{}

func withSecret(ctx context.Context, key string) context.Context {
	if key == "" {
		return ctx
	}
	return context.WithValue(ctx, secretKey{}, key)
}

// apiKeyPlaceholder in a header value of an http.request is replaced by
// the calling provider target's API key.
const apiKeyPlaceholder = "{{api_key}}"

// fillSecret replaces the placeholder in a header value.
func fillSecret(ctx context.Context, v string) string {
	if !strings.Contains(v, apiKeyPlaceholder) {
		return v
	}
	key, _ := ctx.Value(secretKey{}).(string)
	return strings.ReplaceAll(v, apiKeyPlaceholder, key)
}
