package gemini

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

// Generate sends one POST .../models/{model}:generateContent, or
// :streamGenerateContent?alt=sse when req.Stream is set (exactly one HTTP
// attempt; the caller retries), and returns the answer. A streamed call
// emits each text fragment as it arrives; otherwise the whole text is
// emitted once. With Sampling.TopLogprobs set, Response.TopLogprobs holds
// each chosen token with the top candidates of its step (logprobsResult),
// when the model offers them.
func (c *Client) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	model := trimModel(req.Model)
	if model == "" {
		model = c.model
	}
	if model == "" {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: errors.New("gemini: no model given (use gemini:MODEL)")}
	}
	body, err := c.body(req)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("gemini: %w", err)}
	}
	path, accept := c.modelPath(model)+":generateContent", "application/json"
	if req.Stream {
		path, accept = c.modelPath(model)+":streamGenerateContent?alt=sse", "text/event-stream"
	}
	return c.http.Post(ctx, path, body, accept, c.reader(req.Stream, req.Sampling.TopLogprobs > 0), model, emit)
}

// reader returns the decoder of a streamed or whole answer; top keeps each
// token and its top candidates (Response.TopLogprobs).
func (c *Client) reader(stream, top bool) httpcall.Reader {
	if stream {
		return func(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
			return c.readStream(ctx, resp, model, top, emit)
		}
	}
	return func(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
		return c.readBody(ctx, resp, model, top, emit)
	}
}

// readBody decodes a non-streamed GenerateContentResponse. A prompt blocked
// by promptFeedback is an answer (content_filter), not an error; a response
// with neither candidates nor a block reason is transient.
func (c *Client) readBody(ctx context.Context, resp *http.Response, model string, top bool, emit func(provider.Chunk) error) (provider.Response, error) {
	data, err := c.http.ReadBody(ctx, resp)
	if err != nil {
		return provider.Response{}, err
	}
	var gr generateResponse
	if err := json.Unmarshal(data, &gr); err != nil {
		return provider.Response{}, httpcall.Malformed(Vendor, resp.StatusCode, "response", data, err)
	}
	if gr.hasError() {
		return provider.Response{}, c.bodyError(data)
	}
	st := state{wantTop: top}
	st.apply(&gr)
	if len(gr.Candidates) == 0 && st.blocked == "" {
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
			Err: errors.New("gemini: response has no candidates")}
	}
	out := st.response(model)
	if err := emit(provider.Chunk{Text: out.Text}); err != nil {
		return out, fmt.Errorf("gemini: emit: %w", err)
	}
	return out, nil
}

// readStream decodes the SSE stream of GenerateContentResponse events. The
// stream has no terminator: it is complete when a candidate carried a
// finishReason (or the prompt was blocked) before the body ended. A stream
// that ends without one was cut off and fails as transient.
func (c *Client) readStream(ctx context.Context, resp *http.Response, model string, top bool, emit func(provider.Chunk) error) (provider.Response, error) {
	dec := sse.NewDecoder(resp.Body)
	st := state{wantTop: top}
	for {
		ev, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return provider.Response{}, c.http.ReadError(ctx, resp.StatusCode, err)
		}
		text, err := c.event(ev, &st)
		if err != nil {
			return provider.Response{}, err
		}
		if text != "" {
			if err := emit(provider.Chunk{Text: text}); err != nil {
				return provider.Response{}, fmt.Errorf("gemini: emit: %w", err)
			}
		}
	}
	if !st.done() {
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
			Err: fmt.Errorf("gemini: %w after %d bytes of text", httpcall.ErrStreamTruncated, len(st.text))}
	}
	return st.response(model), nil
}

// event folds one SSE event into st and returns its text. An error object
// (Google sends one in the stream when a call fails after the 200) fails
// the call with its classified kind.
func (c *Client) event(ev sse.Event, st *state) (string, error) {
	data := bytes.TrimSpace(ev.Data)
	if len(ev.Error) > 0 {
		return "", c.bodyError(ev.Error)
	}
	if ev.Type == "error" {
		return "", c.bodyError(data)
	}
	if len(data) == 0 {
		return "", nil
	}
	var gr generateResponse
	if err := json.Unmarshal(data, &gr); err != nil {
		return "", httpcall.Malformed(Vendor, http.StatusOK, "stream event", data, err)
	}
	if gr.hasError() {
		return "", c.bodyError(data)
	}
	return st.apply(&gr), nil
}
