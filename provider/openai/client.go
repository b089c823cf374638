// Package openai is a thin client for the OpenAI Chat Completions API and
// every server that speaks it (Azure's v1 route, OpenRouter, Groq, Together,
// vLLM, llama.cpp, Ollama's /v1, ...): point base_url at the server. It
// registers the vendor "openai".
package openai

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// Vendor is the registered vendor name.
const Vendor = "openai"

// DefaultBaseURL is OpenAI's API root.
const DefaultBaseURL = "https://api.openai.com/v1"

// maxBody bounds a non-streamed response body.
const maxBody = 32 << 20

func init() {
	provider.Register(provider.Vendor{
		Name:           Vendor,
		KeyEnv:         "OPENAI_API_KEY",
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
)

// Client calls one Chat Completions endpoint. It is safe for concurrent use.
type Client struct {
	http    *httpcall.Client
	model   string
	timeout time.Duration
	// reasoning, when set, overrides the model-name test for reasoning models.
	reasoning *bool
}

// New builds a client from cfg. Options understood: "organization" and
// "project" (sent as OpenAI-Organization / OpenAI-Project), "api_key_header"
// (send the key raw in this header instead of Authorization: Bearer, as
// Azure's "api-key") and "reasoning" (bool: force or disable the reasoning
// model request shape). Without cfg.HTTPClient the client gets its own
// keep-alive transport.
func New(cfg provider.Config) (*Client, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	h := http.Header{}
	h.Set("User-Agent", "llm-test-bench")
	keyHeader, err := stringOption(cfg.Options, "api_key_header")
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.APIKey == "":
	case keyHeader != "":
		h.Set(keyHeader, cfg.APIKey)
	default:
		h.Set("Authorization", "Bearer "+cfg.APIKey)
	}
	for opt, header := range map[string]string{"organization": "OpenAI-Organization", "project": "OpenAI-Project"} {
		v, err := stringOption(cfg.Options, opt)
		if err != nil {
			return nil, err
		}
		if v != "" {
			h.Set(header, v)
		}
	}
	for k, v := range cfg.Headers {
		h.Set(k, v)
	}
	c := &Client{model: cfg.Model, timeout: cfg.Timeout}
	if v, ok := cfg.Options["reasoning"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return nil, fmt.Errorf("option reasoning: want true or false, got %v", v)
		}
		c.reasoning = &b
	}
	c.http = httpcall.New(httpcall.Options{
		Vendor: Vendor, BaseURL: base, HTTPClient: cfg.HTTPClient, Header: h, Secrets: []string{cfg.APIKey},
	})
	return c, nil
}

func stringOption(opts map[string]any, name string) (string, error) {
	v, ok := opts[name]
	if !ok || v == nil {
		return "", nil
	}
	s, isString := v.(string)
	if !isString {
		return "", fmt.Errorf("option %s: want a string, got %T", name, v)
	}
	return s, nil
}

// RateLimits returns the x-ratelimit-* headers of the latest response.
func (c *Client) RateLimits() (provider.RateLimits, bool) { return c.http.RateLimits() }

// Models lists the model ids GET /models returns.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := c.getJSON(ctx, "/models", &list); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// Health checks that the endpoint answers GET /models with the given key.
func (c *Client) Health(ctx context.Context) error {
	var list struct {
		Data json.RawMessage `json:"data"`
	}
	return c.getJSON(ctx, "/models", &list)
}

func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	resp, err := c.http.Do(ctx, http.MethodGet, path, nil, "application/json")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return c.http.Transport(ctx, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
			Err: fmt.Errorf("openai: decode %s response: %w", path, err)}
	}
	return nil
}

func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout > 0 {
		return context.WithTimeout(ctx, c.timeout)
	}
	return context.WithCancel(ctx)
}
