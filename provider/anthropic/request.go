package anthropic

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/jsonmerge"
)

// DefaultMaxTokens is the max_tokens sent when neither the request nor the
// provider's "max_tokens" option sets one: the Messages API requires it.
const DefaultMaxTokens = 4096

// ErrUnsupportedSampling is wrapped by Body's error for a sampling setting
// the Messages API cannot honour (seed, logprobs).
var ErrUnsupportedSampling = errors.New("sampling setting not supported")

// messagesRequest is the body of POST /v1/messages (and of Bedrock's
// InvokeModel for Anthropic models, with anthropic_version and no model).
type messagesRequest struct {
	Model            string      `json:"model,omitempty"`
	AnthropicVersion string      `json:"anthropic_version,omitempty"`
	MaxTokens        int         `json:"max_tokens"`
	System           []block     `json:"system,omitempty"`
	Messages         []turn      `json:"messages"`
	Temperature      *float64    `json:"temperature,omitempty"`
	TopP             *float64    `json:"top_p,omitempty"`
	StopSequences    []string    `json:"stop_sequences,omitempty"`
	Stream           bool        `json:"stream,omitempty"`
	Tools            []toolDef   `json:"tools,omitempty"`
	ToolChoice       *toolChoice `json:"tool_choice,omitempty"`
}

// turn is one message on the wire: a role and its content blocks.
type turn struct {
	Role    string  `json:"role"`
	Content []block `json:"content"`
}

// block is a content block: {"type":"text","text":...} or
// {"type":"image","source":{...}}.
type block struct {
	Type   string       `json:"type"`
	Text   string       `json:"text,omitempty"`
	Source *imageSource `json:"source,omitempty"`
}

// imageSource is an image block's source: base64 data with its media type,
// or a URL Anthropic fetches.
type imageSource struct {
	Type      string `json:"type"`
	MediaType string `json:"media_type,omitempty"`
	Data      string `json:"data,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Body builds the Messages request body. model=="" omits "model"; version!=""
// sets "anthropic_version" in the body (Bedrock). stream sets "stream".
//
// System messages become the top-level "system" (one text block each, in
// order); user and assistant messages become turns whose content is a list
// of blocks, the text first and then the message's images. Consecutive
// turns of the same role are merged into one, as the API would, and empty
// text is left out (the API rejects empty text blocks). max_tokens comes
// from req.Sampling.MaxTokens, else DefaultMaxTokens. Temperature, top_p
// and stop are sent as given (Anthropic rejects a temperature above 1 with
// a 400, which is classified like any other). A seed or logprobs, which the
// Messages API does not offer, fail here with ErrUnsupportedSampling rather
// than being dropped, so a case never runs with settings it did not get.
// Tools and tool choice are sent as encodeTools says. req.Extra's keys are merged in last and replace any there.
func Body(req provider.Request, model, version string, stream bool) ([]byte, error) {
	s := req.Sampling
	if s.Seed != nil {
		return nil, fmt.Errorf("%w: the Anthropic Messages API takes no seed: remove seed from the suite or case for this provider", ErrUnsupportedSampling)
	}
	if s.Logprobs {
		return nil, fmt.Errorf("%w: the Anthropic Messages API returns no logprobs: remove logprobs from the suite or case for this provider", ErrUnsupportedSampling)
	}
	maxTokens := DefaultMaxTokens
	if s.MaxTokens != nil {
		if *s.MaxTokens < 1 {
			return nil, fmt.Errorf("max_tokens must be at least 1, got %d", *s.MaxTokens)
		}
		maxTokens = *s.MaxTokens
	}
	system, turns, err := convert(req.Messages)
	if err != nil {
		return nil, err
	}
	tools, choice, err := encodeTools(req.Tools, req.ToolChoice)
	if err != nil {
		return nil, err
	}
	mr := messagesRequest{
		Model: model, AnthropicVersion: version, MaxTokens: maxTokens,
		System: system, Messages: turns,
		Temperature: s.Temperature, TopP: s.TopP, StopSequences: s.Stop, Stream: stream,
		Tools: tools, ToolChoice: choice,
	}
	data, err := json.Marshal(mr)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	if len(req.Extra) == 0 {
		return data, nil
	}
	return jsonmerge.Replace(data, req.Extra)
}

// convert splits msgs into the system blocks and the user/assistant turns.
func convert(msgs []bench.Message) ([]block, []turn, error) {
	var system []block
	turns := make([]turn, 0, len(msgs))
	for i, m := range msgs {
		switch m.Role {
		case bench.RoleSystem:
			if len(m.Parts) > 0 {
				return nil, nil, fmt.Errorf("message %d: a system message cannot carry images or audio: attach them to a user message", i+1)
			}
			if m.Content != "" {
				system = append(system, block{Type: "text", Text: m.Content})
			}
		case bench.RoleUser, bench.RoleAssistant:
			blocks, err := contentBlocks(m)
			if err != nil {
				return nil, nil, fmt.Errorf("message %d: %w", i+1, err)
			}
			if len(blocks) == 0 {
				continue
			}
			if n := len(turns); n > 0 && turns[n-1].Role == m.Role {
				turns[n-1].Content = append(turns[n-1].Content, blocks...)
				continue
			}
			turns = append(turns, turn{Role: m.Role, Content: blocks})
		default:
			return nil, nil, fmt.Errorf("message %d: role %q is not one the Messages API takes (system, user, assistant)", i+1, m.Role)
		}
	}
	if len(turns) == 0 {
		return nil, nil, errors.New("no user or assistant message with content to send")
	}
	return system, turns, nil
}

// contentBlocks encodes one message: its text, then its parts.
func contentBlocks(m bench.Message) ([]block, error) {
	blocks := make([]block, 0, 1+len(m.Parts))
	if m.Content != "" {
		blocks = append(blocks, block{Type: "text", Text: m.Content})
	}
	for _, p := range m.Parts {
		b, err := encodePart(p)
		if err != nil {
			return nil, err
		}
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// imageTypes are the media types Anthropic takes for inline images.
var imageTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// imageMediaType returns p's media type in Anthropic's spelling
// ("image/jpg" is sent as "image/jpeg"), or "" when Anthropic does not take it.
func imageMediaType(p bench.Part) string {
	mt := "image/" + p.Format()
	if !imageTypes[mt] {
		return ""
	}
	return mt
}

// checkPart reports whether the Messages API takes p: images inline as
// JPEG, PNG, GIF or WebP, or by http(s) URL. It takes no audio.
func checkPart(vendor string, p bench.Part) error {
	if p.Type != bench.PartImage {
		return provider.Unsupported(vendor, p)
	}
	if p.URL != "" {
		if !strings.HasPrefix(p.URL, "https://") && !strings.HasPrefix(p.URL, "http://") {
			return provider.Unsupported(vendor, p)
		}
		return nil
	}
	if imageMediaType(p) == "" {
		return provider.Unsupported(vendor, p)
	}
	return nil
}

// encodePart encodes an image as a base64 or url source block.
func encodePart(p bench.Part) (block, error) {
	if err := checkPart(Vendor, p); err != nil {
		return block{}, err
	}
	if p.URL != "" {
		return block{Type: "image", Source: &imageSource{Type: "url", URL: p.URL}}, nil
	}
	return block{Type: "image", Source: &imageSource{Type: "base64", MediaType: imageMediaType(p), Data: p.Base64()}}, nil
}
