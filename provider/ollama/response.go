package ollama

import (
	"bytes"
	"encoding/json"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// chatResponse is a non-streamed /api/chat answer or one line of a stream.
// The last line has done:true, done_reason and the metrics (all omitempty
// on the wire). Only the fields the bench reads are decoded: thinking
// (message.thinking) is not part of the answer, and the *_duration timings
// (nanoseconds) have no place in a provider.Response.
type chatResponse struct {
	Model   string `json:"model"`
	Message *struct {
		Content   string     `json:"content"`
		ToolCalls []toolCall `json:"tool_calls"`
	} `json:"message"`
	Done            bool      `json:"done"`
	DoneReason      string    `json:"done_reason"`
	PromptEvalCount int       `json:"prompt_eval_count"`
	EvalCount       int       `json:"eval_count"`
	Logprobs        []logprob `json:"logprobs"`
	// Error is Ollama's {"error":"..."}, sent in place of an answer when a
	// call fails after the 200 (mid-stream).
	Error json.RawMessage `json:"error"`
}

// logprob is one entry of "logprobs": a generated token, its log
// probability and, when top_logprobs was asked for, the most likely tokens
// at its position.
type logprob struct {
	Token       string       `json:"token"`
	Logprob     float64      `json:"logprob"`
	TopLogprobs []logprobAlt `json:"top_logprobs"`
}

// logprobAlt is one alternative token at a position.
type logprobAlt struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
}

// appendTokens appends lps to dst as provider values; an entry without
// alternatives gets a nil Top.
func appendTokens(dst []provider.TokenLogprobs, lps []logprob) []provider.TokenLogprobs {
	for _, lp := range lps {
		t := provider.TokenLogprobs{Token: lp.Token, Logprob: lp.Logprob}
		if len(lp.TopLogprobs) > 0 {
			t.Top = make([]provider.TokenLogprob, len(lp.TopLogprobs))
			for i, a := range lp.TopLogprobs {
				t.Top[i] = provider.TokenLogprob{Token: a.Token, Logprob: a.Logprob}
			}
		}
		dst = append(dst, t)
	}
	return dst
}

// hasError reports whether the line carries a non-null "error" member.
func (r *chatResponse) hasError() bool {
	e := bytes.TrimSpace(r.Error)
	return len(e) > 0 && string(e) != "null"
}

// mapFinish maps done_reason to the common vocabulary. "load" and
// "unload" answer a request that only (un)loads the model, and an unknown
// or missing value (older servers sent none) is "". A stop after tool
// calls is tool_calls.
func mapFinish(raw string, toolCalls bool) string {
	switch raw {
	case "stop":
		if toolCalls {
			return provider.FinishToolCalls
		}
		return provider.FinishStop
	case "length":
		return provider.FinishLength
	}
	return ""
}

// state accumulates an answer from a body or from stream lines.
type state struct {
	text      []byte
	model     string
	done      bool
	finish    string
	toolCalls []bench.ToolCall
	usage     bench.Usage
	logprobs  []float64
	// wantTop keeps each token and its alternatives in top, when the
	// request asked for alternatives.
	wantTop bool
	top     []provider.TokenLogprobs
}

// apply folds one line (or a whole answer) into s and returns its new text.
// Thinking is not part of the text. Tool calls arrive whole, in one line
// or spread over several; each is kept in order, its arguments object as
// JSON text.
func (s *state) apply(r *chatResponse) string {
	if s.model == "" {
		s.model = r.Model
	}
	var text string
	if m := r.Message; m != nil {
		text = m.Content
		for _, tc := range m.ToolCalls {
			s.toolCalls = append(s.toolCalls, bench.ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: toolcalls.Object(tc.Function.Arguments)})
		}
	}
	for _, lp := range r.Logprobs {
		s.logprobs = append(s.logprobs, lp.Logprob)
	}
	if s.wantTop {
		s.top = appendTokens(s.top, r.Logprobs)
	}
	s.text = append(s.text, text...)
	if r.Done {
		s.done, s.finish = true, r.DoneReason
		s.usage = usage(r)
	}
	return text
}

// usage maps Ollama's counts: prompt_eval_count is the input tokens
// (cached ones included; it is omitted, so 0, when unknown) and eval_count
// the output tokens (thinking included). Ollama reports no cached or
// reasoning split.
func usage(r *chatResponse) bench.Usage {
	return bench.Usage{Prompt: r.PromptEvalCount, Completion: r.EvalCount, Total: r.PromptEvalCount + r.EvalCount}
}

// response builds the final Response; model is the requested one, used when
// the server names none.
func (s *state) response(model string) provider.Response {
	r := provider.Response{
		Text: string(s.text), Model: s.model,
		FinishReason: mapFinish(s.finish, len(s.toolCalls) > 0), RawFinishReason: s.finish,
		Usage: s.usage, Logprobs: s.logprobs, TopLogprobs: s.top, ToolCalls: s.toolCalls,
	}
	if r.Model == "" {
		r.Model = model
	}
	return r
}
