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

// errPromptFiltered marks a 400 whose error code is "content_filter": the
// server's content filter refused the prompt (Azure OpenAI does this).
var errPromptFiltered = errors.New("prompt refused by the content filter")

// Generate sends one chat call (exactly one HTTP attempt; the caller
// retries) and returns the answer. A streamed call emits each content delta
// as it arrives; otherwise the whole text is emitted once. A prompt refused
// by a content filter (HTTP 400, code content_filter) is an answer, not an
// error: an empty Response with finish reason content_filter, as when the
// filter stops the output. When the request asks for alternatives per token
// (Sampling.TopLogprobs, or Logprobs with the top_logprobs option) and the
// dialect offers logprobs, Response.TopLogprobs holds each token of choice
// 0 with its alternatives; Response.Logprobs holds the tokens' log
// probabilities whenever logprobs were asked for.
func (c *Client) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	model := req.Model
	if model == "" {
		model = c.model
	}
	body, err := c.body(req, model)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: %w", c.d.Vendor, err)}
	}
	accept := "application/json"
	if req.Stream {
		accept = "text/event-stream"
	}
	out, err := c.http.Post(ctx, c.d.ChatPath(model), body, accept, c.reader(req.Stream, c.wantsTop(req.Sampling)), model, emit)
	if errors.Is(err, errPromptFiltered) {
		return provider.Response{Model: model, FinishReason: provider.FinishContentFilter, RawFinishReason: "content_filter"}, nil
	}
	return out, err
}

// refine applies the dialect's error rules after marking a filtered prompt.
func (c *Client) refine(pe *provider.Error, status int, h http.Header, body []byte) {
	if status == http.StatusBadRequest {
		if ve, ok := httpcall.ParseVendorError(body); ok && ve.Code == "content_filter" {
			pe.Err = fmt.Errorf("%w: %w", errPromptFiltered, pe.Err)
		}
	}
	if c.d.Refine != nil {
		c.d.Refine(pe, status, h, body)
	}
}

// streamError classifies an error object received after the HTTP 200.
func (c *Client) streamError(payload []byte) *provider.Error {
	pe := httpcall.ClassifyStreamError(c.d.Vendor, payload, c.http.Secrets()...)
	if c.d.Refine != nil {
		c.d.Refine(pe, pe.StatusCode, nil, payload)
	}
	return pe
}

// reader returns the decoder of a streamed or whole answer; top keeps each
// token and its alternatives (Response.TopLogprobs).
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

// readBody decodes a non-streamed chat.completion. Leading whitespace, which
// OpenRouter and DeepSeek send as keep-alive, is allowed by the JSON decoder.
func (c *Client) readBody(ctx context.Context, resp *http.Response, model string, top bool, emit func(provider.Chunk) error) (provider.Response, error) {
	data, err := c.http.ReadBody(ctx, resp)
	if err != nil {
		return provider.Response{}, err
	}
	var comp completion
	if err := json.Unmarshal(data, &comp); err != nil {
		return provider.Response{}, httpcall.Malformed(c.d.Vendor, resp.StatusCode, "response", data, err)
	}
	if comp.hasError() {
		return provider.Response{}, c.streamError(data)
	}
	if len(comp.Choices) == 0 {
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
			Err: fmt.Errorf("%s: response has no choices", c.d.Vendor)}
	}
	st := state{wantTop: top}
	st.apply(&comp)
	out := st.response(model)
	if err := emit(provider.Chunk{Text: out.Text}); err != nil {
		return out, fmt.Errorf("%s: emit: %w", c.d.Vendor, err)
	}
	return out, nil
}

// readStream decodes an SSE stream of chat.completion.chunk events until
// [DONE]. A stream that ends without [DONE] and without a finish_reason was
// cut off and fails as transient. Comments (keep-alives, OpenRouter's
// processing notes) are skipped by the SSE decoder.
//
// The first chunk with a delta for the answer (often only its role) is
// emitted even when it holds no text, so a caller sees when the model
// started answering, also for an empty answer; later chunks are emitted
// only when they carry text.
func (c *Client) readStream(ctx context.Context, resp *http.Response, model string, top bool, emit func(provider.Chunk) error) (provider.Response, error) {
	dec := sse.NewDecoder(resp.Body)
	st := state{wantTop: top}
	fast := chunkDecoder{keepTokens: top}
	done, started := false, false
	for !done {
		ev, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return provider.Response{}, c.http.ReadError(ctx, resp.StatusCode, err)
		}
		text, end, err := c.chunk(ev, &st, &fast)
		if err != nil {
			return provider.Response{}, err
		}
		done = end
		if text != "" || (!started && st.sawDelta) {
			started = true
			if err := emit(provider.Chunk{Text: text}); err != nil {
				return provider.Response{}, fmt.Errorf("%s: emit: %w", c.d.Vendor, err)
			}
		}
	}
	if !done && st.finish == "" {
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
			Err: fmt.Errorf("%s: %w after %d bytes of text", c.d.Vendor, httpcall.ErrStreamTruncated, len(st.text))}
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
		return "", false, c.streamError(ev.Error)
	}
	if ev.Type == "error" {
		return "", false, c.streamError(data)
	}
	if len(data) == 0 {
		return "", false, nil
	}
	if fast.decode(data) {
		if fast.hasError {
			return "", false, c.streamError(data)
		}
		return st.applyFields(&fast.chunkFields), false, nil
	}
	var comp completion
	if err := json.Unmarshal(data, &comp); err != nil {
		return "", false, httpcall.Malformed(c.d.Vendor, http.StatusOK, "stream chunk", data, err)
	}
	if comp.hasError() {
		return "", false, c.streamError(data)
	}
	return st.apply(&comp), false, nil
}
