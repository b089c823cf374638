package openai

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// chatRequest is the body of POST /chat/completions.
type chatRequest struct {
	Model               string          `json:"model"`
	Messages            []bench.Message `json:"messages"`
	Temperature         *float64        `json:"temperature,omitempty"`
	TopP                *float64        `json:"top_p,omitempty"`
	MaxTokens           *int            `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int            `json:"max_completion_tokens,omitempty"`
	Stop                []string        `json:"stop,omitempty"`
	Seed                *int            `json:"seed,omitempty"`
	Logprobs            bool            `json:"logprobs,omitempty"`
	Stream              bool            `json:"stream,omitempty"`
	StreamOptions       *streamOptions  `json:"stream_options,omitempty"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// body encodes req as a Chat Completions request. Reasoning models get
// max_completion_tokens and no temperature/top_p, which they reject; others
// get max_tokens, which every compatible server understands. Extra fields
// are merged in last and win.
func (c *Client) body(req provider.Request, model string) ([]byte, error) {
	s := req.Sampling
	cr := chatRequest{
		Model: model, Messages: req.Messages,
		Stop: s.Stop, Seed: s.Seed, Logprobs: s.Logprobs, Stream: req.Stream,
	}
	if c.isReasoning(model) {
		cr.MaxCompletionTokens = s.MaxTokens
	} else {
		cr.Temperature, cr.TopP, cr.MaxTokens = s.Temperature, s.TopP, s.MaxTokens
	}
	if req.Stream {
		cr.StreamOptions = &streamOptions{IncludeUsage: true}
	}
	data, err := json.Marshal(cr)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	if len(req.Extra) == 0 {
		return data, nil
	}
	return mergeExtra(data, req.Extra)
}

// mergeExtra adds extra's keys to the JSON object data, replacing any there.
func mergeExtra(data []byte, extra map[string]any) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("merge extra fields: %w", err)
	}
	for k, v := range extra {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode extra field %q: %w", k, err)
		}
		obj[k] = raw
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("merge extra fields: %w", err)
	}
	return out, nil
}

func (c *Client) isReasoning(model string) bool {
	if c.reasoning != nil {
		return *c.reasoning
	}
	return IsReasoningModel(model)
}

// IsReasoningModel reports whether model is one of OpenAI's reasoning models
// (o1, o3, o4-mini, gpt-5 and their snapshots), which take
// max_completion_tokens and reject temperature and top_p. A routing prefix
// such as OpenRouter's "openai/" is ignored; gpt-5 chat variants are not
// reasoning models.
func IsReasoningModel(model string) bool {
	m := strings.ToLower(model)
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	for _, p := range []string{"o1", "o3", "o4"} {
		if m == p || strings.HasPrefix(m, p+"-") {
			return true
		}
	}
	return strings.HasPrefix(m, "gpt-5") && !strings.Contains(m, "chat")
}
