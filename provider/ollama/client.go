// Package ollama is a client for Ollama's native API (POST /api/chat
// streamed as NDJSON or not, POST /api/embed, GET /api/tags, GET
// /api/version). It registers the vendor "ollama". Ollama's
// OpenAI-compatible /v1 routes are served by the openai package instead.
package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
)

// Vendor is the registered vendor name.
const Vendor = "ollama"

// DefaultBaseURL is where a local Ollama server listens.
const DefaultBaseURL = "http://localhost:11434"

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
	_ provider.Provider      = (*Client)(nil)
	_ provider.Lister        = (*Client)(nil)
	_ provider.HealthChecker = (*Client)(nil)
	_ provider.InputChecker  = (*Client)(nil)
	_ provider.Embedder      = (*Client)(nil)
)

// Client calls one Ollama server. It is safe for concurrent use.
type Client struct {
	http    *httpcall.Client
	model   string
	opts    settings
	secrets []string // kept out of error messages
}

// settings are the provider options, checked once by New.
type settings struct {
	keepAlive    any             // "5m", or seconds as a number
	format       json.RawMessage // "json" or a JSON schema
	think        any             // true, false, "low", "medium" or "high"
	truncate     *bool
	numCtx       *int
	topLogprobs  *int
	dimensions   *int
	modelOptions map[string]any // more "options" fields: top_k, min_p, repeat_penalty...
}

// optionNames are the names New understands in cfg.Options.
var optionNames = []string{"dimensions", "format", "keep_alive", "model_options", "num_ctx", "think", "top_logprobs", "truncate"}

// New builds a client from cfg. Ollama needs no key; when cfg.APIKey is
// set (ollama.com, or a proxy in front of a server) it is sent as
// Authorization: Bearer. Options understood:
//   - "num_ctx" (whole number): the context window, options.num_ctx.
//     Ollama silently drops the front of a prompt longer than it; set it
//     (and "truncate") when prompts are long;
//   - "truncate" (bool): false makes a prompt longer than the context
//     window an error (context_length) instead of a silent truncation;
//   - "keep_alive" (duration such as "5m", or seconds): how long the model
//     stays loaded after a call;
//   - "think" (true, false, "low", "medium" or "high"): thinking models'
//     thinking, which is not part of the answer text;
//   - "format" ("json" or a JSON schema object): structured output;
//   - "top_logprobs" (0..20): alternatives per token, sent with logprobs
//     when the request's Sampling.TopLogprobs names no count;
//   - "dimensions" (whole number): embedding size, for /api/embed;
//   - "model_options" (table): more fields of "options", such as top_k,
//     min_p or repeat_penalty; a case's sampling wins over them.
//
// Other names are rejected. Without cfg.BaseURL the client calls
// DefaultBaseURL; without cfg.HTTPClient it gets its own keep-alive
// transport.
func New(cfg provider.Config) (*Client, error) {
	if err := options.Check(Vendor, cfg.Options, optionNames); err != nil {
		return nil, err
	}
	opts, err := parseSettings(cfg.Options)
	if err != nil {
		return nil, err
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	h := http.Header{}
	httpcall.SetKey(h, "", cfg.APIKey)
	c := &Client{model: cfg.Model, opts: opts, secrets: []string{cfg.APIKey}}
	c.http = httpcall.New(httpcall.Options{
		Vendor: Vendor, BaseURL: base, HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, Header: h, Custom: cfg.Headers, Secrets: c.secrets,
		Refine: c.refine, RateLimits: noRateLimits,
	})
	return c, nil
}

// noRateLimits is the rate-limit header parser: Ollama sends none.
func noRateLimits(http.Header) (provider.RateLimits, bool) { return provider.RateLimits{}, false }

func parseSettings(o map[string]any) (settings, error) {
	var s settings
	var err error
	if s.numCtx, err = options.Int(o, "num_ctx", 1, math.MaxInt32); err != nil {
		return s, err
	}
	if s.topLogprobs, err = options.Int(o, "top_logprobs", 0, maxTopLogprobs); err != nil {
		return s, err
	}
	if s.dimensions, err = options.Int(o, "dimensions", 1, math.MaxInt32); err != nil {
		return s, err
	}
	if s.truncate, err = options.Bool(o, "truncate"); err != nil {
		return s, err
	}
	if s.keepAlive, err = keepAliveOption(o["keep_alive"]); err != nil {
		return s, err
	}
	if s.think, err = thinkOption(o["think"]); err != nil {
		return s, err
	}
	if s.format, err = formatOption(o["format"]); err != nil {
		return s, err
	}
	if v, ok := o["model_options"]; ok && v != nil {
		m, isMap := v.(map[string]any)
		if !isMap {
			return s, fmt.Errorf("option model_options: want a table of Ollama model options such as top_k, got %T", v)
		}
		s.modelOptions = m
	}
	return s, nil
}

// keepAliveOption accepts a Go duration ("5m", "1h", "-1s" for forever) or
// a number of seconds, as Ollama's keep_alive does.
func keepAliveOption(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if s, ok := v.(string); ok {
		if _, err := time.ParseDuration(s); err != nil {
			return nil, fmt.Errorf("option keep_alive: want a duration such as \"5m\" or a number of seconds, got %q", s)
		}
		return s, nil
	}
	if f, ok := options.Number(v); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return f, nil
	}
	return nil, fmt.Errorf("option keep_alive: want a duration such as \"5m\" or a number of seconds, got %v", v)
}

