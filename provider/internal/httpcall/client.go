// Package httpcall is the HTTP layer every vendor client shares: it builds
// requests with auth and custom headers, sends exactly one attempt with the
// configured *http.Client, and turns every failure (HTTP status, vendor error
// body, network error, deadline) into a *provider.Error with the right Kind
// and RetryAfter. It never puts an API key into an error.
package httpcall

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// NewHTTPClient returns a client with its own keep-alive transport sized for
// benchmarking: many idle connections per host and HTTP/2 when offered. It
// sets no overall timeout, since streams may run long; callers bound calls
// with their context.
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 1024
	t.MaxIdleConnsPerHost = 256
	t.IdleConnTimeout = 90 * time.Second
	t.ForceAttemptHTTP2 = true
	return &http.Client{Transport: t}
}

// Client sends requests to one vendor's API.
type Client struct {
	vendor  string
	base    string
	http    *http.Client
	header  http.Header
	secrets []string
	timeout time.Duration

	refine     func(pe *provider.Error, status int, h http.Header, body []byte)
	rateLimits func(h http.Header) (provider.RateLimits, bool)
	sign       func(req *http.Request, body []byte) error

	mu     sync.Mutex
	limits provider.RateLimits
	seen   bool
}

// Options configures a Client.
type Options struct {
	// Vendor names the service in error messages.
	Vendor string
	// BaseURL is joined with each call's path.
	BaseURL string
	// HTTPClient sends the calls; nil means NewHTTPClient().
	HTTPClient *http.Client
	// Header is sent on every call: the vendor's auth (see SetKey) and
	// its own headers. UserAgent is added when it names none.
	Header http.Header
	// Custom are the headers the configuration adds (provider.Config's
	// Headers); they are set over Header.
	Custom map[string]string
	// Secrets are removed from every error message (API keys).
	Secrets []string
	// Timeout, when positive, bounds each call made under WithTimeout:
	// the request and the reading of its answer.
	Timeout time.Duration
	// Refine, when set, adjusts the classification of a failed response with
	// the vendor's own rules (retry hints in the body, special statuses).
	Refine func(pe *provider.Error, status int, h http.Header, body []byte)
	// RateLimits, when set, replaces the OpenAI-style x-ratelimit-* parser.
	RateLimits func(h http.Header) (provider.RateLimits, bool)
	// Sign, when set, signs each request after its headers are set (AWS SigV4).
	Sign func(req *http.Request, body []byte) error
}

// New returns a Client.
func New(o Options) *Client {
	hc := o.HTTPClient
	if hc == nil {
		hc = NewHTTPClient()
	}
	return &Client{
		vendor:  o.Vendor,
		base:    strings.TrimRight(o.BaseURL, "/"),
		http:    hc,
		header:  header(o.Header, o.Custom),
		secrets: o.Secrets,
		timeout: o.Timeout,

		refine:     o.Refine,
		rateLimits: o.RateLimits,
		sign:       o.Sign,
	}
}

// Vendor returns the vendor name given to New.
func (c *Client) Vendor() string { return c.vendor }

// Secrets returns the values kept out of error messages.
func (c *Client) Secrets() []string { return c.secrets }

// RateLimits returns the rate-limit headers of the most recent response that
// carried any, and whether one did. It implements provider.RateLimitReporter
// for clients that embed or forward it.
func (c *Client) RateLimits() (provider.RateLimits, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.limits, c.seen
}

// Do sends one request to base+path with body (nil for none) and returns the
// response when its status is 2xx; the caller closes its body. Every other
// outcome is returned as a *provider.Error.
func (c *Client) Do(ctx context.Context, method, path string, body []byte, accept string) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: build request: %s", c.vendor, Redact(err.Error(), c.secrets...))}
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	// The call's trace context (its span's traceparent, never baggage),
	// before signing so that a signature covers what is sent.
	tracing.Inject(ctx, req.Header)
	if c.sign != nil {
		if err := c.sign(req, body); err != nil {
			return nil, &provider.Error{Kind: provider.KindAuth, Err: fmt.Errorf("%s: sign request: %s", c.vendor, Redact(err.Error(), c.secrets...))}
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.Transport(ctx, err)
	}
	parse := ParseRateLimits
	if c.rateLimits != nil {
		parse = c.rateLimits
	}
	if rl, ok := parse(resp.Header); ok {
		c.mu.Lock()
		c.limits, c.seen = rl, true
		c.mu.Unlock()
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if rerr != nil && len(data) == 0 {
		data = []byte("(body unreadable: " + rerr.Error() + ")")
	}
	pe := Classify(c.vendor, resp.StatusCode, resp.Header, data, time.Now(), c.secrets...)
	if c.refine != nil {
		c.refine(pe, resp.StatusCode, resp.Header, data)
	}
	return nil, pe
}

// Transport classifies an error that happened while sending or reading: an
// expired ctx deadline or a client timeout is a timeout, a cancelled ctx is
// returned as transient wrapping context.Canceled, anything else (refused
// connection, reset, unexpected EOF) is transient.
func (c *Client) Transport(ctx context.Context, err error) *provider.Error {
	if pe := provider.AsError(err); pe != nil {
		return pe
	}
	msg := Redact(err.Error(), c.secrets...)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return &provider.Error{Kind: provider.KindTimeout, Err: fmt.Errorf("%s: %w", c.vendor, context.DeadlineExceeded)}
	case ctx.Err() != nil:
		return &provider.Error{Kind: provider.KindTransient, Err: fmt.Errorf("%s: %w", c.vendor, ctx.Err())}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &provider.Error{Kind: provider.KindTimeout, Err: fmt.Errorf("%s: %s", c.vendor, msg)}
	}
	return &provider.Error{Kind: provider.KindTransient, Err: fmt.Errorf("%s: %s", c.vendor, msg)}
}
