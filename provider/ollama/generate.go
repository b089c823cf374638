package ollama

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/ndjson"
)

// maxDrain bounds what is read after the done line, so that the
// connection can be reused.
const maxDrain = 64 << 10

// Generate sends one POST /api/chat (exactly one HTTP attempt; the caller
// retries) and returns the answer. "stream" is always sent, since Ollama
// streams when it is missing. A streamed call emits each content fragment
// as its NDJSON line arrives; otherwise the whole text is emitted once.
// When the request asks for alternatives per token (Sampling.TopLogprobs,
// or Logprobs with the top_logprobs option), Response.TopLogprobs holds
// each token with its alternatives, as the server sends them.
func (c *Client) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	model := req.Model
	if model == "" {
		model = c.model
	}
	if model == "" {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: errors.New("ollama: no model given (use ollama:MODEL, such as ollama:llama3.2)")}
	}
	body, err := c.body(req, model)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("ollama: %w", err)}
	}
	accept := "application/json"
	if req.Stream {
		accept = "application/x-ndjson"
	}
	return c.http.Post(ctx, "/api/chat", body, accept, c.reader(req.Stream, c.wantsTop(req.Sampling)), model, emit)
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

// readBody decodes a non-streamed answer: one JSON object. A body that is
// not one object but NDJSON (a server or proxy that streams although asked
// not to) is read line by line.
func (c *Client) readBody(ctx context.Context, resp *http.Response, model string, top bool, emit func(provider.Chunk) error) (provider.Response, error) {
	data, err := c.http.ReadBody(ctx, resp)
	if err != nil {
		return provider.Response{}, err
	}
	st := state{wantTop: top}
	var cr chatResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		if !strings.Contains(resp.Header.Get("Content-Type"), "ndjson") && !bytes.Contains(bytes.TrimSpace(data), []byte{'\n'}) {
			return provider.Response{}, httpcall.Malformed(Vendor, resp.StatusCode, "response", data, err)
		}
		if err := c.decodeLines(ctx, bytes.NewReader(data), &st, nil); err != nil {
			return provider.Response{}, err
		}
	} else {
		if cr.hasError() {
			return provider.Response{}, c.streamError(data)
		}
		if cr.Message == nil && !cr.Done {
			return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
				Err: fmt.Errorf("ollama: response has neither a message nor done (%d bytes)", len(data))}
		}
		st.apply(&cr)
	}
	out := st.response(model)
	if err := emit(provider.Chunk{Text: out.Text}); err != nil {
		return out, fmt.Errorf("ollama: emit: %w", err)
	}
	return out, nil
}

// readStream decodes the NDJSON stream until its done:true line. A stream
// that ends before it was cut off and fails as transient; an error line
// fails with its classified kind.
func (c *Client) readStream(ctx context.Context, resp *http.Response, model string, top bool, emit func(provider.Chunk) error) (provider.Response, error) {
	st := state{wantTop: top}
	if err := c.decodeLines(ctx, resp.Body, &st, emit); err != nil {
		return provider.Response{}, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	return st.response(model), nil
}

// decodeLines folds NDJSON lines from r into st until the done line,
// calling emit (when not nil) with each line's text.
func (c *Client) decodeLines(ctx context.Context, r io.Reader, st *state, emit func(provider.Chunk) error) error {
	dec := ndjson.NewDecoder(r)
	for !st.done {
		line, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, ndjson.ErrLineTooLong) {
				return &provider.Error{Kind: provider.KindTransient, StatusCode: http.StatusOK, Err: fmt.Errorf("ollama: read stream: %w", err)}
			}
			return c.http.Transport(ctx, fmt.Errorf("read stream after %d bytes of text: %w", len(st.text), err))
		}
		var cr chatResponse
		if err := json.Unmarshal(line, &cr); err != nil {
			return httpcall.Malformed(Vendor, http.StatusOK, fmt.Sprintf("stream line %d", dec.Line()), line, err)
		}
		if cr.hasError() {
			return c.streamError(line)
		}
		text := st.apply(&cr)
		if text != "" && emit != nil {
			if err := emit(provider.Chunk{Text: text}); err != nil {
				return fmt.Errorf("ollama: emit: %w", err)
			}
		}
	}
	if !st.done {
		return &provider.Error{Kind: provider.KindTransient, StatusCode: http.StatusOK,
			Err: fmt.Errorf("ollama: %w: no done line after %d bytes of text", httpcall.ErrStreamTruncated, len(st.text))}
	}
	return nil
}
