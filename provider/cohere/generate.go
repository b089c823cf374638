package cohere

import (
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

// Generate sends one chat call (exactly one HTTP attempt; the caller
// retries) and returns the answer. A streamed call emits each content
// delta as it arrives; otherwise the whole text is emitted once.
func (c *Client) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	model := req.Model
	if model == "" {
		model = c.model
	}
	data, err := body(req, model)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: %w", Vendor, err)}
	}
	accept, read := "application/json", c.readBody
	if req.Stream {
		accept, read = "text/event-stream", c.readStream
	}
	return c.http.Post(ctx, chatPath, data, accept, read, model, emit)
}

// readBody decodes a non-streamed answer.
func (c *Client) readBody(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
	data, err := c.http.ReadBody(ctx, resp)
	if err != nil {
		return provider.Response{}, err
	}
	var r chatResponse
	err = json.Unmarshal(data, &r)
	if err != nil || (r.Message == nil && r.FinishReason == "") {
		if _, isError := httpcall.ParseVendorError(data); isError {
			// Not a chat answer but an error body ({"id","message"}, whose
			// message is a string), passed on with a 2xx by a proxy.
			pe := httpcall.ClassifyStreamError(Vendor, data, c.http.Secrets()...)
			pe.StatusCode = resp.StatusCode
			return provider.Response{}, pe
		}
		if err == nil {
			err = errors.New("no message and no finish_reason")
		}
		return provider.Response{}, httpcall.Malformed(Vendor, resp.StatusCode, "response", data, err)
	}
	var st state
	st.applyBody(&r)
	out := st.response(model)
	if err := emit(provider.Chunk{Text: out.Text}); err != nil {
		return out, fmt.Errorf("%s: emit: %w", Vendor, err)
	}
	return out, nil
}

// readStream decodes the SSE stream until message-end or data: [DONE]. A
// stream that ends before message-end was cut off and fails as transient
// (wrapping httpcall.ErrStreamTruncated).
func (c *Client) readStream(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
	dec := sse.NewDecoder(resp.Body)
	var st state
	for {
		ev, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
				Err: fmt.Errorf("%s: %w before message-end, after %d bytes of text", Vendor, httpcall.ErrStreamTruncated, len(st.text))}
		}
		if err != nil {
			return provider.Response{}, c.http.ReadError(ctx, resp.StatusCode, err)
		}
		text, end, err := st.applyEvent(ev, c.http.Secrets())
		if err != nil {
			return provider.Response{}, err
		}
		if text != "" {
			if err := emit(provider.Chunk{Text: text}); err != nil {
				return provider.Response{}, fmt.Errorf("%s: emit: %w", Vendor, err)
			}
		}
		if end {
			return st.response(model), nil
		}
	}
}
