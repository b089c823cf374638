package httpcall

import (
	"context"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/sse"
)

// ReadError classifies a failure to read the next event of a streamed
// answer from an sse.Decoder: a line longer than the decoder takes is
// transient, with the answer's status; anything else (a cut connection,
// the deadline, cancellation) is classified by Transport.
func (c *Client) ReadError(ctx context.Context, status int, err error) *provider.Error {
	if errors.Is(err, sse.ErrLineTooLong) {
		return &provider.Error{Kind: provider.KindTransient, StatusCode: status, Err: fmt.Errorf("%s: read stream: %w", c.vendor, err)}
	}
	return c.Transport(ctx, fmt.Errorf("read stream: %w", err))
}
