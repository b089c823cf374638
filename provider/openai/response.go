package openai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// completion is a chat.completion body or one chat.completion.chunk; only
// the fields the bench reads are decoded.
type completion struct {
	Model   string          `json:"model"`
	Choices []choice        `json:"choices"`
	Usage   *usage          `json:"usage"`
	Error   json.RawMessage `json:"error"`
	// Timings is llama.cpp's extension (llama-server and servers built on
	// it): how long the prompt and the answer took to compute.
	Timings *timings `json:"timings"`
}

// timings is the part of llama.cpp's "timings" object the bench reads.
// prompt_n counts the prompt tokens the server computed for this call; the
// rest of the prompt came from its cache.
type timings struct {
	PromptN *int `json:"prompt_n"`
}

type choice struct {
	Index        int       `json:"index"`
	Message      *message  `json:"message"`
	Delta        *message  `json:"delta"`
	FinishReason string    `json:"finish_reason"`
	Logprobs     *logprobs `json:"logprobs"`
}

type message struct {
	Content      content         `json:"content"`
	ToolCalls    []toolCallDelta `json:"tool_calls"`
	FunctionCall *legacyCall     `json:"function_call"`
}

// content is a message's text. OpenAI sends a string or null; some
// compatible servers send an array of parts, whose "text" parts are joined.
type content string

// UnmarshalJSON accepts a string, null, or an array of {"type","text"} parts.
func (c *content) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0 || string(data) == "null":
		*c = ""
		return nil
	case data[0] == '[':
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(data, &parts); err != nil {
			return fmt.Errorf("message content parts: %w", err)
		}
		var b strings.Builder
		for _, p := range parts {
			if p.Type == "" || p.Type == "text" {
				b.WriteString(p.Text)
			}
		}
		*c = content(b.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("message content: %w", err)
	}
	*c = content(s)
	return nil
}

type usage struct {
	PromptTokens        int `json:"prompt_tokens"`
	CompletionTokens    int `json:"completion_tokens"`
	TotalTokens         int `json:"total_tokens"`
	PromptTokensDetails *struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails *struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
	// Cost is OpenRouter's charge for the call, in USD.
	Cost *float64 `json:"cost"`
}

// hasError reports whether the body carries a non-null "error" member.
func (c *completion) hasError() bool {
	e := bytes.TrimSpace(c.Error)
	return len(e) > 0 && string(e) != "null"
}

// toUsage maps OpenAI usage to bench.Usage. Cached tokens are part of
// prompt_tokens and reasoning tokens part of completion_tokens, as
// bench.Usage expects, so the counts are kept as given.
func (u *usage) toUsage() bench.Usage {
	var cached, reasoning int
	if u.PromptTokensDetails != nil {
		cached = u.PromptTokensDetails.CachedTokens
	}
	if u.CompletionTokensDetails != nil {
		reasoning = u.CompletionTokensDetails.ReasoningTokens
	}
	return benchUsage(u.PromptTokens, u.CompletionTokens, u.TotalTokens, cached, reasoning)
}

// benchUsage builds a bench.Usage, deriving a missing total.
func benchUsage(prompt, completion, total, cached, reasoning int) bench.Usage {
	out := bench.Usage{Prompt: prompt, Completion: completion, Total: total, Cached: cached, Reasoning: reasoning}
	if out.Total == 0 {
		out.Total = out.Prompt + out.Completion
	}
	return out
}

// mapFinish maps OpenAI's finish_reason (and compatible servers' variants)
// to the common vocabulary; unknown values map to "".
func mapFinish(raw string) string {
	switch raw {
	case "stop", "end_turn", "stop_sequence", "eos":
		return provider.FinishStop
	case "length", "max_tokens", "model_length":
		return provider.FinishLength
	case "tool_calls", "function_call":
		return provider.FinishToolCalls
	case "content_filter":
		return provider.FinishContentFilter
	case "error":
		return provider.FinishError
	}
	return ""
}

