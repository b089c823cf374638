package cohere

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/sse"
)

// Stream event types (the SSE event name repeats data.type).
const (
	evMessageStart = "message-start"
	evContentStart = "content-start"
	evContentDelta = "content-delta"
	evContentEnd   = "content-end"
	evToolStart    = "tool-call-start"
	evToolDelta    = "tool-call-delta"
	evMessageEnd   = "message-end"
)

// streamEvent is one data payload of a /v2/chat stream. Only the fields of
// the events the bench reads are decoded; tool-plan, tool-call-end,
// citation and debug events are skipped.
type streamEvent struct {
	Type  string `json:"type"`
	Index int    `json:"index"`
	Delta *struct {
		Message *struct {
			Content   eventContent `json:"content"`
			ToolCalls eventCalls   `json:"tool_calls"`
		} `json:"message"`
		FinishReason string          `json:"finish_reason"`
		Usage        *usage          `json:"usage"`
		Error        json.RawMessage `json:"error"`
	} `json:"delta"`
	Logprobs logprobSet `json:"logprobs"`
}

// eventContent is delta.message.content: an object {type, text} on
// content-start and content-delta, an empty array on message-start.
type eventContent struct {
	Type string
	Text string
}

// UnmarshalJSON reads an object and ignores an array or null.
func (c *eventContent) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		*c = eventContent{}
		return nil
	}
	var obj struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		return err
	}
	*c = eventContent{Type: obj.Type, Text: obj.Text}
	return nil
}

// errEndWithError marks a message-end that carries delta.error.
var errEndWithError = errors.New("generation failed")

// applyEvent folds one SSE event into s. It returns the answer text the
// event carries and whether it ends the stream: message-end does (Cohere
// then sends data: [DONE], which also ends it). A message-end carrying
// delta.error fails with that error.
func (s *state) applyEvent(ev sse.Event, secrets []string) (text string, end bool, err error) {
	if ev.Done() {
		return "", true, nil
	}
	data := bytes.TrimSpace(ev.Data)
	if len(data) == 0 {
		return "", false, nil
	}
	var e streamEvent
	if err := json.Unmarshal(data, &e); err != nil {
		return "", false, httpcall.Malformed(Vendor, 200, "stream event", data, err)
	}
	typ := e.Type
	if typ == "" {
		typ = ev.Type
	}
	switch typ {
	case evToolStart, evToolDelta:
		s.applyToolEvent(typ, &e)
	case evContentStart:
		if e.Delta != nil && e.Delta.Message != nil && e.Delta.Message.Content.Type == "thinking" {
			if s.thinking == nil {
				s.thinking = map[int]bool{}
			}
			s.thinking[e.Index] = true
		}
	case evContentDelta:
		s.logprobs = e.Logprobs.appendTo(s.logprobs)
		if e.Delta == nil || e.Delta.Message == nil || s.thinking[e.Index] {
			return "", false, nil
		}
		c := e.Delta.Message.Content
		if c.Type != "" && c.Type != "text" {
			return "", false, nil
		}
		s.text = append(s.text, c.Text...)
		return c.Text, false, nil
	case evMessageEnd:
		if e.Delta == nil {
			return "", true, nil
		}
		s.finish = e.Delta.FinishReason
		if e.Delta.Usage != nil {
			s.usage = e.Delta.Usage.toUsage()
		}
		if msg := errorText(e.Delta.Error); msg != "" {
			payload, _ := json.Marshal(map[string]string{"message": msg})
			pe := httpcall.ClassifyStreamError(Vendor, payload, secrets...)
			if pe.Kind == provider.KindBadRequest {
				pe.Kind = provider.KindTransient
			}
			pe.Err = fmt.Errorf("%w (finish_reason %s): %w", errEndWithError, s.finish, pe.Err)
			return "", true, pe
		}
		return "", true, nil
	}
	return "", false, nil
}

// applyToolEvent opens a call on tool-call-start (its id and name, and any
// arguments it already carries) and adds tool-call-delta's fragment of
// arguments to the call of the same index, verbatim.
func (s *state) applyToolEvent(typ string, e *streamEvent) {
	if e.Delta == nil || e.Delta.Message == nil {
		return
	}
	for i := range e.Delta.Message.ToolCalls {
		tc := &e.Delta.Message.ToolCalls[i]
		if typ == evToolStart {
			s.calls.Start(e.Index, tc.ID, tc.name(), "")
		}
		if tc.Function != nil {
			s.calls.Append(e.Index, tc.arguments())
		}
	}
}

// errorText is delta.error as text: a JSON string, or an object's message;
// "" when absent or empty.
func errorText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if ve, ok := httpcall.ParseVendorError(raw); ok {
		if ve.Message != "" {
			return ve.Message
		}
		return "error"
	}
	return string(raw)
}
