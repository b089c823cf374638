// Package llamacpp is a client for llama.cpp's llama-server through its
// OpenAI-compatible routes (/v1/chat/completions, /v1/embeddings,
// /v1/models) and its /health route. It registers the vendor "llamacpp".
package llamacpp

import (
	"net/http"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/openai"
)

// Vendor is the registered vendor name.
const Vendor = "llamacpp"

// DefaultBaseURL is llama-server's usual address (newer builds may listen
// on port 9931: set base_url).
const DefaultBaseURL = "http://localhost:8080"

func init() {
	provider.Register(provider.Vendor{
		Name:           Vendor,
		DefaultBaseURL: DefaultBaseURL,
		New: func(cfg provider.Config) (provider.Provider, error) {
			return New(cfg)
		},
	})
}

// Inputs are what llama-server takes with a multimodal projector loaded:
// images inline or by URL, and wav or mp3 audio inline.
var Inputs = openai.Inputs{ImageTypes: openai.OpenAIImages, ImageURL: true, AudioTypes: openai.OpenAIAudio}

// New builds a client from cfg. No key is needed; one given (llama-server
// --api-key) is sent as Authorization: Bearer. A base URL ending in /v1 is
// accepted. Health GETs /health, which answers 503 while the model loads
// (overloaded, so callers wait and retry). The options are those of
// openai.NewCompatible.
//
// llama-server's "timings" (prompt_per_second, predicted_per_second) are
// not kept: provider.Response has no field for them.
func New(cfg provider.Config) (*openai.Client, error) {
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(base, "/v1")
	return openai.NewCompatible(cfg, openai.Dialect{
		Vendor:     Vendor,
		ChatPath:   func(string) string { return "/v1/chat/completions" },
		EmbedPath:  func(string) string { return "/v1/embeddings" },
		ModelsPath: "/v1/models",
		HealthPath: "/health",
		Inputs:     Inputs,
		Refine:     refine,
	})
}

// refine maps llama-server's statuses, which also arrive as the numeric
// code of an "error:" event in a stream: 503 (unavailable_error, the model
// is loading) is overloaded; 501 (not_supported_error, a feature the server
// was started without) is a bad request no retry can fix.
func refine(pe *provider.Error, status int, _ http.Header, _ []byte) {
	switch status {
	case http.StatusServiceUnavailable:
		pe.Kind = provider.KindOverloaded
	case http.StatusNotImplemented:
		pe.Kind, pe.RetryAfter = provider.KindBadRequest, 0
	}
}
