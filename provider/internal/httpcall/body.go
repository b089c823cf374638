package httpcall

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// MaxBody bounds a response body that is read whole.
const MaxBody = 32 << 20

// Malformed reports a response body or stream event that is not the JSON
// the vendor documents. It is transient: a proxy or a cut connection is
// the usual cause. status is the response's status, 0 when the caller does
// not know it; the error shows the size and the first 80 bytes of data.
func Malformed(vendor string, status int, what string, data []byte, err error) *provider.Error {
	prefix := data
	if len(prefix) > 80 {
		prefix = prefix[:80]
	}
	return &provider.Error{Kind: provider.KindTransient, StatusCode: status,
		Err: fmt.Errorf("%s: malformed %s JSON (%d bytes, starts %q): %w", vendor, what, len(data), prefix, err)}
}

// WithTimeout bounds ctx by the client's Timeout, when one is set. A call
// runs under it from the request until its answer has been read.
func (c *Client) WithTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout > 0 {
		return context.WithTimeout(ctx, c.timeout)
	}
	return context.WithCancel(ctx)
}

// ReadBody reads a 2xx response body whole, up to MaxBody. A failure while
// reading is classified by Transport.
func (c *Client) ReadBody(ctx context.Context, resp *http.Response) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		return nil, c.Transport(ctx, err)
	}
	return data, nil
}

// GetJSON GETs path, under WithTimeout, and decodes the JSON answer into
// v. An answer that does not decode is Malformed, named as what+"
// response" ("models response"). GetJSON returns the answer's status, for
// callers that find the decoded value lacking.
func (c *Client) GetJSON(ctx context.Context, path, what string, v any) (int, error) {
	return c.callJSON(ctx, http.MethodGet, path, nil, what, v)
}

// PostJSON is GetJSON for a POST of the JSON body.
func (c *Client) PostJSON(ctx context.Context, path string, body []byte, what string, v any) (int, error) {
	return c.callJSON(ctx, http.MethodPost, path, body, what, v)
}

func (c *Client) callJSON(ctx context.Context, method, path string, body []byte, what string, v any) (int, error) {
	ctx, cancel := c.WithTimeout(ctx)
	defer cancel()
	resp, err := c.Do(ctx, method, path, body, "application/json")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := c.ReadBody(ctx, resp)
	if err != nil {
		return 0, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return 0, Malformed(c.vendor, resp.StatusCode, what+" response", data, err)
	}
	return resp.StatusCode, nil
}
