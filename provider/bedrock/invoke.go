package bedrock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/anthropic"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// invoke calls InvokeModel (or InvokeModelWithResponseStream) with
// Anthropic's Messages body: anthropic_version "bedrock-2023-05-31", no
// model (it is in the path) and no "stream" field (the route says it). The
// answer is Anthropic's message JSON; the stream's "chunk" events carry
// Anthropic's stream events, base64 in {"bytes":…}.
func (c *Client) invoke(ctx context.Context, req provider.Request, model string, emit func(provider.Chunk) error) (provider.Response, error) {
	if !isAnthropic(model) {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf(
			"%s: option api = %q sends Anthropic's Messages body, and %q is not an Anthropic model: use api = %q for it",
			Vendor, APIInvoke, model, APIConverse)}
	}
	for i := range req.Messages {
		for _, p := range req.Messages[i].Parts {
			if err := c.CheckInput(p); err != nil {
				return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: message %d: %w", Vendor, i+1, err)}
			}
		}
	}
	body, err := anthropic.Body(req, "", AnthropicVersion, false)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: %w", Vendor, err)}
	}
	op, read := "invoke", c.readInvoke
	if req.Stream {
		op, read = "invoke-with-response-stream", c.readInvokeStream
	}
	return c.runtime.Post(ctx, modelPath(model, op), body, "application/json", read, model, emit)
}

// readInvoke decodes a non-streamed InvokeModel answer: Anthropic's message.
func (c *Client) readInvoke(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
	data, err := c.runtime.ReadBody(ctx, resp)
	if err != nil {
		return provider.Response{}, err
	}
	out, err := anthropic.ParseResponse(data)
	if err != nil {
		return provider.Response{}, c.fromAnthropic(err, resp.StatusCode)
	}
	out.Model = model
	if err := emit(provider.Chunk{Text: out.Text}); err != nil {
		return out, fmt.Errorf("%s: emit: %w", Vendor, err)
	}
	return out, nil
}

// payloadPart is a "chunk" event's payload: the model's own event JSON,
// base64 ("p" is padding Bedrock adds, ignored).
type payloadPart struct {
	Bytes []byte `json:"bytes"`
}

// readInvokeStream decodes an InvokeModelWithResponseStream event stream,
// feeding each chunk's Anthropic event to an anthropic.Stream. A stream
// that ends before Anthropic's message_stop was cut off.
func (c *Client) readInvokeStream(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
	er := c.newEventReader(resp.Body)
	st := anthropic.Stream{Vendor: Vendor}
	textLen := 0
	for {
		typ, payload, err := er.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return provider.Response{}, c.readError(ctx, err, resp.StatusCode, textLen)
		}
		if typ != "chunk" || st.Done() {
			continue
		}
		var part payloadPart
		if err := json.Unmarshal(payload, &part); err != nil {
			return provider.Response{}, httpcall.Malformed(Vendor, resp.StatusCode, "chunk event", payload, err)
		}
		text, _, err := st.Event(part.Bytes)
		if err != nil {
			return provider.Response{}, c.fromAnthropic(err, resp.StatusCode)
		}
		if text == "" {
			continue
		}
		textLen += len(text)
		if err := emit(provider.Chunk{Text: text}); err != nil {
			return provider.Response{}, fmt.Errorf("%s: emit: %w", Vendor, err)
		}
	}
	if !st.Done() {
		return provider.Response{}, truncated(resp.StatusCode, "message_stop", textLen)
	}
	out := st.Response()
	out.Model = model
	return out, nil
}

// fromAnthropic names Bedrock in an error from the anthropic decoders and
// gives it the response's status.
func (c *Client) fromAnthropic(err error, status int) error {
	pe := provider.AsError(err)
	if pe == nil {
		return &provider.Error{Kind: provider.KindTransient, StatusCode: status, Err: fmt.Errorf("%s: %w", Vendor, err)}
	}
	if pe.StatusCode == 0 {
		pe.StatusCode = status
	}
	if !strings.HasPrefix(pe.Err.Error(), Vendor+":") {
		pe.Err = fmt.Errorf("%s: %w", Vendor, pe.Err)
	}
	return pe
}

// isAnthropic reports whether a Bedrock model id names an Anthropic model:
// "anthropic.…", a cross-region inference profile "<geo>.anthropic.…", or an
// ARN whose resource is one of those. An application inference profile ARN
// does not say which model it serves and is let through.
func isAnthropic(model string) bool {
	if strings.HasPrefix(model, "arn:") {
		if strings.Contains(model, ":application-inference-profile/") {
			return true
		}
		model = model[strings.LastIndexByte(model, '/')+1:]
	}
	first, rest, _ := strings.Cut(model, ".")
	second, _, _ := strings.Cut(rest, ".")
	return first == "anthropic" || second == "anthropic"
}
