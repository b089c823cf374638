package httpcall

import (
	"context"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Reader decodes the 2xx answer to a generate call for model, emitting its
// text as provider.Provider's Generate documents.
type Reader func(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error)

// Post sends one generate call: body to path, asking for the media type
// accept, under WithTimeout. It returns read's decoding of a 2xx answer,
// whose body it closes after, and Do's error for any other outcome.
func (c *Client) Post(ctx context.Context, path string, body []byte, accept string, read Reader, model string, emit func(provider.Chunk) error) (provider.Response, error) {
	ctx, cancel := c.WithTimeout(ctx)
	defer cancel()
	resp, err := c.Do(ctx, http.MethodPost, path, body, accept)
	if err != nil {
		return provider.Response{}, err
	}
	defer resp.Body.Close()
	return read(ctx, resp, model, emit)
}
