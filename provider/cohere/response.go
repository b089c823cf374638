package cohere

import (
	"bytes"
	"encoding/json"
	"math"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// chatResponse is a non-streamed /v2/chat answer; only the fields the bench
// reads are decoded.
type chatResponse struct {
	ID           string `json:"id"`
	FinishReason string `json:"finish_reason"`
	Message      *struct {
		Content   []contentItem `json:"content"`
		ToolCalls []toolCall    `json:"tool_calls"`
	} `json:"message"`
	Usage    *usage     `json:"usage"`
	Logprobs logprobSet `json:"logprobs"`
}

// contentItem is one entry of message.content: "text" items carry the
// answer; "thinking" items carry reasoning, which is not part of it.
type contentItem struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// usage is Cohere's usage object. billed_units counts what is paid for;
// tokens counts everything the model read and wrote, including the prompt
// template Cohere adds. The SDK types the counts as floats.
type usage struct {
	BilledUnits  *units   `json:"billed_units"`
	Tokens       *units   `json:"tokens"`
	CachedTokens *float64 `json:"cached_tokens"`
}

type units struct {
	InputTokens  *float64 `json:"input_tokens"`
	OutputTokens *float64 `json:"output_tokens"`
}

// toUsage maps Cohere usage to bench.Usage. Prompt and completion are the
// billed units, the counts Cohere prices, so that cost comes out as
// billed; when billed_units is absent (or carries no token counts) the raw
// tokens counts are used instead. Cached is cached_tokens, capped at the
// prompt count since bench.Usage counts it inside Prompt.
func (u *usage) toUsage() bench.Usage {
	src := u.BilledUnits
	if src == nil || (src.InputTokens == nil && src.OutputTokens == nil) {
		src = u.Tokens
	}
	var out bench.Usage
	if src != nil {
		out.Prompt, out.Completion = count(src.InputTokens), count(src.OutputTokens)
	}
	if u.CachedTokens != nil {
		out.Cached = min(count(u.CachedTokens), out.Prompt)
	}
	out.Total = out.Prompt + out.Completion
	return out
}

// count turns a float count into an int, treating nonsense as 0.
func count(f *float64) int {
	if f == nil || math.IsNaN(*f) || *f < 0 || *f > math.MaxInt32 {
		return 0
	}
	return int(math.Round(*f))
}

// logprobItem is one entry of the logprobs list: a piece of text, its
// token ids and one log probability per token.
type logprobItem struct {
	Logprobs []float64 `json:"logprobs"`
}

// logprobSet is the logprobs of a body (a list of items) or of a stream
// event (one item, or a list).
type logprobSet []logprobItem

// UnmarshalJSON accepts null, one item, or a list of items.
func (l *logprobSet) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0 || string(data) == "null":
		*l = nil
		return nil
	case data[0] == '{':
		var it logprobItem
		if err := json.Unmarshal(data, &it); err != nil {
			return err
		}
		*l = logprobSet{it}
		return nil
	}
	var items []logprobItem
	if err := json.Unmarshal(data, &items); err != nil {
		return err
	}
	*l = items
	return nil
}

// appendTo adds every token's log probability to out.
func (l logprobSet) appendTo(out []float64) []float64 {
	for _, it := range l {
		out = append(out, it.Logprobs...)
	}
	return out
}

// mapFinish maps Cohere's finish_reason to the common vocabulary; unknown
// values map to "". TIMEOUT (generation stopped by Cohere's time limit) and
// ERROR are errors; the v1 values ERROR_TOXIC and ERROR_LIMIT are mapped too.
func mapFinish(raw string) string {
	switch raw {
	case "COMPLETE", "STOP_SEQUENCE":
		return provider.FinishStop
	case "MAX_TOKENS", "ERROR_LIMIT":
		return provider.FinishLength
	case "TOOL_CALL":
		return provider.FinishToolCalls
	case "ERROR_TOXIC":
		return provider.FinishContentFilter
	case "ERROR", "TIMEOUT", "USER_CANCEL":
		return provider.FinishError
	}
	return ""
}

// state accumulates a response from a body or from stream events.
type state struct {
	text     []byte
	calls    toolcalls.Joiner
	finish   string
	usage    bench.Usage
	logprobs []float64
	// thinking marks the content indexes that hold reasoning, not answer.
	thinking map[int]bool
}

// response builds the final Response; Cohere does not echo the model, so
// the requested one is reported.
func (s *state) response(model string) provider.Response {
	return provider.Response{
		Text: string(s.text), Model: model,
		FinishReason: mapFinish(s.finish), RawFinishReason: s.finish,
		Usage: s.usage, Logprobs: s.logprobs, ToolCalls: s.calls.Calls(),
	}
}

// applyBody folds a non-streamed answer into s: the text items, and each
// of message.tool_calls as a call (its arguments string kept as it is).
// tool_plan, the model's note on the calls it makes, is not the answer.
func (s *state) applyBody(r *chatResponse) {
	if r.Message != nil {
		for _, it := range r.Message.Content {
			if it.Type == "" || it.Type == "text" {
				s.text = append(s.text, it.Text...)
			}
		}
		for i := range r.Message.ToolCalls {
			tc := &r.Message.ToolCalls[i]
			s.calls.Start(i, tc.ID, tc.name(), "")
			s.calls.Append(i, tc.arguments())
		}
	}
	s.finish = r.FinishReason
	if r.Usage != nil {
		s.usage = r.Usage.toUsage()
	}
	s.logprobs = r.Logprobs.appendTo(s.logprobs)
}
