package gemini

import (
	"bytes"
	"encoding/json"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// generateResponse is a GenerateContentResponse: a whole answer, or one
// stream event (each event is a complete response carrying the next text
// fragment). Only the fields the bench reads are decoded.
type generateResponse struct {
	Candidates     []candidate     `json:"candidates"`
	PromptFeedback *promptFeedback `json:"promptFeedback"`
	UsageMetadata  *usageMetadata  `json:"usageMetadata"`
	ModelVersion   string          `json:"modelVersion"`
	Error          json.RawMessage `json:"error"`
}

type candidate struct {
	Content *struct {
		Parts []struct {
			Text    string `json:"text"`
			Thought bool   `json:"thought"`
			// FunctionCall is a call of one of the request's tools; Gemini
			// sends each whole (never in fragments), id only on some APIs.
			FunctionCall *struct {
				ID   string          `json:"id"`
				Name string          `json:"name"`
				Args json.RawMessage `json:"args"`
			} `json:"functionCall"`
		} `json:"parts"`
	} `json:"content"`
	FinishReason   string          `json:"finishReason"`
	Index          int             `json:"index"`
	LogprobsResult *logprobsResult `json:"logprobsResult"`
}

// logprobsResult has one entry per decoding step in each list: the token
// chosen, and the most likely tokens (which may not include it). Google
// leaves out zero fields, so a missing logProbability is 0 (probability 1).
type logprobsResult struct {
	ChosenCandidates []logprobCandidate `json:"chosenCandidates"`
	TopCandidates    []struct {
		Candidates []logprobCandidate `json:"candidates"`
	} `json:"topCandidates"`
}

type logprobCandidate struct {
	Token          string  `json:"token"`
	LogProbability float64 `json:"logProbability"`
}

// tokens appends the chosen tokens to dst, each with the top candidates of
// its step; a step without top candidates gets a nil Top.
func (r *logprobsResult) tokens(dst []provider.TokenLogprobs) []provider.TokenLogprobs {
	for i, c := range r.ChosenCandidates {
		t := provider.TokenLogprobs{Token: c.Token, Logprob: c.LogProbability}
		if i < len(r.TopCandidates) && len(r.TopCandidates[i].Candidates) > 0 {
			top := r.TopCandidates[i].Candidates
			t.Top = make([]provider.TokenLogprob, len(top))
			for j, a := range top {
				t.Top[j] = provider.TokenLogprob{Token: a.Token, Logprob: a.LogProbability}
			}
		}
		dst = append(dst, t)
	}
	return dst
}

type promptFeedback struct {
	BlockReason string `json:"blockReason"`
}

// usageMetadata counts tokens. Fields are omitted when zero.
type usageMetadata struct {
	PromptTokenCount        int `json:"promptTokenCount"`
	CandidatesTokenCount    int `json:"candidatesTokenCount"`
	CachedContentTokenCount int `json:"cachedContentTokenCount"`
	ThoughtsTokenCount      int `json:"thoughtsTokenCount"`
	ToolUsePromptTokenCount int `json:"toolUsePromptTokenCount"`
	TotalTokenCount         int `json:"totalTokenCount"`
}

// hasError reports whether the body carries a non-null "error" member.
func (r *generateResponse) hasError() bool {
	e := bytes.TrimSpace(r.Error)
	return len(e) > 0 && string(e) != "null"
}

// toUsage maps usageMetadata to bench.Usage as Google bills it: input is
// promptTokenCount (which already includes cachedContentTokenCount) plus
// toolUsePromptTokenCount; output is candidatesTokenCount plus
// thoughtsTokenCount, since thinking is billed as output. Reasoning is
// thoughtsTokenCount, so Completion includes Reasoning as bench.Usage
// expects, and Prompt + Completion = totalTokenCount.
func (u *usageMetadata) toUsage() bench.Usage {
	out := bench.Usage{
		Prompt:     u.PromptTokenCount + u.ToolUsePromptTokenCount,
		Completion: u.CandidatesTokenCount + u.ThoughtsTokenCount,
		Cached:     u.CachedContentTokenCount,
		Reasoning:  u.ThoughtsTokenCount,
		Total:      u.TotalTokenCount,
	}
	if out.Total == 0 {
		out.Total = out.Prompt + out.Completion
	}
	return out
}

// mapFinish maps a Gemini finishReason to the common vocabulary. Safety,
// recitation, block-list, prohibited-content and PII stops are
// content_filter; failed or unexpected tool calls and an unsupported
// language are error; OTHER, FINISH_REASON_UNSPECIFIED and unknown values
// map to "" (the raw value is kept beside it). Function calls finish with
// STOP: Gemini has no tool-call reason, so STOP with calls is tool_calls.
func mapFinish(raw string, calls bool) string {
	switch raw {
	case "STOP":
		if calls {
			return provider.FinishToolCalls
		}
		return provider.FinishStop
	case "MAX_TOKENS":
		return provider.FinishLength
	case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
		"IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION":
		return provider.FinishContentFilter
	case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS", "LANGUAGE":
		return provider.FinishError
	}
	return ""
}

// state accumulates a response from a body or from stream events.
type state struct {
	text     []byte
	calls    []bench.ToolCall
	model    string
	finish   string
	blocked  string // promptFeedback.blockReason: the prompt was refused
	usage    bench.Usage
	hasUsage bool
	logprobs []float64
	// wantTop keeps each token and its top candidates in top, when the
	// request asked for alternatives.
	wantTop bool
	top     []provider.TokenLogprobs
}

// apply folds one response or stream event into s and returns the new text
// it carries. Only candidate 0 is read (the bench asks for one answer) and
// thought parts are skipped: their tokens are counted as reasoning. Each
// functionCall part is a call, its args object as JSON text and its id as
// Gemini gives it (the Gemini API gives none for generateContent; none is
// made up). Usage
// is cumulative in a stream, so the latest wins.
func (s *state) apply(r *generateResponse) string {
	if r.ModelVersion != "" && s.model != r.ModelVersion {
		s.model = r.ModelVersion
	}
	if r.UsageMetadata != nil {
		s.usage, s.hasUsage = r.UsageMetadata.toUsage(), true
	}
	if r.PromptFeedback != nil && r.PromptFeedback.BlockReason != "" {
		s.blocked = r.PromptFeedback.BlockReason
	}
	start := len(s.text)
	for i := range r.Candidates {
		c := &r.Candidates[i]
		if c.Index != 0 {
			continue
		}
		if c.Content != nil {
			for _, p := range c.Content.Parts {
				if fc := p.FunctionCall; fc != nil {
					s.calls = append(s.calls, bench.ToolCall{ID: fc.ID, Name: fc.Name, Arguments: toolcalls.Object(fc.Args)})
				}
				if !p.Thought {
					s.text = append(s.text, p.Text...)
				}
			}
		}
		if c.FinishReason != "" {
			s.finish = c.FinishReason
		}
		if c.LogprobsResult != nil {
			for _, lp := range c.LogprobsResult.ChosenCandidates {
				s.logprobs = append(s.logprobs, lp.LogProbability)
			}
			if s.wantTop {
				s.top = c.LogprobsResult.tokens(s.top)
			}
		}
	}
	return string(s.text[start:])
}

// done reports whether the answer is complete: a candidate finished or the
// prompt was blocked.
func (s *state) done() bool { return s.finish != "" || s.blocked != "" }

// response builds the final Response; model is the requested one, used when
// the server names none. A blocked prompt is a content_filter answer whose
// raw reason is the blockReason.
func (s *state) response(model string) provider.Response {
	r := provider.Response{
		Text: string(s.text), Model: s.model,
		FinishReason: mapFinish(s.finish, len(s.calls) > 0), RawFinishReason: s.finish,
		Logprobs: s.logprobs, TopLogprobs: s.top, ToolCalls: s.calls,
	}
	if s.finish == "" && s.blocked != "" {
		r.FinishReason, r.RawFinishReason = provider.FinishContentFilter, s.blocked
	}
	if r.Model == "" {
		r.Model = model
	}
	if s.hasUsage {
		r.Usage = s.usage
	}
	return r
}
