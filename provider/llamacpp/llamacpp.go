// Package llamacpp is a client for llama.cpp's llama-server through its
// OpenAI-compatible routes (/v1/chat/completions, /v1/embeddings,
// /v1/models) and its /health route. It registers the vendor "llamacpp".
//
// What differs from OpenAI, and what the client does about it:
//
//   - Prompt cut to fit. With its default flags llama-server keeps a prompt
//     longer than its context by cutting it and answers as if nothing
//     happened; usage.prompt_tokens then counts only what was kept. Start
//     the server with --no-context-shift (and a --ctx-size that holds the
//     longest prompt plus max_tokens) so such a call fails with a
//     context_length error instead. The client also compares the prompt
//     tokens the server reports with a floor of the prompt's own size (see
//     provider/internal/promptsize) and adds a warning to the response when
//     the server counted fewer than half of it.
//   - Errors as HTTP 500. "context shift is disabled" (the prompt plus
//     max_tokens outgrew the context of a --no-context-shift server) is
//     context_length; the request checks that builds before mid-2025 answer
//     with 500 ("Only one completion choice is allowed" and the others in
//     errors.go) are bad_request. Other 500s stay transient.
//   - Prompt cache. The server reuses the cached start of a prompt but
//     reports it only in its "timings" object: cached tokens are the prompt
//     tokens minus timings.prompt_n.
//   - Open routes. /health and /v1/models answer without the --api-key, so
//     Health and Models also POST /tokenize, which the key guards, and
//     report a refused key as an auth error.
package llamacpp

import (
	"context"
	"net/http"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
	"github.com/llm-test-bench/llm-test-bench/provider/openai"
)

// Vendor is the registered vendor name.
const Vendor = "llamacpp"

// DefaultBaseURL is llama-server's usual address (newer builds may listen
// on port 9931: set base_url).
const DefaultBaseURL = "http://localhost:8080"

func init() {
	provider.Register(provider.Vendor{
		Name:           Vendor,
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
	_ provider.InputChecker      = (*Client)(nil)
)

// Inputs are what llama-server takes with a multimodal projector loaded:
// images inline or by URL, and wav or mp3 audio inline.
var Inputs = openai.Inputs{ImageTypes: openai.OpenAIImages, ImageURL: true, AudioTypes: openai.OpenAIAudio}

// Client calls one llama-server. It is safe for concurrent use.
type Client struct {
	*openai.Client
	// keyed sends the key check with the same key, headers and transport
	// as the chat calls.
	keyed *httpcall.Client
}

// New builds a client from cfg. No key is needed; one given (llama-server
// --api-key) is sent as Authorization: Bearer. A base URL ending in /v1 is
// accepted. Health GETs /health, which answers 503 while the model loads
// (overloaded, so callers wait and retry). The options are those of
// openai.NewCompatible.
func New(cfg provider.Config) (*Client, error) {
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(base, "/v1")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = httpcall.NewHTTPClient() // shared by the chat calls and the key check
	}
	inner, err := openai.NewCompatible(cfg, openai.Dialect{
		Vendor:     Vendor,
		ChatPath:   func(string) string { return "/v1/chat/completions" },
		EmbedPath:  func(string) string { return "/v1/embeddings" },
		ModelsPath: "/v1/models",
		HealthPath: "/health",
		Inputs:     Inputs,
		Refine:     refine,
	})
	if err != nil {
		return nil, err
	}
	keyHeader, err := options.String(cfg.Options, "api_key_header")
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	httpcall.SetKey(h, keyHeader, cfg.APIKey)
	keyed := httpcall.New(httpcall.Options{
		Vendor: Vendor, BaseURL: cfg.BaseURL, HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout,
		Header: h, Custom: cfg.Headers, Secrets: []string{cfg.APIKey}, Refine: refine,
	})
	return &Client{Client: inner, keyed: keyed}, nil
}

// Generate sends one chat call as openai.Client does, and warns in the
// response when the server counted far fewer prompt tokens than the
// prompt holds (see the package comment).
func (c *Client) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	resp, err := c.Client.Generate(ctx, req, emit)
	if err != nil {
		return resp, err
	}
	if w := truncationWarning(req.Messages, resp.Usage.Prompt); w != "" {
		resp.Warnings = append(resp.Warnings, w)
	}
	return resp, nil
}
