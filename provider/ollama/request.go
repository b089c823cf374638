package ollama

import (
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/jsonmerge"
)

// chatRequest is the body of POST /api/chat. Stream is always sent: Ollama
// streams when it is missing.
type chatRequest struct {
	Model       string          `json:"model"`
	Messages    []message       `json:"messages"`
	Stream      bool            `json:"stream"`
	Options     map[string]any  `json:"options,omitempty"`
	Format      json.RawMessage `json:"format,omitempty"`
	KeepAlive   any             `json:"keep_alive,omitempty"`
	Think       any             `json:"think,omitempty"`
	Truncate    *bool           `json:"truncate,omitempty"`
	Logprobs    bool            `json:"logprobs,omitempty"`
	TopLogprobs *int            `json:"top_logprobs,omitempty"`
	Tools       []toolDef       `json:"tools,omitempty"`
}

// message is one chat message. Images are raw base64, without a data: prefix.
type message struct {
	Role    string   `json:"role"`
	Content string   `json:"content"`
	Images  []string `json:"images,omitempty"`
}

// body encodes req as an /api/chat request for model. Sampling goes under
// "options" in Ollama's names (temperature, top_p, num_predict, stop,
// seed), over the provider's model_options; logprobs are top-level; tools
// as encodeTools says. Extra
// fields are merged in last and win, objects key by key, so
// {"options":{"top_k":40}} adds top_k beside the sampling.
func (c *Client) body(req provider.Request, model string) ([]byte, error) {
	msgs, err := messages(req.Messages)
	if err != nil {
		return nil, err
	}
	tools, err := encodeTools(req.Tools, req.ToolChoice)
	if err != nil {
		return nil, err
	}
	o := c.opts
	cr := chatRequest{
		Model: model, Messages: msgs, Stream: req.Stream, Options: c.modelOptions(req.Sampling),
		Format: o.format, KeepAlive: o.keepAlive, Think: o.think, Truncate: o.truncate,
		Tools: tools,
	}
	cr.Logprobs, cr.TopLogprobs = c.logprobs(req.Sampling)
	data, err := json.Marshal(cr)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	if len(req.Extra) == 0 {
		return data, nil
	}
	return jsonmerge.Deep(data, req.Extra)
}

// maxTopLogprobs is the most alternatives per token Ollama returns.
const maxTopLogprobs = 20

// logprobs returns the logprobs and top_logprobs fields for s: logprobs
// when s wants them (Sampling.TopLogprobs implies them), with
// Sampling.TopLogprobs alternatives, else the "top_logprobs" option's;
// nil leaves top_logprobs out.
func (c *Client) logprobs(s provider.Sampling) (bool, *int) {
	if !s.Logprobs && s.TopLogprobs <= 0 {
		return false, nil
	}
	if s.TopLogprobs > 0 {
		k := min(s.TopLogprobs, maxTopLogprobs)
		return true, &k
	}
	return true, c.opts.topLogprobs
}

// wantsTop reports whether a request with s asks for alternatives per
// token, which the answer then keeps in Response.TopLogprobs.
func (c *Client) wantsTop(s provider.Sampling) bool {
	ask, k := c.logprobs(s)
	return ask && k != nil && *k > 0
}

// modelOptions builds the "options" object; nil when there is nothing to set.
func (c *Client) modelOptions(s provider.Sampling) map[string]any {
	n := len(c.opts.modelOptions)
	if n == 0 && c.opts.numCtx == nil && s.Temperature == nil && s.TopP == nil && s.MaxTokens == nil && len(s.Stop) == 0 && s.Seed == nil {
		return nil
	}
	out := make(map[string]any, n+6)
	maps.Copy(out, c.opts.modelOptions)
	if c.opts.numCtx != nil {
		out["num_ctx"] = *c.opts.numCtx
	}
	if s.Temperature != nil {
		out["temperature"] = *s.Temperature
	}
	if s.TopP != nil {
		out["top_p"] = *s.TopP
	}
	if s.MaxTokens != nil {
		out["num_predict"] = *s.MaxTokens
	}
	if len(s.Stop) > 0 {
		out["stop"] = s.Stop
	}
	if s.Seed != nil {
		out["seed"] = *s.Seed
	}
	return out
}

// messages encodes msgs; a message's images go in its "images" list.
func messages(msgs []bench.Message) ([]message, error) {
	out := make([]message, len(msgs))
	for i, m := range msgs {
		role := m.Role
		if role == "" {
			role = bench.RoleUser
		}
		out[i] = message{Role: role, Content: m.Content}
		if len(m.Parts) == 0 {
			continue
		}
		out[i].Images = make([]string, 0, len(m.Parts))
		for _, p := range m.Parts {
			if err := checkPart(p); err != nil {
				return nil, fmt.Errorf("message %d: %w", i+1, err)
			}
			out[i].Images = append(out[i].Images, p.Base64())
		}
	}
	return out, nil
}

// imageFormats are the image types Ollama takes (its own CLI allows JPEG,
// PNG and WebP); the model must be a vision model.
var imageFormats = map[string]bool{"png": true, "jpeg": true, "webp": true}

// checkPart reports whether Ollama can take p: an inline PNG, JPEG or WebP
// image. Audio and inputs by URL (Ollama fetches nothing) are refused.
func checkPart(p bench.Part) error {
	if p.Type != bench.PartImage || p.URL != "" {
		return provider.Unsupported(Vendor, p)
	}
	mt := strings.ToLower(p.MediaType)
	if base, _, err := mime.ParseMediaType(mt); err == nil {
		mt = base
	}
	if !imageFormats[bench.Part{MediaType: mt}.Format()] {
		return provider.Unsupported(Vendor, p)
	}
	if len(p.Data) == 0 {
		return fmt.Errorf("%s %s input has no inline data", p.Type, p.MediaType)
	}
	return nil
}

// CheckInput reports whether Ollama can take p: inline PNG, JPEG or WebP
// images, sent as raw base64 in the message's "images". Audio and remote
// URLs are refused.
func (c *Client) CheckInput(p bench.Part) error { return checkPart(p) }