// state accumulates a response from a body or from stream chunks.
type state struct {
	text     []byte
	model    string
	finish   string
	usage    bench.Usage
	hasUsage bool
	logprobs []float64
	// wantTop keeps each token and its alternatives in top, when the
	// request asked for alternatives.
	wantTop bool
	top     []provider.TokenLogprobs
	cost    *float64
	// promptN is llama.cpp's timings.prompt_n, valid when hasPromptN.
	promptN    int
	hasPromptN bool
	// sawDelta is set once a choice-0 delta (role or content) arrived.
	sawDelta bool
	// calls joins the tool calls of choice 0.
	calls toolCalls
}

// apply folds one completion or chunk into s and returns the new text it
// carries. Only choice 0 is read: the bench asks for one answer.
func (s *state) apply(c *completion) string {
	if s.model == "" {
		s.model = c.Model
	}
	if c.Usage != nil {
		s.usage, s.hasUsage = c.Usage.toUsage(), true
		if c.Usage.Cost != nil {
			s.cost = c.Usage.Cost
		}
	}
	if c.Timings != nil && c.Timings.PromptN != nil {
		s.promptN, s.hasPromptN = *c.Timings.PromptN, true
	}
	var text string
	for i := range c.Choices {
		ch := &c.Choices[i]
		if ch.Index != 0 {
			continue
		}
		if ch.Delta != nil {
			text += string(ch.Delta.Content)
			s.sawDelta = true
			s.calls.add(ch.Delta.ToolCalls, false)
			s.calls.addLegacy(ch.Delta.FunctionCall)
		}
		if ch.Message != nil {
			text += string(ch.Message.Content)
			s.calls.add(ch.Message.ToolCalls, true)
			s.calls.addLegacy(ch.Message.FunctionCall)
		}
		if ch.FinishReason != "" {
			s.finish = ch.FinishReason
		}
		if ch.Logprobs != nil {
			for _, lp := range ch.Logprobs.Content {
				s.logprobs = append(s.logprobs, lp.Logprob)
			}
			if s.wantTop {
				var spans tokenSpans
				spans.addEntries(ch.Logprobs.Content)
				s.top = spans.appendTo(s.top)
			}
		}
	}
	s.text = append(s.text, text...)
	return text
}

// applyFields is apply for a chunk decoded by chunkDecoder; it allocates
// only the returned text (and the model and finish reason once), and the
// chunk's tokens when they are wanted.
func (s *state) applyFields(f *chunkFields) string {
	if s.model == "" && len(f.model) > 0 {
		s.model = string(f.model)
	}
	if f.hasUsage {
		s.usage, s.hasUsage = f.usage, true
	}
	if f.hasCost {
		c := f.cost
		s.cost = &c
	}
	if f.hasPromptN {
		s.promptN, s.hasPromptN = f.promptN, true
	}
	s.sawDelta = s.sawDelta || f.delta
	if len(f.finish) > 0 && s.finish != string(f.finish) {
		s.finish = string(f.finish)
	}
	s.logprobs = append(s.logprobs, f.logprobs...)
	if s.wantTop {
		s.top = f.spans.appendTo(s.top)
	}
	s.text = append(s.text, f.text...)
	return string(f.text)
}

// response builds the final Response; model is the requested one, used when
// the server names none.
func (s *state) response(model string) provider.Response {
	r := provider.Response{
		Text: string(s.text), Model: s.model,
		FinishReason: mapFinish(s.finish), RawFinishReason: s.finish,
		Logprobs: s.logprobs, TopLogprobs: s.top, VendorCost: s.cost,
		ToolCalls: s.calls.result(),
	}
	if r.Model == "" {
		r.Model = model
	}
	if s.hasUsage {
		r.Usage = s.usage
		if s.hasPromptN && r.Usage.Cached == 0 && s.promptN >= 0 && s.promptN <= r.Usage.Prompt {
			// llama.cpp reports its prompt cache only in timings: the
			// prompt tokens it did not compute (prompt_n) came from it.
			r.Usage.Cached = r.Usage.Prompt - s.promptN
		}
	}
	return r
}
