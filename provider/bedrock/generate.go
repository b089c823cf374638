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
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// Generate sends one call (exactly one HTTP attempt; the caller retries)
// and returns the answer. A streamed call emits each text delta as it
// arrives; otherwise the whole text is emitted once. Response.Model is the
// Bedrock model id called (the id Bedrock bills, with its region prefix),
// not the model's own name.
func (c *Client) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	model := req.Model
	if model == "" {
		model = c.model
	}
	if model == "" {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest,
			Err: fmt.Errorf("%s: no model: name one as bedrock:<model id>, such as bedrock:amazon.nova-micro-v1:0", Vendor)}
	}
	if c.api == APIInvoke {
		return c.invoke(ctx, req, model, emit)
	}
	body, err := c.converseBody(req)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: %w", Vendor, err)}
	}
	op, accept, read := "converse", "application/json", c.readConverse
	if req.Stream {
		op, accept, read = "converse-stream", eventStreamType, c.readConverseStream
	}
	return c.runtime.Post(ctx, modelPath(model, op), body, accept, read, model, emit)
}

// readConverse decodes a non-streamed Converse answer.
func (c *Client) readConverse(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
	data, err := c.runtime.ReadBody(ctx, resp)
	if err != nil {
		return provider.Response{}, err
	}
	var cr converseResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		return provider.Response{}, httpcall.Malformed(Vendor, resp.StatusCode, "response", data, err)
	}
	if cr.Output == nil || cr.Output.Message == nil || cr.StopReason == "" {
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: resp.StatusCode,
			Err: fmt.Errorf("%s: response has no output message or stopReason", Vendor)}
	}
	out := provider.Response{Text: cr.text(), Model: model, FinishReason: finishReason(cr.StopReason),
		RawFinishReason: cr.StopReason, Usage: cr.Usage.usage(), ToolCalls: cr.toolCalls()}
	if err := emit(provider.Chunk{Text: out.Text}); err != nil {
		return out, fmt.Errorf("%s: emit: %w", Vendor, err)
	}
	return out, nil
}

// converseEvent is the payload of a ConverseStream event; each event type
// fills its own fields: contentBlockStart the start of a toolUse block,
// contentBlockDelta the delta (text, or a fragment of a toolUse input),
// messageStop the stopReason, metadata the usage.
type converseEvent struct {
	ContentBlockIndex int `json:"contentBlockIndex"`
	Start             *struct {
		ToolUse *toolUseBlock `json:"toolUse"`
	} `json:"start"`
	Delta *struct {
		Text    *string `json:"text"`
		ToolUse *struct {
			Input string `json:"input"`
		} `json:"toolUse"`
	} `json:"delta"`
	StopReason string      `json:"stopReason"`
	Usage      *tokenUsage `json:"usage"`
}

// readConverseStream decodes a ConverseStream event stream: messageStart,
// content blocks (contentBlockStart, contentBlockDelta with text,
// contentBlockStop), messageStop with the stopReason, then metadata with the
// usage. A toolUse block's start opens a call (toolUseId, name) and its
// deltas' input fragments are joined, verbatim, into its arguments ("{}"
// when none comes: a tool without arguments). A stream that ends before
// messageStop was cut off and fails as transient; an exception event fails
// with its kind.
func (c *Client) readConverseStream(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
	er := c.newEventReader(resp.Body)
	var (
		text    strings.Builder
		calls   toolcalls.Joiner
		stop    string
		stopped bool
		usage   *tokenUsage
	)
	for {
		typ, payload, err := er.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return provider.Response{}, c.readError(ctx, err, resp.StatusCode, text.Len())
		}
		switch typ {
		case "contentBlockStart", "contentBlockDelta", "messageStop", "metadata":
		default:
			continue // messageStart, contentBlockStop and future events carry neither text nor calls
		}
		var ev converseEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return provider.Response{}, httpcall.Malformed(Vendor, resp.StatusCode, typ+" event", payload, err)
		}
		switch typ {
		case "contentBlockStart":
			if ev.Start != nil && ev.Start.ToolUse != nil {
				calls.Start(ev.ContentBlockIndex, ev.Start.ToolUse.ToolUseID, ev.Start.ToolUse.Name, "{}")
			}
		case "contentBlockDelta":
			if ev.Delta != nil && ev.Delta.ToolUse != nil {
				calls.Append(ev.ContentBlockIndex, ev.Delta.ToolUse.Input)
				continue
			}
			if ev.Delta == nil || ev.Delta.Text == nil || *ev.Delta.Text == "" {
				continue // reasoning deltas are not answer text
			}
			text.WriteString(*ev.Delta.Text)
			if err := emit(provider.Chunk{Text: *ev.Delta.Text}); err != nil {
				return provider.Response{}, fmt.Errorf("%s: emit: %w", Vendor, err)
			}
		case "messageStop":
			stop, stopped = ev.StopReason, true
		case "metadata":
			usage = ev.Usage
		}
	}
	if !stopped {
		return provider.Response{}, truncated(resp.StatusCode, "messageStop", text.Len())
	}
	return provider.Response{Text: text.String(), Model: model, FinishReason: finishReason(stop),
		RawFinishReason: stop, Usage: usage.usage(), ToolCalls: calls.Calls()}, nil
}
