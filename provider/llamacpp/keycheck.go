package llamacpp

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// keyCheckPath is a cheap route that llama-server's API-key middleware
// guards: only /health, /v1/health, /models, /v1/models, /api/tags and
// the web page are open. Tokenizing an empty text takes no slot and no
// model compute.
const keyCheckPath = "/tokenize"

// Health checks that the server is up with its model loaded (GET /health,
// overloaded while it loads) and that it takes the configured key, or
// needs none (see checkKey).
func (c *Client) Health(ctx context.Context) error {
	if err := c.Client.Health(ctx); err != nil {
		return err
	}
	return c.checkKey(ctx)
}

// Models lists the server's model ids (GET /v1/models) and, since that
// list is open to any caller, checks the key as Health does.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	ids, err := c.Client.Models(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.checkKey(ctx); err != nil {
		return nil, err
	}
	return ids, nil
}

// checkKey POSTs an empty text to keyCheckPath with the configured key (or
// none): any 2xx answer means the server takes it. A refused key is an
// auth error saying where it was refused. A 404 or 405 (a proxy in front
// of the server that does not pass the route) leaves the key unchecked
// rather than failing a server that works.
func (c *Client) checkKey(ctx context.Context) error {
	ctx, cancel := c.keyed.WithTimeout(ctx)
	defer cancel()
	resp, err := c.keyed.Do(ctx, http.MethodPost, keyCheckPath, []byte(`{"content":""}`), "application/json")
	if err == nil {
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, httpcall.MaxBody)); err != nil {
			return c.keyed.Transport(ctx, err)
		}
		return nil
	}
	pe := provider.AsError(err)
	switch {
	case pe == nil:
		return err
	case pe.StatusCode == http.StatusNotFound || pe.StatusCode == http.StatusMethodNotAllowed:
		return nil
	case pe.Kind == provider.KindAuth:
		return &provider.Error{Kind: provider.KindAuth, StatusCode: pe.StatusCode,
			Err: fmt.Errorf("%w: POST %s refused the key (/health and /v1/models answer without one); set the key llama-server was started with (--api-key)", pe.Err, keyCheckPath)}
	}
	return pe
}