// thinkOption accepts true, false or a thinking level.
func thinkOption(v any) (any, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case bool:
		return t, nil
	case string:
		if t == "low" || t == "medium" || t == "high" {
			return t, nil
		}
	}
	return nil, fmt.Errorf("option think: want true, false, \"low\", \"medium\" or \"high\", got %v", v)
}

// formatOption accepts "json" or a JSON schema (a table).
func formatOption(v any) (json.RawMessage, error) {
	switch f := v.(type) {
	case nil:
		return nil, nil
	case string:
		if f == "json" {
			return json.RawMessage(`"json"`), nil
		}
	case map[string]any:
		raw, err := json.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("option format: %w", err)
		}
		return raw, nil
	}
	return nil, fmt.Errorf("option format: want \"json\" or a JSON schema table, got %v", v)
}

// Models lists the names GET /api/tags returns ("llama3.2:latest"), sorted.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	var tags struct {
		Models []struct {
			Name  string `json:"name"`
			Model string `json:"model"`
		} `json:"models"`
	}
	if _, err := c.http.GetJSON(ctx, "/api/tags", "/api/tags", &tags); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(tags.Models))
	for _, m := range tags.Models {
		name := m.Name
		if name == "" {
			name = m.Model
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// Version returns the server's version from GET /api/version.
func (c *Client) Version(ctx context.Context) (string, error) {
	var v struct {
		Version string `json:"version"`
	}
	if _, err := c.http.GetJSON(ctx, "/api/version", "/api/version", &v); err != nil {
		return "", err
	}
	if v.Version == "" {
		return "", &provider.Error{Kind: provider.KindTransient,
			Err: errors.New("ollama: /api/version answered without a version; is base_url an Ollama server?")}
	}
	return v.Version, nil
}

// runningBanner is what Ollama answers on GET /.
const runningBanner = "Ollama is running"

// Health checks that the server is an Ollama that answers: GET / must say
// "Ollama is running" or, when it does not (ollama.com, a proxy), GET
// /api/version must give a version. A server that cannot be reached or
// refuses the key fails at once.
func (c *Client) Health(ctx context.Context) error {
	ok, err := c.banner(ctx)
	if ok {
		return nil
	}
	if pe := provider.AsError(err); pe != nil && (pe.StatusCode == 0 || pe.Kind == provider.KindAuth) {
		return err // unreachable, timed out, cancelled, or the key is refused
	}
	_, err = c.Version(ctx)
	return err
}

// banner reports whether GET / answers Ollama's banner.
func (c *Client) banner(ctx context.Context) (bool, error) {
	ctx, cancel := c.http.WithTimeout(ctx)
	defer cancel()
	resp, err := c.http.Do(ctx, http.MethodGet, "/", nil, "")
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if err != nil {
		return false, c.http.Transport(ctx, err)
	}
	return strings.Contains(string(data), runningBanner), nil
}
