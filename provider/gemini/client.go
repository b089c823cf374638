// Package gemini is a client for Google's Gemini API (generateContent and
// streamGenerateContent on generativelanguage.googleapis.com, v1beta). It
// registers the vendor "gemini" and its alias "google".
package gemini

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
)

// Vendor is the registered vendor name; Alias is registered with the same factory.
const (
	Vendor = "gemini"
	Alias  = "google"
)

// KeyEnv is the variable the key is usually read from (the config layer
// also falls back to GOOGLE_API_KEY).
const KeyEnv = "GEMINI_API_KEY"

// DefaultBaseURL is the Gemini API's root; the API version is added per call.
const DefaultBaseURL = "https://generativelanguage.googleapis.com"

// DefaultAPIVersion is the API version put in every path.
const DefaultAPIVersion = "v1beta"

// maxPages bounds GET /models pagination, against a server that never stops.
const maxPages = 100

func init() {
	for _, name := range []string{Vendor, Alias} {
		provider.Register(provider.Vendor{
			Name:           name,
			KeyEnv:         KeyEnv,
			DefaultBaseURL: DefaultBaseURL,
			New: func(cfg provider.Config) (provider.Provider, error) {
				return New(cfg)
			},
		})
	}
}

var (
	_ provider.Provider      = (*Client)(nil)
	_ provider.Lister        = (*Client)(nil)
	_ provider.HealthChecker = (*Client)(nil)
	_ provider.InputChecker  = (*Client)(nil)
	_ provider.Embedder      = (*Client)(nil)
)

// Client calls the Gemini API for one model. It is safe for concurrent use.
type Client struct {
	http   *httpcall.Client
	model  string
	prefix string // "/v1beta", or "" when the base URL already ends in a version
	// thinkingBudget, when set, is sent as generationConfig.thinkingConfig.thinkingBudget.
	thinkingBudget *int
}

// optionNames are the names New understands in cfg.Options.
var optionNames = []string{"api_version", "thinking_budget"}

// New builds a client from cfg. The key is sent in the x-goog-api-key
// header. Options understood: "api_version" (default "v1beta"; ignored when
// the base URL already ends in a version segment such as "/v1beta") and
// "thinking_budget" (an integer sent as
// generationConfig.thinkingConfig.thinkingBudget: 0 turns thinking off on
// models that allow it, -1 lets the model decide). Other option names are
// rejected. Without cfg.HTTPClient the client gets its own keep-alive
// transport.
func New(cfg provider.Config) (*Client, error) {
	if err := options.Check(Vendor, cfg.Options, optionNames); err != nil {
		return nil, err
	}
	version := DefaultAPIVersion
	if v, ok := cfg.Options["api_version"]; ok && v != nil {
		s, isString := v.(string)
		if !isString || !versionSegment.MatchString(s) {
			return nil, fmt.Errorf("option api_version: want a version such as %q or \"v1\", got %v", DefaultAPIVersion, v)
		}
		version = s
	}
	c := &Client{model: trimModel(cfg.Model)}
	if v, ok := cfg.Options["thinking_budget"]; ok && v != nil {
		n, err := intOption(v)
		if err != nil {
			return nil, fmt.Errorf("option thinking_budget: %w", err)
		}
		c.thinkingBudget = &n
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if i := strings.LastIndexByte(base, '/'); i < 0 || !versionSegment.MatchString(base[i+1:]) {
		c.prefix = "/" + version
	}
	h := http.Header{}
	httpcall.SetKey(h, "X-Goog-Api-Key", cfg.APIKey)
	c.http = httpcall.New(httpcall.Options{
		Vendor: Vendor, BaseURL: base, HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, Header: h, Custom: cfg.Headers, Secrets: []string{cfg.APIKey},
		Refine: refine,
	})
	return c, nil
}

// versionSegment matches an API version path segment: v1, v1beta, v1alpha, v2beta3.
var versionSegment = regexp.MustCompile(`^v[0-9]+(?:(?:alpha|beta)[0-9]*)?$`)

// intOption reads a whole number from a config value (TOML and YAML give
// integers, JSON gives float64).
func intOption(v any) (int, error) {
	switch n := v.(type) {
	case int:
		return n, nil
	case int64:
		if n >= math.MinInt32 && n <= math.MaxInt32 {
			return int(n), nil
		}
	case uint64:
		if n <= math.MaxInt32 {
			return int(n), nil
		}
	case float64:
		if n == math.Trunc(n) && n >= math.MinInt32 && n <= math.MaxInt32 {
			return int(n), nil
		}
	default:
		return 0, fmt.Errorf("want a whole number, got %T", v)
	}
	return 0, fmt.Errorf("want a whole number in range, got %v", v)
}

// trimModel drops the "models/" prefix the API uses in resource names, so
// "models/gemini-2.5-flash" and "gemini-2.5-flash" name the same model.
func trimModel(model string) string {
	return strings.TrimPrefix(strings.TrimSpace(model), "models/")
}

// resourceName is model's API resource name: "models/gemini-2.5-flash", or
// "tunedModels/x" for a tuned model.
func resourceName(model string) string {
	model = trimModel(model)
	if strings.HasPrefix(model, "tunedModels/") {
		return model
	}
	return "models/" + model
}

// modelPath is the resource path of model, such as
// "/v1beta/models/gemini-2.5-flash". Tuned models keep their own collection
// ("tunedModels/x"); each segment is escaped.
func (c *Client) modelPath(model string) string {
	model = trimModel(model)
	collection := "models"
	if rest, ok := strings.CutPrefix(model, "tunedModels/"); ok {
		collection, model = "tunedModels", rest
	}
	return c.prefix + "/" + collection + "/" + url.PathEscape(model)
}

// Models lists the models GET /models returns, following nextPageToken, as
// ids without the "models/" prefix, sorted.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	var ids []string
	token := ""
	for range maxPages {
		q := url.Values{"pageSize": {"1000"}}
		if token != "" {
			q.Set("pageToken", token)
		}
		var page struct {
			Models []struct {
				Name string `json:"name"`
			} `json:"models"`
			NextPageToken string `json:"nextPageToken"`
		}
		path := c.prefix + "/models?" + q.Encode()
		if _, err := c.http.GetJSON(ctx, path, path, &page); err != nil {
			return nil, err
		}
		for _, m := range page.Models {
			ids = append(ids, trimModel(m.Name))
		}
		if page.NextPageToken == "" || page.NextPageToken == token {
			sort.Strings(ids)
			return ids, nil
		}
		token = page.NextPageToken
	}
	return nil, &provider.Error{Kind: provider.KindTransient,
		Err: fmt.Errorf("gemini: list models: more than %d pages", maxPages)}
}

// Health checks that the API answers GET /models with the configured key.
func (c *Client) Health(ctx context.Context) error {
	var page struct {
		Models json.RawMessage `json:"models"`
	}
	path := c.prefix + "/models?pageSize=1"
	_, err := c.http.GetJSON(ctx, path, path, &page)
	return err
}
