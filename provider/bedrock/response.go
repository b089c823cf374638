package bedrock

import (
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// converseResponse is a Converse answer; only the fields the bench reads
// are decoded.
type converseResponse struct {
	Output *struct {
		Message *struct {
			Content []struct {
				// Text is set on text blocks, ToolUse on the calls of the
				// request's tools; reasoningContent blocks are neither.
				Text    *string       `json:"text"`
				ToolUse *toolUseBlock `json:"toolUse"`
			} `json:"content"`
		} `json:"message"`
	} `json:"output"`
	StopReason string      `json:"stopReason"`
	Usage      *tokenUsage `json:"usage"`
}

// tokenUsage is Converse's TokenUsage. inputTokens does not include the
// cache reads and writes, which are counted apart; cacheDetails splits the
// writes by lifetime.
type tokenUsage struct {
	InputTokens           int           `json:"inputTokens"`
	OutputTokens          int           `json:"outputTokens"`
	TotalTokens           int           `json:"totalTokens"`
	CacheReadInputTokens  int           `json:"cacheReadInputTokens"`
	CacheWriteInputTokens int           `json:"cacheWriteInputTokens"`
	CacheDetails          []cacheDetail `json:"cacheDetails"`
}

// cacheDetail is Converse's CacheDetail: the tokens written to the prompt
// cache with one lifetime, "5m" or "1h".
type cacheDetail struct {
	InputTokens int    `json:"inputTokens"`
	TTL         string `json:"ttl"`
}

// usage maps Converse's counts to the bench's: the prompt is every input
// token, fresh, read from the cache or written to it (so that Cached and
// CacheWrite are parts of Prompt, as the pricing expects); CacheWrite1h is
// the part of the writes cacheDetails gives a one-hour lifetime; total is
// prompt plus completion.
func (u *tokenUsage) usage() bench.Usage {
	if u == nil {
		return bench.Usage{}
	}
	prompt := u.InputTokens + u.CacheReadInputTokens + u.CacheWriteInputTokens
	var written1h int
	for _, d := range u.CacheDetails {
		if d.TTL == "1h" {
			written1h += d.InputTokens
		}
	}
	return bench.Usage{
		Prompt: prompt, Completion: u.OutputTokens, Cached: u.CacheReadInputTokens, Total: prompt + u.OutputTokens,
		CacheWrite: u.CacheWriteInputTokens, CacheWrite1h: min(written1h, u.CacheWriteInputTokens),
	}
}

// text joins the answer's text blocks.
func (r *converseResponse) text() string {
	if r.Output == nil || r.Output.Message == nil {
		return ""
	}
	blocks := r.Output.Message.Content
	if len(blocks) == 1 && blocks[0].Text != nil {
		return *blocks[0].Text
	}
	var b strings.Builder
	for _, bl := range blocks {
		if bl.Text != nil {
			b.WriteString(*bl.Text)
		}
	}
	return b.String()
}

// toolCalls returns the answer's toolUse blocks as calls, their input
// objects as JSON text; nil when there are none.
func (r *converseResponse) toolCalls() []bench.ToolCall {
	if r.Output == nil || r.Output.Message == nil {
		return nil
	}
	var calls []bench.ToolCall
	for _, bl := range r.Output.Message.Content {
		if u := bl.ToolUse; u != nil {
			calls = append(calls, bench.ToolCall{ID: u.ToolUseID, Name: u.Name, Arguments: toolcalls.Object(u.Input)})
		}
	}
	return calls
}

// finishReason maps Converse's stopReason to the common vocabulary; an
// unknown value maps to "" and is kept raw.
func finishReason(raw string) string {
	switch raw {
	case "end_turn", "stop_sequence":
		return provider.FinishStop
	case "max_tokens", "model_context_window_exceeded":
		return provider.FinishLength
	case "tool_use":
		return provider.FinishToolCalls
	case "guardrail_intervened", "content_filtered":
		return provider.FinishContentFilter
	}
	return ""
}
