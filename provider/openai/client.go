// Package openai is a client for the OpenAI Chat Completions and Embeddings
// APIs and for every server that speaks them. It registers the vendor
// "openai"; OpenAI-compatible variants (Azure, Mistral, llama.cpp, the
// compat presets) reuse it through NewCompatible and a Dialect that states
// their differences, instead of copying it.
package openai

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
)

// Vendor is the registered vendor name.
const Vendor = "openai"

// KeyEnv is the variable OpenAI's key is usually read from.
const KeyEnv = "OPENAI_API_KEY"

// DefaultBaseURL is OpenAI's API root.
const DefaultBaseURL = "https://api.openai.com/v1"

// maxTopLogprobs is the most alternatives per token OpenAI returns.
const maxTopLogprobs = 20

func init() {
	provider.Register(provider.Vendor{
		Name:           Vendor,
		KeyEnv:         KeyEnv,
		DefaultBaseURL: DefaultBaseURL,
		New: func(cfg provider.Config) (provider.Provider, error) {
			return New(cfg)
		},
	})
}

var (
	_ provider.Provider          = (*Client)(nil)
	_ provider.Lister            = (*Client)(nil)
	_ provider.HealthChecker     = (*Client)(nil)
	_ provider.RateLimitReporter = (*Client)(nil)
	_ provider.Embedder          = (*Client)(nil)
)

// Client calls one Chat Completions endpoint. It is safe for concurrent use.
type Client struct {
	http  *httpcall.Client
	d     Dialect
	model string
	// reasoning, when set, overrides the model-name test for reasoning models.
	reasoning   *bool
	topLogprobs *int
	dimensions  *int
}

// commonOptions are the option names every dialect understands.
var commonOptions = []string{"api_key_header", "dimensions", "reasoning", "top_logprobs"}

// New builds a client for OpenAI's own API from cfg. Besides the options
// of NewCompatible it understands "organization" and "project" (sent as
// OpenAI-Organization and OpenAI-Project).
func New(cfg provider.Config) (*Client, error) {
	d := Dialect{
		Vendor: Vendor, ReasoningRules: true, Inputs: OpenAIInputs,
		Header: http.Header{}, Options: []string{"organization", "project"},
	}
	for _, o := range []struct{ option, header string }{{"organization", "OpenAI-Organization"}, {"project", "OpenAI-Project"}} {
		v, err := options.String(cfg.Options, o.option)
		if err != nil {
			return nil, err
		}
		if v != "" {
			d.Header.Set(o.header, v)
		}
	}
	return NewCompatible(cfg, d)
}

// NewCompatible builds a client for an OpenAI-compatible server that
// differs from OpenAI as d says. Options understood (besides d.Options):
//   - "reasoning" (bool): force (true) or disable (false) the reasoning
//     model request shape, whatever the model name says;
//   - "top_logprobs" (0..20): alternatives per token, sent with logprobs
//     when the request's Sampling.TopLogprobs names no count;
//   - "dimensions" (whole number): embedding size, for models that take it;
//   - "api_key_header" (string): send the key raw in this header instead
//     of d.AuthHeader or Authorization: Bearer.
//
// Other names are rejected. Without cfg.BaseURL the client calls
// DefaultBaseURL; without cfg.HTTPClient it gets its own keep-alive
// transport.
func NewCompatible(cfg provider.Config, d Dialect) (*Client, error) {
	d = d.withDefaults()
	if err := options.Check(d.Vendor, cfg.Options, append(slices.Clone(commonOptions), d.Options...)); err != nil {
		return nil, err
	}
	c := &Client{d: d, model: cfg.Model}
	var err error
	if c.reasoning, err = options.Bool(cfg.Options, "reasoning"); err != nil {
		return nil, err
	}
	if c.topLogprobs, err = options.Int(cfg.Options, "top_logprobs", 0, maxTopLogprobs); err != nil {
		return nil, err
	}
	if c.dimensions, err = options.Int(cfg.Options, "dimensions", 1, math.MaxInt32); err != nil {
		return nil, err
	}
	keyHeader, err := options.String(cfg.Options, "api_key_header")
	if err != nil {
		return nil, err
	}
	if keyHeader == "" {
		keyHeader = d.AuthHeader
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	h := http.Header{}
	httpcall.SetKey(h, keyHeader, cfg.APIKey)
	for k, vs := range d.Header {
		h[http.CanonicalHeaderKey(k)] = slices.Clone(vs)
	}
	c.http = httpcall.New(httpcall.Options{
		Vendor: d.Vendor, BaseURL: base, HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, Header: h, Custom: cfg.Headers, Secrets: []string{cfg.APIKey},
		Refine: c.refine, RateLimits: d.RateLimits,
	})
	return c, nil
}

// Vendor returns the name the client reports in errors.
func (c *Client) Vendor() string { return c.d.Vendor }

// RateLimits returns the rate-limit headers of the latest response.
func (c *Client) RateLimits() (provider.RateLimits, bool) { return c.http.RateLimits() }

// Models lists the model ids the dialect's models route returns.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	return c.ListModels(ctx, c.d.ModelsPath)
}

// ListModels GETs path (relative to the base URL) and returns the ids of
// its models: {"data":[{"id":...}]} as OpenAI sends, or a bare array as
// Together does.
func (c *Client) ListModels(ctx context.Context, path string) ([]string, error) {
	var raw json.RawMessage
	if _, err := c.http.GetJSON(ctx, path, path, &raw); err != nil {
		return nil, err
	}
	type model struct {
		ID string `json:"id"`
	}
	var list struct {
		Data []model `json:"data"`
	}
	if err := json.Unmarshal(raw, &list); err != nil || list.Data == nil {
		if aerr := json.Unmarshal(raw, &list.Data); aerr != nil {
			return nil, &provider.Error{Kind: provider.KindTransient,
				Err: fmt.Errorf("%s: %s response has no model list", c.d.Vendor, path)}
		}
	}
	ids := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// Health checks that the server answers the dialect's health route (the
// models route unless it has its own) with the configured key.
func (c *Client) Health(ctx context.Context) error {
	if c.d.HealthPath == c.d.ModelsPath {
		_, err := c.Models(ctx)
		return err
	}
	ctx, cancel := c.http.WithTimeout(ctx)
	defer cancel()
	resp, err := c.http.Do(ctx, http.MethodGet, c.d.HealthPath, nil, "application/json")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, httpcall.MaxBody)); err != nil {
		return c.http.Transport(ctx, err)
	}
	return nil
}
