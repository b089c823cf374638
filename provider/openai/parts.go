package openai

import (
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// chatMessage is one message on the wire. Content is a string, or an array
// of parts when the message carries images or audio.
type chatMessage struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

// TextPart is a {"type":"text"} content part.
type TextPart struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// ImagePart is a {"type":"image_url"} content part; URL is a remote URL or
// a data: URL.
type ImagePart struct {
	Type     string   `json:"type"`
	ImageURL ImageURL `json:"image_url"`
}

// ImageURL is the image_url object of an ImagePart.
type ImageURL struct {
	URL string `json:"url"`
}

// AudioPart is a {"type":"input_audio"} content part.
type AudioPart struct {
	Type       string     `json:"type"`
	InputAudio InputAudio `json:"input_audio"`
}

// InputAudio is the input_audio object of an AudioPart: base64 data and its
// format, "wav" or "mp3".
type InputAudio struct {
	Data   string `json:"data"`
	Format string `json:"format"`
}

// EncodePart encodes p in OpenAI's format: an image as image_url (remote URL
// or data: URL), audio as input_audio with base64 data and format wav or
// mp3. Audio by URL has no OpenAI encoding.
func EncodePart(p bench.Part) (any, error) {
	switch p.Type {
	case bench.PartImage:
		return ImagePart{Type: "image_url", ImageURL: ImageURL{URL: p.DataURL()}}, nil
	case bench.PartAudio:
		format := p.Format()
		if p.URL != "" || (format != "wav" && format != "mp3") {
			return nil, fmt.Errorf("cannot send audio %s%s: input_audio takes inline wav or mp3", p.MediaType, byURL(p))
		}
		return AudioPart{Type: "input_audio", InputAudio: InputAudio{Data: p.Base64(), Format: format}}, nil
	}
	return nil, fmt.Errorf("cannot send input of type %q", p.Type)
}

func byURL(p bench.Part) string {
	if p.URL != "" {
		return " by URL"
	}
	return ""
}

// messages encodes msgs for the wire: plain text stays a string; a message
// with parts becomes [text, part...].
func (c *Client) messages(msgs []bench.Message) ([]chatMessage, error) {
	out := make([]chatMessage, len(msgs))
	for i, m := range msgs {
		out[i] = chatMessage{Role: m.Role, Content: m.Content}
		if len(m.Parts) == 0 {
			continue
		}
		parts := make([]any, 0, len(m.Parts)+1)
		if m.Content != "" {
			parts = append(parts, TextPart{Type: "text", Text: m.Content})
		}
		for _, p := range m.Parts {
			if err := c.CheckInput(p); err != nil {
				return nil, err
			}
			enc, err := c.d.EncodePart(p)
			if err != nil {
				return nil, err
			}
			parts = append(parts, enc)
		}
		out[i].Content = parts
	}
	return out, nil
}

// CheckInput reports whether the server takes p (see Dialect.Inputs).
func (c *Client) CheckInput(p bench.Part) error {
	return c.d.Inputs.check(c.d.Vendor, p)
}

var _ provider.InputChecker = (*Client)(nil)
