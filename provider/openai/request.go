package openai

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/jsonmerge"
)

// chatRequest is the body of POST /chat/completions. M is bench.Message for
// text-only requests (encoded as {role, content}, without an allocation per
// message) and chatMessage for requests with images or audio.
type chatRequest[M any] struct {
	Model               string         `json:"model"`
	Messages            []M            `json:"messages"`
	Temperature         *float64       `json:"temperature,omitempty"`
	TopP                *float64       `json:"top_p,omitempty"`
	MaxTokens           *int           `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int           `json:"max_completion_tokens,omitempty"`
	Stop                []string       `json:"stop,omitempty"`
	Seed                *int           `json:"seed,omitempty"`
	Logprobs            bool           `json:"logprobs,omitempty"`
	TopLogprobs         *int           `json:"top_logprobs,omitempty"`
	Stream              bool           `json:"stream,omitempty"`
	StreamOptions       *streamOptions `json:"stream_options,omitempty"`
	Tools               []chatTool     `json:"tools,omitempty"`
	ToolChoice          any            `json:"tool_choice,omitempty"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// body encodes req as a Chat Completions request for model.
//
// Reasoning models (see IsReasoningModel, with Dialect.ReasoningRules or
// the "reasoning" option) get max_completion_tokens instead of max_tokens,
// which they reject. They take only the default temperature and top_p (1):
// a default value is left out, and any other value fails here, before the
// call, with a bad_request error saying what to change, rather than being
// dropped silently (the case would then run with a setting it did not ask
// for) or sent (the vendor answers 400 unsupported_value after a round
// trip). Other models get max_tokens, which every compatible server
// understands. Dialect.Body and then req.Extra are merged in last and win.
func (c *Client) body(req provider.Request, model string) ([]byte, error) {
	if !hasParts(req.Messages) {
		return encodeChat(c, req, model, req.Messages)
	}
	msgs, err := c.messages(req.Messages)
	if err != nil {
		return nil, err
	}
	return encodeChat(c, req, model, msgs)
}

// hasParts reports whether any message carries images or audio.
func hasParts(msgs []bench.Message) bool {
	for i := range msgs {
		if len(msgs[i].Parts) > 0 {
			return true
		}
	}
	return false
}

// encodeChat encodes the body with msgs as its messages.
func encodeChat[M any](c *Client, req provider.Request, model string, msgs []M) ([]byte, error) {
	s := req.Sampling
	cr := chatRequest[M]{Model: model, Messages: msgs, Stop: s.Stop, Stream: req.Stream}
	if c.isReasoning(model) {
		if err := checkReasoningSampling(model, s); err != nil {
			return nil, err
		}
		cr.MaxCompletionTokens = s.MaxTokens
	} else {
		cr.Temperature, cr.TopP, cr.MaxTokens = s.Temperature, s.TopP, s.MaxTokens
	}
	cr.Logprobs, cr.TopLogprobs = c.logprobs(s)
	if len(req.Tools) > 0 || req.ToolChoice != nil {
		if c.d.NoTools {
			return nil, fmt.Errorf("%s does not take tools: remove tools and tool_choice from the case or suite for this provider", c.d.Vendor)
		}
		tc, err := encodeToolChoice(req.ToolChoice)
		if err != nil {
			return nil, err
		}
		cr.Tools, cr.ToolChoice = encodeTools(req.Tools), tc
	}
	if req.Stream && !c.d.NoStreamOptions {
		cr.StreamOptions = &streamOptions{IncludeUsage: true}
	}
	var fields map[string]any
	if s.Seed != nil {
		if c.d.SeedField == "seed" {
			cr.Seed = s.Seed
		} else {
			fields = map[string]any{c.d.SeedField: *s.Seed}
		}
	}
	data, err := json.Marshal(cr)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	if len(fields) == 0 && len(c.d.Body) == 0 && len(req.Extra) == 0 {
		return data, nil
	}
	if fields == nil {
		fields = make(map[string]any, len(c.d.Body)+len(req.Extra))
	}
	maps.Copy(fields, c.d.Body)
	maps.Copy(fields, req.Extra)
	return jsonmerge.Replace(data, fields)
}

// logprobs returns the logprobs and top_logprobs fields for s. Logprobs
// are asked for when s wants them (Sampling.TopLogprobs implies them) and
// the dialect offers them. top_logprobs is Sampling.TopLogprobs when set,
// else the "top_logprobs" option; nil leaves it out.
func (c *Client) logprobs(s provider.Sampling) (bool, *int) {
	if c.d.NoLogprobs || (!s.Logprobs && s.TopLogprobs <= 0) {
		return false, nil
	}
	if s.TopLogprobs > 0 {
		k := min(s.TopLogprobs, maxTopLogprobs)
		return true, &k
	}
	return true, c.topLogprobs
}

// wantsTop reports whether a request with s asks for alternatives per
// token, which the answer then keeps in Response.TopLogprobs.
func (c *Client) wantsTop(s provider.Sampling) bool {
	ask, k := c.logprobs(s)
	return ask && k != nil && *k > 0
}

// checkReasoningSampling rejects the sampling a reasoning model refuses.
func checkReasoningSampling(model string, s provider.Sampling) error {
	for _, p := range []struct {
		name string
		v    *float64
	}{{"temperature", s.Temperature}, {"top_p", s.TopP}} {
		if p.v != nil && *p.v != 1 {
			return fmt.Errorf("model %q is a reasoning model, which takes only the default %s (1), not %v: "+
				"remove %s from the suite or case, or set the provider option reasoning = false if this model accepts it",
				model, p.name, *p.v, p.name)
		}
	}
	return nil
}

func (c *Client) isReasoning(model string) bool {
	if c.reasoning != nil {
		return *c.reasoning
	}
	return c.d.ReasoningRules && IsReasoningModel(model)
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
