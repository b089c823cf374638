package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/sse"
)

// Generate sends one POST /chat/completions (exactly one HTTP attempt; the
// caller retries) and returns the answer. A streamed call emits each content
// delta as it arrives; otherwise the whole text is emitted once.
func (c *Client) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	model := req.Model
	if model == "" {
		model = c.model
	}
	body, err := c.body(req, model)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("openai: %w", err)}
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	accept := "application/json"
	if req.Stream {
		accept = "text/event-stream"
	}
	resp, err := c.http.Do(ctx, http.MethodPost, "/chat/completions", body, accept)
	if err != nil {
		return provider.Response{}, err
	}
	defer resp.Body.Close()
	if req.Stream {
		return c.readStream(ctx, resp, model, emit)
	}
	return c.readBody(ctx, resp, model, emit)
}

// readBody decodes a non-streamed chat.completion. Leading whitespace, which
// OpenRouter sends as keep-alive, is allowed by the JSON decoder.
func (c *Client) readBody(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return provider.Response{}, c.http.Transport(ctx, err)
	}
	var comp completion
	if err := json.Unmarshal(data, &comp); err != nil {
		return provider.Response{}, malformed(resp.StatusCode, "response", data, err)
	}
	if comp.hasError() {
		return provider.Response{}, httpcall.ClassifyStreamError(Vendor, data, c.http.Secrets()...)
	}
	if len(comp.Choices) == 0 {
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
			Err: errors.New("openai: response has no choices")}
	}
	var st state
	st.apply(&comp)
	out := st.response(model)
	if err := emit(provider.Chunk{Text: out.Text}); err != nil {
		return out, fmt.Errorf("openai: emit: %w", err)
	}
	return out, nil
}

// readStream decodes an SSE stream of chat.completion.chunk events until
// [DONE]. A stream that ends without [DONE] and without a finish_reason was
// cut off and fails as transient.
func (c *Client) readStream(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
	dec := sse.NewDecoder(resp.Body)
	var st state
	var fast chunkDecoder
	done := false
	for !done {
		ev, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, sse.ErrLineTooLong) {
				return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode, Err: fmt.Errorf("openai: read stream: %w", err)}
			}
			return provider.Response{}, c.http.Transport(ctx, fmt.Errorf("read stream: %w", err))
		}
		text, end, err := c.chunk(ev, &st, &fast)
		if err != nil {
			return provider.Response{}, err
		}
		done = end
		if text != "" {
			if err := emit(provider.Chunk{Text: text}); err != nil {
				return provider.Response{}, fmt.Errorf("openai: emit: %w", err)
			}
		}
	}
	if !done && st.finish == "" {
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
			Err: fmt.Errorf("openai: %w after %d bytes of text", httpcall.ErrStreamTruncated, len(st.text))}
	}
	return st.response(model), nil
}

// chunk folds one SSE event into st, returning its text and whether it ends
// the stream. An "error" event, llama.cpp's "error:" field or a chunk with
// an error object fails. The common chunk shape is decoded by fast; what it
// does not understand goes through encoding/json.
func (c *Client) chunk(ev sse.Event, st *state, fast *chunkDecoder) (text string, done bool, err error) {
	if ev.Done() {
		return "", true, nil
	}
	data := bytes.TrimSpace(ev.Data)
	if len(ev.Error) > 0 {
		return "", false, httpcall.ClassifyStreamError(Vendor, ev.Error, c.http.Secrets()...)
	}
	if ev.Type == "error" {
		return "", false, httpcall.ClassifyStreamError(Vendor, data, c.http.Secrets()...)
	}
	if len(data) == 0 {
		return "", false, nil
	}
	if fast.decode(data) {
		if fast.hasError {
			return "", false, httpcall.ClassifyStreamError(Vendor, data, c.http.Secrets()...)
		}
		return st.applyFields(&fast.chunkFields), false, nil
	}
	var comp completion
	if err := json.Unmarshal(data, &comp); err != nil {
		return "", false, malformed(http.StatusOK, "stream chunk", data, err)
	}
	if comp.hasError() {
		return "", false, httpcall.ClassifyStreamError(Vendor, data, c.http.Secrets()...)
	}
	return st.apply(&comp), false, nil
}

// malformed reports a body that is not the JSON we expect. It is transient:
// a proxy or a cut connection is the usual cause.
func malformed(status int, what string, data []byte, err error) *provider.Error {
	prefix := data
	if len(prefix) > 80 {
		prefix = prefix[:80]
	}
	return &provider.Error{Kind: provider.KindTransient, StatusCode: status,
		Err: fmt.Errorf("openai: malformed %s JSON (%d bytes, starts %q): %w", what, len(data), prefix, err)}
}
