package cohere

import (
	"encoding/json"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/jsonmerge"
)

// maxStopSequences is how many stop_sequences Cohere takes.
const maxStopSequences = 5

// Cohere's documented range for p (top-p).
const (
	minP = 0.01
	maxP = 0.99
)

// chatRequest is the body of POST /v2/chat.
type chatRequest struct {
	Model         string        `json:"model"`
	Messages      []chatMessage `json:"messages"`
	Stream        bool          `json:"stream,omitempty"`
	MaxTokens     *int          `json:"max_tokens,omitempty"`
	Temperature   *float64      `json:"temperature,omitempty"`
	P             *float64      `json:"p,omitempty"`
	StopSequences []string      `json:"stop_sequences,omitempty"`
	Seed          *int          `json:"seed,omitempty"`
	Logprobs      bool          `json:"logprobs,omitempty"`
	Tools         []toolDef     `json:"tools,omitempty"`
	ToolChoice    string        `json:"tool_choice,omitempty"`
}

// chatMessage is one message: content is a string, or an array of parts
// when the message carries images.
type chatMessage struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

// textPart is a {"type":"text"} content part.
type textPart struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// imagePart is a {"type":"image_url"} content part: a data: URL or a
// remote URL, as vision models (Command A Vision, Aya Vision) take them.
type imagePart struct {
	Type     string   `json:"type"`
	ImageURL imageURL `json:"image_url"`
}

type imageURL struct {
	URL string `json:"url"`
}

// body encodes req for model. Sampling goes in Cohere's field names
// (top_p as p, stop as stop_sequences, logprobs as a bool: Cohere offers no
// alternatives per token, so Sampling.TopLogprobs asks only for logprobs
// and Response.TopLogprobs stays nil). Values Cohere rejects (p outside 0.01..0.99,
// more than 5 stop sequences) fail here, before the call, with a message
// saying what to change. Tools and tool choice are sent as encodeTools
// says. req.Extra is merged in last and wins.
func body(req provider.Request, model string) ([]byte, error) {
	s := req.Sampling
	if s.TopP != nil && (*s.TopP < minP || *s.TopP > maxP) {
		return nil, fmt.Errorf("top_p %v is outside Cohere's range for p (%v to %v): change top_p in the suite or case", *s.TopP, minP, maxP)
	}
	if len(s.Stop) > maxStopSequences {
		return nil, fmt.Errorf("%d stop sequences given; Cohere takes at most %d", len(s.Stop), maxStopSequences)
	}
	msgs, err := messages(req.Messages)
	if err != nil {
		return nil, err
	}
	tools, choice, err := encodeTools(req.Tools, req.ToolChoice)
	if err != nil {
		return nil, err
	}
	cr := chatRequest{
		Model: model, Messages: msgs, Stream: req.Stream,
		MaxTokens: s.MaxTokens, Temperature: s.Temperature, P: s.TopP,
		StopSequences: s.Stop, Seed: s.Seed, Logprobs: s.Logprobs || s.TopLogprobs > 0,
		Tools: tools, ToolChoice: choice,
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

// messages encodes msgs for the wire: plain text stays a string; a message
// with parts becomes [text, image_url...].
func messages(msgs []bench.Message) ([]chatMessage, error) {
	out := make([]chatMessage, len(msgs))
	for i, m := range msgs {
		out[i] = chatMessage{Role: m.Role, Content: m.Content}
		if len(m.Parts) == 0 {
			continue
		}
		parts := make([]any, 0, len(m.Parts)+1)
		if m.Content != "" {
			parts = append(parts, textPart{Type: "text", Text: m.Content})
		}
		for _, p := range m.Parts {
			if err := checkInput(p); err != nil {
				return nil, err
			}
			parts = append(parts, imagePart{Type: "image_url", ImageURL: imageURL{URL: p.DataURL()}})
		}
		out[i].Content = parts
	}
	return out, nil
}

// imageTypes are the image formats Cohere's vision models take.
var imageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true, "image/gif": true}

// CheckInput accepts PNG, JPEG, WebP and GIF images, inline or by URL
// (sent as image_url, which vision models read); Cohere takes no audio.
func (c *Client) CheckInput(p bench.Part) error { return checkInput(p) }

func checkInput(p bench.Part) error {
	if p.Type == bench.PartImage && imageTypes[p.MediaType] {
		return nil
	}
	return provider.Unsupported(Vendor, p)
}
