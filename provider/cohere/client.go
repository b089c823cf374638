// Package cohere is a client for Cohere's Chat API v2 (POST /v2/chat,
// streamed as named SSE events and not), its Embed API v2 (POST /v2/embed)
// and its model list (GET /v1/models). It registers the vendor "cohere".
package cohere

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
)

// Vendor is the registered vendor name.
const Vendor = "cohere"

// KeyEnv is the variable the key is usually read from (the config layer
// also falls back to CO_API_KEY, the name Cohere's SDKs use).
const KeyEnv = "COHERE_API_KEY"

// DefaultBaseURL is Cohere's API root; the API version is part of each path.
const DefaultBaseURL = "https://api.cohere.com"

// Paths of the routes the client calls, relative to the base URL.
const (
	chatPath   = "/v2/chat"
	modelsPath = "/v1/models"
)

// maxPages bounds GET /v1/models pagination, against a server that never stops.
const maxPages = 100

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
	_ provider.Provider      = (*Client)(nil)
	_ provider.Lister        = (*Client)(nil)
	_ provider.HealthChecker = (*Client)(nil)
	_ provider.InputChecker  = (*Client)(nil)
	_ provider.Embedder      = (*Client)(nil)
)

// Client calls Cohere's Chat API for one model. It is safe for concurrent use.
type Client struct {
	http      *httpcall.Client
	model     string
	inputType string // the embed call's input_type
}

// optionNames are the names New understands in cfg.Options.
var optionNames = []string{"client_name", "input_type"}

// New builds a client from cfg. The key is sent as Authorization: Bearer.
// Options understood: "client_name", sent as X-Client-Name (Cohere uses it
// to attribute traffic), and "input_type", the input_type of embed calls
// (search_document, the default, search_query, classification or
// clustering); other names are rejected. The base URL is
// the API root; a trailing "/v1" or "/v2" is dropped, since each route
// names its own version. Without cfg.HTTPClient the client gets its own
// keep-alive transport.
func New(cfg provider.Config) (*Client, error) {
	if err := options.Check(Vendor, cfg.Options, optionNames); err != nil {
		return nil, err
	}
	h := http.Header{}
	name, err := options.String(cfg.Options, "client_name")
	if err != nil {
		return nil, err
	}
	if name != "" {
		h.Set("X-Client-Name", name)
	}
	inputType, err := options.String(cfg.Options, "input_type")
	if err != nil {
		return nil, err
	}
	if inputType == "" {
		inputType = DefaultInputType
	}
	if !slices.Contains(inputTypes, inputType) {
		return nil, fmt.Errorf("option input_type: want one of %s, got %q", strings.Join(inputTypes, ", "), inputType)
	}
	httpcall.SetKey(h, "", cfg.APIKey)
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	for _, v := range []string{"/v1", "/v2"} {
		base = strings.TrimSuffix(base, v)
	}
	c := &Client{model: cfg.Model, inputType: inputType}
	c.http = httpcall.New(httpcall.Options{
		Vendor: Vendor, BaseURL: base, HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, Header: h, Custom: cfg.Headers, Secrets: []string{cfg.APIKey},
		Refine: refine,
		// Cohere documents no rate-limit headers; this keeps the
		// OpenAI-style parser from reading anything else as one.
		RateLimits: func(http.Header) (provider.RateLimits, bool) { return provider.RateLimits{}, false },
	})
	return c, nil
}

// Models lists the names of the models that serve the chat endpoint (GET
// /v1/models?endpoint=chat), following next_page_token.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	var names []string
	token := ""
	for range maxPages {
		q := url.Values{"endpoint": {"chat"}, "page_size": {"1000"}}
		if token != "" {
			q.Set("page_token", token)
		}
		page, err := c.modelsPage(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, m := range page.Models {
			names = append(names, m.Name)
		}
		if page.NextPageToken == "" || page.NextPageToken == token {
			return names, nil
		}
		token = page.NextPageToken
	}
	return names, nil
}

// modelList is a page of GET /v1/models: models are named by "name", not "id".
type modelList struct {
	Models []struct {
		Name string `json:"name"`
	} `json:"models"`
	NextPageToken string `json:"next_page_token"`
}

func (c *Client) modelsPage(ctx context.Context, q url.Values) (modelList, error) {
	var page modelList
	status, err := c.http.GetJSON(ctx, modelsPath+"?"+q.Encode(), "models", &page)
	if err != nil {
		return modelList{}, err
	}
	if page.Models == nil {
		return modelList{}, &provider.Error{Kind: provider.KindTransient, StatusCode: status,
			Err: fmt.Errorf("%s: %s response has no model list", Vendor, modelsPath)}
	}
	return page, nil
}

// Health checks that Cohere answers a one-model page of GET /v1/models
// with the configured key.
func (c *Client) Health(ctx context.Context) error {
	_, err := c.modelsPage(ctx, url.Values{"endpoint": {"chat"}, "page_size": {"1"}})
	return err
}
