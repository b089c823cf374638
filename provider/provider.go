// Package provider defines the contract every model provider implements, the
// error kinds callers branch on, and the registry that turns a provider id
// such as "openai:gpt-4o-mini" into a client.
package provider

import (
	"context"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Provider sends one request to a model and streams the answer back.
type Provider interface {
	// Generate must honour ctx and call emit once per chunk, in order. A
	// non-streaming call emits its whole text once. It returns the complete
	// response; on failure the error is (or wraps) an *Error.
	Generate(ctx context.Context, req Request, emit func(Chunk) error) (Response, error)
}

// Sampling holds the generation parameters a case or suite may set. Nil means
// "the vendor's default".
type Sampling struct {
	Temperature *float64 `json:"temperature,omitempty"`
	TopP        *float64 `json:"top_p,omitempty"`
	MaxTokens   *int     `json:"max_tokens,omitempty"`
	Stop        []string `json:"stop,omitempty"`
	Seed        *int     `json:"seed,omitempty"`
	Logprobs    bool     `json:"logprobs,omitempty"`
	// TopLogprobs asks for the k most likely alternatives of every
	// generated token (OpenAI's top_logprobs, Gemini's logprobs); 0 means
	// none. It implies Logprobs. Vendors without them ignore it.
	TopLogprobs int `json:"top_logprobs,omitempty"`
}

// Request is one model call.
type Request struct {
	Model    string          `json:"model"`
	Messages []bench.Message `json:"messages"`
	Sampling Sampling        `json:"sampling"`
	// Stream asks for a streamed answer, which gives time-to-first-token.
	Stream bool `json:"stream"`
	// Tools are the functions the model may call, and ToolChoice whether
	// it must; providers without tool support refuse a request with tools.
	Tools      []bench.Tool      `json:"tools,omitempty"`
	ToolChoice *bench.ToolChoice `json:"tool_choice,omitempty"`
	// Extra holds vendor-specific body fields, merged into the request body.
	Extra map[string]any `json:"extra,omitempty"`
}

// Chunk is one piece of a streamed answer.
type Chunk struct {
	Text string
}

// Response is a complete answer.
type Response struct {
	Text string
	// Model is the model the vendor says answered (may differ from the request).
	Model string
	// FinishReason is mapped to: stop, length, tool_calls, content_filter, error, or "" when unknown.
	FinishReason string
	// RawFinishReason is the vendor's own value.
	RawFinishReason string
	Usage           bench.Usage
	// ToolCalls are the calls the model made, in order, streamed or not
	// (a stream's fragments joined); nil when none.
	ToolCalls []bench.ToolCall
	// Logprobs are the sampled tokens' log probabilities, when requested and offered.
	Logprobs []float64
	// TopLogprobs holds, per generated token, its text and the most likely
	// alternatives, when Sampling.TopLogprobs asked for them and the vendor
	// offers them; nil otherwise.
	TopLogprobs []TokenLogprobs
	// VendorCost is what the vendor says the call cost, in USD (OpenRouter's
	// usage.cost); nil when it does not say. It wins over the pricing table.
	VendorCost *float64
	// Warnings are human-readable notes about a call that succeeded but
	// whose answer may be wrong, such as a prompt the server cut to fit its
	// context. The runner records them in the result's metadata and logs
	// them; nil when there is nothing to say.
	Warnings []string
}

// TokenLogprobs is one generated token with its log probability and the
// most likely tokens at its position (the token itself usually among them).
type TokenLogprobs struct {
	Token   string         `json:"token"`
	Logprob float64        `json:"logprob"`
	Top     []TokenLogprob `json:"top,omitempty"`
}

// TokenLogprob is one candidate token and its log probability.
type TokenLogprob struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
}

// Finish reasons in the common vocabulary.
const (
	FinishStop          = "stop"
	FinishLength        = "length"
	FinishToolCalls     = "tool_calls"
	FinishContentFilter = "content_filter"
	FinishError         = "error"
)

// Lister is implemented by providers that can list their models.
type Lister interface {
	Models(ctx context.Context) ([]string, error)
}

// HealthChecker is implemented by providers that can check they are reachable.
type HealthChecker interface {
	Health(ctx context.Context) error
}

// Embedder is implemented by providers that turn text into vectors, for
// embedding-similarity assertions.
type Embedder interface {
	// Embed returns one vector per input, in order. model "" means the
	// provider's configured model.
	Embed(ctx context.Context, model string, inputs []string) (Embeddings, error)
}

// Embeddings is the answer to an Embed call.
type Embeddings struct {
	Vectors [][]float64
	// Model is the model the vendor says answered.
	Model string
	// Usage counts the input tokens when the vendor reports them.
	Usage bench.Usage
}
