package gemini

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/jsonmerge"
)

// maxStop is how many stop sequences generationConfig.stopSequences takes.
const maxStop = 5

// maxTopLogprobs is the most alternatives per token generationConfig.logprobs
// takes.
const maxTopLogprobs = 20

// generateRequest is the body of :generateContent and :streamGenerateContent.
type generateRequest struct {
	Contents          []content         `json:"contents"`
	GenerationConfig  *generationConfig `json:"generationConfig,omitempty"`
	SystemInstruction *content          `json:"systemInstruction,omitempty"`
	Tools             []tool            `json:"tools,omitempty"`
	ToolConfig        *toolConfig       `json:"toolConfig,omitempty"`
}

type content struct {
	Parts []part `json:"parts"`
	Role  string `json:"role,omitempty"`
}

// part is one request part: text or inline data. Text is a pointer so that
// an empty message still sends {"text":""} rather than an empty part.
type part struct {
	Text       *string `json:"text,omitempty"`
	InlineData *blob   `json:"inlineData,omitempty"`
}

type blob struct {
	Data     string `json:"data"`
	MimeType string `json:"mimeType"`
}

type generationConfig struct {
	Temperature      *float64        `json:"temperature,omitempty"`
	TopP             *float64        `json:"topP,omitempty"`
	MaxOutputTokens  *int            `json:"maxOutputTokens,omitempty"`
	StopSequences    []string        `json:"stopSequences,omitempty"`
	Seed             *int            `json:"seed,omitempty"`
	ResponseLogprobs bool            `json:"responseLogprobs,omitempty"`
	Logprobs         *int            `json:"logprobs,omitempty"`
	ThinkingConfig   *thinkingConfig `json:"thinkingConfig,omitempty"`
}

type thinkingConfig struct {
	ThinkingBudget *int `json:"thinkingBudget,omitempty"`
}

// body encodes req as a generateContent request. System messages go to
// systemInstruction (with role "user", as Google's own SDK sends it);
// assistant turns get role "model". Each message's text comes first, then
// its images and audio as inlineData. Tools and the tool choice go in
// tools and toolConfig (see encodeTools). Extra fields are merged in last and
// win; nested objects such as generationConfig are merged key by key.
func (c *Client) body(req provider.Request) ([]byte, error) {
	gr := generateRequest{Contents: make([]content, 0, len(req.Messages))}
	for i := range req.Messages {
		m := &req.Messages[i]
		if m.Role == bench.RoleSystem {
			if gr.SystemInstruction == nil {
				gr.SystemInstruction = &content{Role: "user"}
			}
			text := m.Content
			gr.SystemInstruction.Parts = append(gr.SystemInstruction.Parts, part{Text: &text})
			continue
		}
		ct, err := message(m)
		if err != nil {
			return nil, fmt.Errorf("message %d: %w", i+1, err)
		}
		gr.Contents = append(gr.Contents, ct)
	}
	gc, err := c.generationConfig(req.Sampling)
	if err != nil {
		return nil, err
	}
	gr.GenerationConfig = gc
	if gr.Tools, gr.ToolConfig, err = encodeTools(req.Tools, req.ToolChoice); err != nil {
		return nil, err
	}
	data, err := json.Marshal(gr)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	if len(req.Extra) == 0 {
		return data, nil
	}
	return jsonmerge.Deep(data, req.Extra)
}

// message encodes one user or assistant message.
func message(m *bench.Message) (content, error) {
	var role string
	switch m.Role {
	case bench.RoleUser, "":
		role = "user"
	case bench.RoleAssistant, "model":
		role = "model"
	default:
		return content{}, fmt.Errorf("role %q: gemini takes system, user and assistant messages", m.Role)
	}
	ct := content{Role: role, Parts: make([]part, 0, 1+len(m.Parts))}
	if m.Content != "" || len(m.Parts) == 0 {
		text := m.Content
		ct.Parts = append(ct.Parts, part{Text: &text})
	}
	for _, p := range m.Parts {
		mt, err := mimeType(p)
		if err != nil {
			return content{}, err
		}
		ct.Parts = append(ct.Parts, part{InlineData: &blob{Data: p.Base64(), MimeType: mt}})
	}
	return ct, nil
}

// generationConfig maps s to Gemini's names; nil when s sets nothing.
// Sampling.TopLogprobs (which implies Logprobs) becomes responseLogprobs
// and logprobs, the number of alternatives per token.
func (c *Client) generationConfig(s provider.Sampling) (*generationConfig, error) {
	if len(s.Stop) > maxStop {
		return nil, fmt.Errorf("gemini takes at most %d stop sequences, got %d", maxStop, len(s.Stop))
	}
	gc := generationConfig{
		Temperature: s.Temperature, TopP: s.TopP, MaxOutputTokens: s.MaxTokens,
		StopSequences: s.Stop, Seed: s.Seed, ResponseLogprobs: s.Logprobs || s.TopLogprobs > 0,
	}
	if s.TopLogprobs > 0 {
		k := min(s.TopLogprobs, maxTopLogprobs)
		gc.Logprobs = &k
	}
	if c.thinkingBudget != nil {
		gc.ThinkingConfig = &thinkingConfig{ThinkingBudget: c.thinkingBudget}
	}
	if gc.Temperature == nil && gc.TopP == nil && gc.MaxOutputTokens == nil && len(gc.StopSequences) == 0 &&
		gc.Seed == nil && !gc.ResponseLogprobs && gc.ThinkingConfig == nil {
		return nil, nil // no generationConfig: the vendor's defaults
	}
	return &gc, nil
}

// Image and audio types the Gemini API documents for inlineData. GIF is not
// among them (the API rejects image/gif), nor is audio/mp4 (m4a).
var (
	imageTypes = map[string]string{
		"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "heic": "image/heic", "heif": "image/heif",
	}
	audioTypes = map[string]string{
		"wav": "audio/wav", "mp3": "audio/mp3", "aiff": "audio/aiff", "x-aiff": "audio/aiff",
		"aac": "audio/aac", "x-aac": "audio/aac", "ogg": "audio/ogg", "flac": "audio/flac",
	}
)

var errNoData = errors.New("has no inline data")

// mimeType returns the media type Gemini documents for p, or an error when
// Gemini cannot take p inline: remote URLs (the generateContent API takes
// only inline data or files uploaded to its Files API), GIF images and
// audio formats outside wav, mp3, aiff, aac, ogg and flac.
func mimeType(p bench.Part) (string, error) {
	if p.URL != "" {
		return "", provider.Unsupported(Vendor, p)
	}
	if len(p.Data) == 0 {
		return "", fmt.Errorf("%s %s input %w", p.Type, p.MediaType, errNoData)
	}
	mt := p.MediaType
	if base, _, err := mime.ParseMediaType(mt); err == nil {
		mt = base
	}
	format := bench.Part{MediaType: strings.ToLower(mt)}.Format()
	var table map[string]string
	switch p.Type {
	case bench.PartImage:
		table = imageTypes
	case bench.PartAudio:
		table = audioTypes
	}
	if t, ok := table[format]; ok {
		return t, nil
	}
	return "", provider.Unsupported(Vendor, p)
}

// CheckInput reports whether Gemini can take p: inline images in PNG, JPEG,
// WebP, HEIC or HEIF and inline audio in WAV, MP3, AIFF, AAC, OGG or FLAC.
// Remote URLs are refused: generateContent has no plain-URL image input.
func (c *Client) CheckInput(p bench.Part) error {
	_, err := mimeType(p)
	return err
}
