// Package mistral is a client for Mistral's chat completions API
// (api.mistral.ai): the openai client with Mistral's field names, content
// parts, error bodies and rate-limit headers. It registers the vendor
// "mistral".
package mistral

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
	"github.com/llm-test-bench/llm-test-bench/provider/openai"
)

// Vendor is the registered vendor name.
const Vendor = "mistral"

// KeyEnv is the variable the key is usually read from.
const KeyEnv = "MISTRAL_API_KEY"

// DefaultBaseURL is Mistral's API root; the /v1 routes are added per call.
const DefaultBaseURL = "https://api.mistral.ai"

func init() {
	provider.Register(provider.Vendor{
		Name:           Vendor,
		KeyEnv:         KeyEnv,
		DefaultBaseURL: DefaultBaseURL,
		New: func(cfg provider.Config) (provider.Provider, error) {
			return New(cfg)
		},
	})
}

// Inputs are what Mistral's chat takes: images inline or by URL (vision
// models), and wav or mp3 audio inline (Voxtral models).
var Inputs = openai.Inputs{ImageTypes: openai.OpenAIImages, ImageURL: true, AudioTypes: openai.OpenAIAudio}

// New builds a client from cfg (Authorization: Bearer). Mistral differs
// from OpenAI in: random_seed for the seed, max_tokens only, no logprobs
// (a request for them is not sent), usage always in the stream's last
// chunk (no stream_options), image_url as a plain string, input_audio as a
// bare base64 string, output_dimension for the embedding size, and its
// error and rate-limit shapes. Options: "safe_prompt" (bool, sent as
// safe_prompt) and those of openai.NewCompatible.
func New(cfg provider.Config) (*openai.Client, error) {
	safe, err := options.Bool(cfg.Options, "safe_prompt")
	if err != nil {
		return nil, err
	}
	d := openai.Dialect{
		Vendor: Vendor, SeedField: "random_seed", DimensionsField: "output_dimension",
		NoStreamOptions: true, NoLogprobs: true,
		ChatPath:   func(string) string { return "/v1/chat/completions" },
		EmbedPath:  func(string) string { return "/v1/embeddings" },
		ModelsPath: "/v1/models",
		Inputs:     Inputs,
		EncodePart: encodePart,
		Refine:     refine,
		RateLimits: rateLimits,
		Options:    []string{"safe_prompt"},
	}
	if safe != nil {
		d.Body = map[string]any{"safe_prompt": *safe}
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(base, "/v1")
	return openai.NewCompatible(cfg, d)
}

type imagePart struct {
	Type     string `json:"type"`
	ImageURL string `json:"image_url"`
}

type audioPart struct {
	Type       string `json:"type"`
	InputAudio string `json:"input_audio"`
}

// encodePart encodes an image as {"type":"image_url","image_url":"<url or
// data URL>"} and audio as {"type":"input_audio","input_audio":"<base64>"}.
func encodePart(p bench.Part) (any, error) {
	switch {
	case p.Type == bench.PartImage:
		return imagePart{Type: "image_url", ImageURL: p.DataURL()}, nil
	case p.Type == bench.PartAudio && p.URL == "":
		return audioPart{Type: "input_audio", InputAudio: p.Base64()}, nil
	}
	return nil, provider.Unsupported(Vendor, p)
}

// refine reads what the generic classifier cannot: a 503 is Mistral's
// overload, the first message of a 422 validation body ({"detail":[{"loc",
// "msg"}]}) says what is invalid, and a 429 without Retry-After waits for
// the reset of the token bucket (ratelimitbysize-reset).
func refine(pe *provider.Error, status int, h http.Header, body []byte) {
	if status == http.StatusServiceUnavailable {
		pe.Kind = provider.KindOverloaded
	}
	if status == http.StatusUnprocessableEntity {
		var v struct {
			Detail []struct {
				Loc []any  `json:"loc"`
				Msg string `json:"msg"`
			} `json:"detail"`
		}
		if json.Unmarshal(body, &v) == nil && len(v.Detail) > 0 {
			loc := make([]string, len(v.Detail[0].Loc))
			for i, l := range v.Detail[0].Loc {
				loc[i] = fmt.Sprint(l)
			}
			pe.Err = fmt.Errorf("mistral: invalid request: %s at %s", v.Detail[0].Msg, strings.Join(loc, "."))
		}
	}
	if pe.Kind == provider.KindRateLimited && pe.RetryAfter == 0 && h != nil {
		if d, ok := seconds(h.Get("Ratelimitbysize-Reset")); ok {
			pe.RetryAfter = d
		}
	}
}

// rateLimits reads Mistral's token-bucket headers: ratelimitbysize-remaining
// and -reset (seconds), or the per-minute x-ratelimitbysize-remaining-minute.
// Mistral sends no request counts.
func rateLimits(h http.Header) (provider.RateLimits, bool) {
	rl := provider.RateLimits{RemainingRequests: -1, RemainingTokens: -1}
	ok := false
	for _, name := range []string{"Ratelimitbysize-Remaining", "X-Ratelimitbysize-Remaining-Minute"} {
		if n, err := strconv.Atoi(strings.TrimSpace(h.Get(name))); err == nil {
			rl.RemainingTokens, ok = n, true
			break
		}
	}
	if d, found := seconds(h.Get("Ratelimitbysize-Reset")); found {
		rl.ResetTokens, ok = d, true
	}
	return rl, ok
}

func seconds(v string) (time.Duration, bool) {
	s, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || s < 0 || s > 1e6 {
		return 0, false
	}
	return time.Duration(s * float64(time.Second)), true
}
