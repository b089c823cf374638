package bedrock

import (
	"encoding/json"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/jsonmerge"
)

// converseRequest is the body of POST /model/{modelId}/converse and
// /converse-stream (the model is in the path).
type converseRequest struct {
	Messages        []message        `json:"messages"`
	System          []contentBlock   `json:"system,omitempty"`
	InferenceConfig *inferenceConfig `json:"inferenceConfig,omitempty"`
	ToolConfig      *toolConfig      `json:"toolConfig,omitempty"`
}

type message struct {
	Role    string         `json:"role"`
	Content []contentBlock `json:"content"`
}

// contentBlock is one member of Converse's ContentBlock union: text or image.
type contentBlock struct {
	Text  *string     `json:"text,omitempty"`
	Image *imageBlock `json:"image,omitempty"`
}

// imageBlock is {"format":"png","source":{"bytes":"<base64>"}}.
type imageBlock struct {
	Format string      `json:"format"`
	Source imageSource `json:"source"`
}

type imageSource struct {
	Bytes []byte `json:"bytes"` // base64 in JSON, as Converse takes it
}

type inferenceConfig struct {
	MaxTokens     *int     `json:"maxTokens,omitempty"`
	Temperature   *float64 `json:"temperature,omitempty"`
	TopP          *float64 `json:"topP,omitempty"`
	StopSequences []string `json:"stopSequences,omitempty"`
}

// imageFormats are the image formats Converse takes.
var imageFormats = map[string]bool{"png": true, "jpeg": true, "gif": true, "webp": true}

// converseBody encodes req as a Converse request. System messages go to the
// top-level system list; consecutive messages of the same role are merged
// into one (Converse requires user and assistant turns to alternate);
// images follow the message's text as image blocks; tools go in toolConfig
// (see converseTools). Converse has no seed
// and no log probabilities: asking for either fails here, before the call.
// req.Extra is merged into the top level last and wins (for example
// additionalModelRequestFields, guardrailConfig or performanceConfig).
func (c *Client) converseBody(req provider.Request) ([]byte, error) {
	s := req.Sampling
	if err := unsupportedSampling(s); err != nil {
		return nil, err
	}
	cr := converseRequest{Messages: make([]message, 0, len(req.Messages))}
	for i := range req.Messages {
		m := &req.Messages[i]
		if m.Role == bench.RoleSystem {
			if len(m.Parts) > 0 {
				return nil, fmt.Errorf("message %d: a system message cannot carry images or audio", i+1)
			}
			cr.System = append(cr.System, contentBlock{Text: &m.Content})
			continue
		}
		if m.Role != bench.RoleUser && m.Role != bench.RoleAssistant {
			return nil, fmt.Errorf("message %d: role %q: Bedrock Converse takes system, user and assistant messages", i+1, m.Role)
		}
		blocks, err := c.blocks(m)
		if err != nil {
			return nil, fmt.Errorf("message %d: %w", i+1, err)
		}
		if n := len(cr.Messages); n > 0 && cr.Messages[n-1].Role == m.Role {
			cr.Messages[n-1].Content = append(cr.Messages[n-1].Content, blocks...)
			continue
		}
		cr.Messages = append(cr.Messages, message{Role: m.Role, Content: blocks})
	}
	tc, err := converseTools(req.Tools, req.ToolChoice)
	if err != nil {
		return nil, err
	}
	cr.ToolConfig = tc
	if s.MaxTokens != nil || s.Temperature != nil || s.TopP != nil || len(s.Stop) > 0 {
		cr.InferenceConfig = &inferenceConfig{MaxTokens: s.MaxTokens, Temperature: s.Temperature, TopP: s.TopP, StopSequences: s.Stop}
	}
	data, err := json.Marshal(cr)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	if len(req.Extra) == 0 {
		return data, nil
	}
	return jsonmerge.Replace(data, req.Extra)
}

// unsupportedSampling rejects the settings Converse cannot honour, so a
// case does not silently run without what it asked for.
func unsupportedSampling(s provider.Sampling) error {
	switch {
	case s.Seed != nil:
		return fmt.Errorf("bedrock Converse has no seed: remove seed from the suite or case " +
			"(a model-specific seed can go in extra.additionalModelRequestFields)")
	case s.Logprobs:
		return fmt.Errorf("bedrock does not return log probabilities: remove logprobs from the suite or case")
	}
	return nil
}

// blocks encodes one message's content: its text (left out when empty and
// the message has images), then its images.
func (c *Client) blocks(m *bench.Message) ([]contentBlock, error) {
	blocks := make([]contentBlock, 0, 1+len(m.Parts))
	if m.Content != "" || len(m.Parts) == 0 {
		blocks = append(blocks, contentBlock{Text: &m.Content})
	}
	for _, p := range m.Parts {
		if err := c.CheckInput(p); err != nil {
			return nil, err
		}
		blocks = append(blocks, contentBlock{Image: &imageBlock{Format: p.Format(), Source: imageSource{Bytes: p.Data}}})
	}
	return blocks, nil
}

// CheckInput reports whether Bedrock takes p: inline png, jpeg, gif and webp
// images (Converse's image block, and Anthropic's base64 image source in
// the invoke API). Images by URL and audio are not accepted.
func (c *Client) CheckInput(p bench.Part) error {
	if p.Type != bench.PartImage || p.URL != "" || !imageFormats[p.Format()] || len(p.Data) == 0 {
		return provider.Unsupported(Vendor, p)
	}
	return nil
}
