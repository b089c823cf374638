package httpcall

import (
	"context"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

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
