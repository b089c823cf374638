package anthropic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/sse"
)

// drainLimit bounds what is read after message_stop so the connection can
// be reused.
const drainLimit = 64 << 10

// Generate sends one Messages call (exactly one HTTP attempt; the caller
// retries) and returns the answer. A streamed call emits each text delta as
// it arrives; otherwise the whole text is emitted once. A request without
// max_tokens gets the provider's "max_tokens" option. A seed or logprobs
// fail before the call as bad_request (see Body).
func (c *Client) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	model := req.Model
	if model == "" {
		model = c.model
	}
	if model == "" {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest,
			Err: fmt.Errorf("%s: no model: name one as anthropic:<model>, such as anthropic:claude-sonnet-4-20250514", Vendor)}
	}
	if req.Sampling.MaxTokens == nil {
		n := c.maxTokens
		req.Sampling.MaxTokens = &n
	}
	body, err := Body(req, model, "", req.Stream)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: %w", Vendor, err)}
	}
	accept, read := "application/json", c.readBody
	if req.Stream {
		accept, read = "text/event-stream", c.readStream
	}
	out, err := c.http.Post(ctx, "/v1/messages", body, accept, read, model, emit)
	if out.Model == "" {
		out.Model = model
	}
	return out, err
}

// readBody decodes a non-streamed answer and emits its text once.
func (c *Client) readBody(ctx context.Context, resp *http.Response, _ string, emit func(provider.Chunk) error) (provider.Response, error) {
	data, err := c.http.ReadBody(ctx, resp)
	if err != nil {
		return provider.Response{}, err
	}
	out, err := ParseResponse(data)
	if err != nil {
		if pe := provider.AsError(err); pe != nil && pe.StatusCode == 0 {
			pe.StatusCode = resp.StatusCode
		}
		return provider.Response{}, err
	}
	if err := emit(provider.Chunk{Text: out.Text}); err != nil {
		return out, fmt.Errorf("%s: emit: %w", Vendor, err)
	}
	return out, nil
}

// readStream decodes the SSE stream until message_stop, emitting each text
// delta. An "error" event fails with its classified error; a stream that
// ends before message_stop was cut off and fails as transient, wrapping
// httpcall.ErrStreamTruncated.
func (c *Client) readStream(ctx context.Context, resp *http.Response, _ string, emit func(provider.Chunk) error) (provider.Response, error) {
	dec := sse.NewDecoder(resp.Body)
	s := Stream{secrets: c.http.Secrets()}
	for !s.Done() {
		ev, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return provider.Response{}, c.http.ReadError(ctx, resp.StatusCode, err)
		}
		if ev.Type == "error" {
			return provider.Response{}, streamError(Vendor, ev.Data, c.http.Secrets())
		}
		text, _, err := s.Event(ev.Data)
		if err != nil {
			return provider.Response{}, err
		}
		if text != "" {
			if err := emit(provider.Chunk{Text: text}); err != nil {
				return provider.Response{}, fmt.Errorf("%s: emit: %w", Vendor, err)
			}
		}
	}
	if !s.Done() {
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
			Err: fmt.Errorf("%s: %w before message_stop, after %d bytes of text", Vendor, httpcall.ErrStreamTruncated, len(s.text))}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
	return s.Response(), nil
}
