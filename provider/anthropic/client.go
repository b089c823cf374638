// Package anthropic is a client for Anthropic's Messages API (POST
// /v1/messages, streamed as named server-sent events or not) and its models
// list. It registers the vendor "anthropic". Body, ParseResponse and Stream
// are exported for other transports of the same Messages body and events,
// such as Bedrock's InvokeModel for Claude models.
package anthropic

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
)

// Vendor is the registered vendor name.
const Vendor = "anthropic"

// KeyEnv is the variable Anthropic's key is usually read from.
const KeyEnv = "ANTHROPIC_API_KEY"

// DefaultBaseURL is Anthropic's API root; paths start with /v1.
const DefaultBaseURL = "https://api.anthropic.com"

// APIVersion is the anthropic-version header every call sends.
const APIVersion = "2023-06-01"

const (
	// modelsPage is the page size of GET /v1/models (the API's maximum).
	modelsPage = 1000
	// maxModelPages stops a models listing whose pages never end.
	maxModelPages = 100
)

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
	_ provider.InputChecker      = (*Client)(nil)
)

// Client calls Anthropic's Messages API. It is safe for concurrent use.
type Client struct {
	http      *httpcall.Client
	model     string
	maxTokens int
	// now is the clock for rate-limit reset times (a field for tests).
	now func() time.Time
}

// optionNames are the option names New understands.
var optionNames = []string{"beta", "max_tokens"}

// New builds a client from cfg. Options understood:
//   - "beta" (list of strings, or one comma-separated string): sent as the
//     anthropic-beta header, to turn on beta features;
//   - "max_tokens" (whole number): the max_tokens of calls whose request
//     sets none (the API requires one); default DefaultMaxTokens.
//
// Other names are rejected. Calls go to cfg.BaseURL (DefaultBaseURL when
// empty; a trailing "/v1" is dropped, since every path starts with it)
// with x-api-key (when cfg.APIKey is set), anthropic-version APIVersion and
// cfg.Headers, which win over the others.
func New(cfg provider.Config) (*Client, error) {
	if err := options.Check(Vendor, cfg.Options, optionNames); err != nil {
		return nil, err
	}
	c := &Client{model: cfg.Model, maxTokens: DefaultMaxTokens, now: time.Now}
	if n, err := options.Int(cfg.Options, "max_tokens", 1, math.MaxInt32); err != nil {
		return nil, err
	} else if n != nil {
		c.maxTokens = *n
	}
	betas, err := listOption(cfg.Options, "beta")
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	base = strings.TrimSuffix(base, "/v1")
	h := http.Header{}
	h.Set("Anthropic-Version", APIVersion)
	httpcall.SetKey(h, "X-Api-Key", cfg.APIKey)
	if len(betas) > 0 {
		h.Set("Anthropic-Beta", strings.Join(betas, ","))
	}
	c.http = httpcall.New(httpcall.Options{
		Vendor: Vendor, BaseURL: base, HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, Header: h, Custom: cfg.Headers, Secrets: []string{cfg.APIKey},
		Refine:     c.refine,
		RateLimits: func(h http.Header) (provider.RateLimits, bool) { return parseRateLimits(h, c.now()) },
	})
	return c, nil
}

// listOption reads a list of non-empty strings, given as a list or as one
// comma-separated string.
func listOption(opts map[string]any, name string) ([]string, error) {
	v, found := opts[name]
	if !found || v == nil {
		return nil, nil
	}
	var items []string
	switch x := v.(type) {
	case string:
		items = strings.Split(x, ",")
	case []string:
		items = x
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("option %s: want a list of strings, got an item %v (%T)", name, e, e)
			}
			items = append(items, s)
		}
	default:
		return nil, fmt.Errorf("option %s: want a list of strings, got %T", name, v)
	}
	out := make([]string, 0, len(items))
	for _, s := range items {
		if s = strings.TrimSpace(s); s == "" {
			return nil, fmt.Errorf("option %s: empty item", name)
		}
		out = append(out, s)
	}
	return out, nil
}

// CheckInput reports whether the Messages API takes p: images inline as
// JPEG, PNG, GIF or WebP, or by http(s) URL; no audio.
func (c *Client) CheckInput(p bench.Part) error { return checkPart(Vendor, p) }

// RateLimits returns the anthropic-ratelimit-* headers of the latest
// response that carried them.
func (c *Client) RateLimits() (provider.RateLimits, bool) { return c.http.RateLimits() }

// modelList is a page of GET /v1/models.
type modelList struct {
	Data []struct {
		ID string `json:"id"`
	} `json:"data"`
	HasMore bool   `json:"has_more"`
	LastID  string `json:"last_id"`
}

// Models lists the ids of the models the key can use, following the pages
// (has_more, after_id=last_id).
func (c *Client) Models(ctx context.Context) ([]string, error) {
	ctx, cancel := c.http.WithTimeout(ctx)
	defer cancel()
	var ids []string
	after := ""
	for range maxModelPages {
		q := url.Values{"limit": {fmt.Sprint(modelsPage)}}
		if after != "" {
			q.Set("after_id", after)
		}
		var page modelList
		if _, err := c.http.GetJSON(ctx, "/v1/models?"+q.Encode(), "models", &page); err != nil {
			return nil, err
		}
		if page.Data == nil {
			return nil, &provider.Error{Kind: provider.KindTransient, StatusCode: http.StatusOK,
				Err: fmt.Errorf("%s: models response has no data list", Vendor)}
		}
		for _, m := range page.Data {
			ids = append(ids, m.ID)
		}
		if !page.HasMore || page.LastID == "" || page.LastID == after {
			break
		}
		after = page.LastID
	}
	return ids, nil
}

// Health checks that the API answers a one-model page of GET /v1/models
// with the configured key.
func (c *Client) Health(ctx context.Context) error {
	var page modelList
	_, err := c.http.GetJSON(ctx, "/v1/models?limit=1", "models", &page)
	return err
}
