package anthropic

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// message is a Messages answer (the non-streamed body, and message_start's
// "message"); only the fields the bench reads are decoded.
type message struct {
	Type       string         `json:"type"`
	Model      string         `json:"model"`
	Content    []contentBlock `json:"content"`
	StopReason string         `json:"stop_reason"`
	Usage      *usage         `json:"usage"`
}

// contentBlock is an answer's content block. "text" blocks are the answer
// and "tool_use" blocks the calls of the request's tools (id, name and the
// input object); thinking and server-tool blocks (server_tool_use, whose
// tools the API runs itself) are skipped.
type contentBlock struct {
	Type  string          `json:"type"`
	Text  string          `json:"text"`
	ID    string          `json:"id"`
	Name  string          `json:"name"`
	Input json.RawMessage `json:"input"`
}

// usage is Anthropic's token count. A field is nil when absent or null, so
// a later message_delta only replaces what it carries.
type usage struct {
	InputTokens              *int `json:"input_tokens"`
	CacheCreationInputTokens *int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     *int `json:"cache_read_input_tokens"`
	OutputTokens             *int `json:"output_tokens"`
	// CacheCreation splits the cache writes by lifetime; the two parts add
	// up to cache_creation_input_tokens.
	CacheCreation *struct {
		Ephemeral5m *int `json:"ephemeral_5m_input_tokens"`
		Ephemeral1h *int `json:"ephemeral_1h_input_tokens"`
	} `json:"cache_creation"`
}

// counts is the running token count of an answer.
type counts struct {
	input, cacheCreation, cacheRead, output int
	// write5m and write1h are cache_creation's split of cacheCreation;
	// creationSent is set once cache_creation_input_tokens has been sent.
	write5m, write1h int
	creationSent     bool
}

// apply takes the fields u carries. Every count Anthropic sends is a total
// so far (message_delta's output_tokens is cumulative), so the last value
// wins; nothing is summed.
func (c *counts) apply(u *usage) {
	set(&c.input, u.InputTokens)
	set(&c.cacheCreation, u.CacheCreationInputTokens)
	c.creationSent = c.creationSent || u.CacheCreationInputTokens != nil
	set(&c.cacheRead, u.CacheReadInputTokens)
	set(&c.output, u.OutputTokens)
	if cc := u.CacheCreation; cc != nil {
		set(&c.write5m, cc.Ephemeral5m)
		set(&c.write1h, cc.Ephemeral1h)
	}
}

// set stores *src in *dst when the field was sent.
func set(dst, src *int) {
	if src != nil {
		*dst = *src
	}
}

// benchUsage maps the counts to bench.Usage. input_tokens excludes the
// cache reads and writes, so the prompt is their sum; the cached tokens are
// the cache reads, and CacheWrite the writes (CacheWrite1h the part written
// for one hour), all three parts of the prompt so that pricing bills each
// token once. cache_creation_input_tokens is the count of writes; only
// when it was never sent are the writes the sum of their split. Anthropic
// does not report thinking tokens apart from output_tokens, so Reasoning
// stays 0.
func (c counts) benchUsage() bench.Usage {
	written := c.cacheCreation
	if !c.creationSent {
		written = c.write5m + c.write1h
	}
	prompt := c.input + c.cacheRead + written
	return bench.Usage{
		Prompt: prompt, Completion: c.output, Cached: c.cacheRead, Total: prompt + c.output,
		CacheWrite: written, CacheWrite1h: min(c.write1h, written),
	}
}

// mapFinish maps a stop_reason to the common vocabulary; unknown values
// map to "". pause_turn (a server tool paused a long turn) is a stop: the
// answer so far is all this call returns.
func mapFinish(raw string) string {
	switch raw {
	case "end_turn", "stop_sequence", "pause_turn":
		return provider.FinishStop
	case "max_tokens", "model_context_window_exceeded":
		return provider.FinishLength
	case "tool_use":
		return provider.FinishToolCalls
	case "refusal":
		return provider.FinishContentFilter
	}
	return ""
}

// ParseResponse decodes a non-streamed Messages response body: the text
// blocks joined, and each tool_use block as a call whose arguments are its
// input object as JSON text. A body that
// is an Anthropic error object ({"type":"error",...}) is returned as its
// classified *provider.Error; a body that is not a message is a transient
// *provider.Error (a proxy or a cut connection is the usual cause).
func ParseResponse(data []byte) (provider.Response, error) {
	var m message
	if err := json.Unmarshal(data, &m); err != nil {
		return provider.Response{}, httpcall.Malformed(Vendor, 0, "response", data, err)
	}
	switch {
	case m.Type == "error":
		return provider.Response{}, streamError(Vendor, data, nil)
	case m.Type != "message" && (m.Type != "" || m.Content == nil):
		return provider.Response{}, httpcall.Malformed(Vendor, 0, "response", data, fmt.Errorf("not a message (type %q)", m.Type))
	}
	var b strings.Builder
	var calls []bench.ToolCall
	for _, c := range m.Content {
		switch c.Type {
		case "text":
			b.WriteString(c.Text)
		case "tool_use":
			calls = append(calls, bench.ToolCall{ID: c.ID, Name: c.Name, Arguments: toolcalls.Object(c.Input)})
		}
	}
	r := provider.Response{Text: b.String(), Model: m.Model, FinishReason: mapFinish(m.StopReason), RawFinishReason: m.StopReason, ToolCalls: calls}
	if m.Usage != nil {
		var c counts
		c.apply(m.Usage)
		r.Usage = c.benchUsage()
	}
	return r, nil
}

// streamError classifies an Anthropic error object received with an HTTP
// 200: mid-stream, or as a 200 body.
func streamError(vendor string, payload []byte, secrets []string) *provider.Error {
	pe := httpcall.ClassifyStreamError(vendor, payload, secrets...)
	if ve, ok := httpcall.ParseVendorError(payload); ok {
		refineKind(pe, ve)
	}
	return pe
}
