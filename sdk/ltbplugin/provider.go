package ltbplugin

import (
	"encoding/json"
	"fmt"
)

// CompleteInput is a provider's input: one model call.
type CompleteInput struct {
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Params   Params    `json:"params"`
	// BaseURL is the target's base_url, "" when it sets none.
	BaseURL string `json:"base_url,omitempty"`
}

// Params are the call's sampling settings; nil means the model's default.
type Params struct {
	Temperature *float64 `json:"temperature,omitempty"`
	TopP        *float64 `json:"top_p,omitempty"`
	MaxTokens   *int     `json:"max_tokens,omitempty"`
	Stop        []string `json:"stop,omitempty"`
	Seed        *int     `json:"seed,omitempty"`
}

// CompleteOutput is a provider's answer, or an upstream failure in Error
// (which the host's call policy retries when its kind is retryable).
type CompleteOutput struct {
	Text         string         `json:"text"`
	Model        string         `json:"model,omitempty"`
	FinishReason string         `json:"finish_reason,omitempty"`
	Usage        Usage          `json:"usage"`
	Error        *ProviderError `json:"error,omitempty"`
}

// Usage counts a call's tokens.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// ProviderError is an upstream failure: Kind is one of rate_limited,
// overloaded, auth, bad_request, context_length, transient, timeout.
type ProviderError struct {
	Kind         string `json:"kind"`
	Message      string `json:"message"`
	Status       int    `json:"status,omitempty"`
	RetryAfterMS int    `json:"retry_after_ms,omitempty"`
}

// HandleProvider registers a provider: f gets the target's options and
// one call. Reach the model with Call("http.request", ...); the header
// value "{{api_key}}" is replaced by the host with the target's key,
// which the plugin never sees.
func HandleProvider(f func(cfg json.RawMessage, in CompleteInput) (CompleteOutput, error)) {
	Handle(func(req Request) (any, error) {
		if req.Op != "complete" {
			return nil, BadInput(fmt.Errorf("provider: unknown op %q", req.Op))
		}
		var in CompleteInput
		if err := json.Unmarshal(req.Input, &in); err != nil {
			return nil, BadInput(fmt.Errorf("provider input: %w", err))
		}
		return f(req.Config, in)
	})
}
