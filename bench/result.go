package bench

import "time"

// Status is the outcome of one provider call.
type Status string

// Call outcomes (the README's "Result record").
const (
	StatusSuccess   Status = "success"
	StatusError     Status = "error"
	StatusTimeout   Status = "timeout"
	StatusSkipped   Status = "skipped"
	StatusCancelled Status = "cancelled"
)

// Usage is token usage in one shape for every vendor. Prompt includes Cached;
// Completion includes Reasoning.
type Usage struct {
	Prompt     int `json:"prompt"`
	Completion int `json:"completion"`
	Cached     int `json:"cached"`
	Reasoning  int `json:"reasoning"`
	Total      int `json:"total"`
	// CacheWrite counts prompt tokens written to the vendor's prompt cache
	// (Anthropic, Bedrock), billed above the plain input price; CacheWrite1h
	// is the part of them written with a one-hour lifetime.
	CacheWrite   int `json:"cache_write,omitempty"`
	CacheWrite1h int `json:"cache_write_1h,omitempty"`
}

// Cost of one call.
type Cost struct {
	Input    float64 `json:"input"`
	Output   float64 `json:"output"`
	Total    float64 `json:"total"`
	Currency string  `json:"currency"`
	// Unknown is set when no price is known for the model: the amounts are
	// then 0 but must not be read as free.
	Unknown bool `json:"unknown,omitempty"`
}

// ErrorInfo describes a failed call in a result record.
type ErrorInfo struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Status  int    `json:"status"`
}

// Result is the record kept for each case x prompt x provider x repetition
// (the README's "Result record"). JSONL output writes exactly these fields.
type Result struct {
	ID           string `json:"id"`
	RunID        string `json:"run_id"`
	CaseID       string `json:"case_id"`
	PromptID     string `json:"prompt_id"`
	Provider     string `json:"provider"`
	Model        string `json:"model"`
	Repetition   int    `json:"repetition"`
	Status       Status `json:"status"`
	Prompt       string `json:"prompt"`
	Response     string `json:"response"`
	FinishReason string `json:"finish_reason"`
	// ToolCalls are the calls the model made, in order; nil when none.
	ToolCalls []ToolCall       `json:"tool_calls,omitempty"`
	LatencyMs float64          `json:"latency_ms"`
	TTFTMs    float64          `json:"ttft_ms"`
	Tokens    Usage            `json:"tokens"`
	Cost      Cost             `json:"cost"`
	Scores    map[string]Score `json:"scores"`
	Score     float64          `json:"score"`
	Passed    bool             `json:"passed"`
	Error     *ErrorInfo       `json:"error"`
	Cached    bool             `json:"cached"`
	TraceID   string           `json:"trace_id"`
	SpanID    string           `json:"span_id"`
	Tags      []string         `json:"tags"`
	Metadata  map[string]any   `json:"metadata"`
	CreatedAt time.Time        `json:"created_at"`
}

// Key identifies a result within a run; it is unique and makes writes idempotent.
type Key struct {
	CaseID     string `json:"case_id"`
	PromptID   string `json:"prompt_id"`
	Provider   string `json:"provider"`
	Repetition int    `json:"repetition"`
}

// Key returns the result's identity within its run.
func (r *Result) Key() Key {
	return Key{CaseID: r.CaseID, PromptID: r.PromptID, Provider: r.Provider, Repetition: r.Repetition}
}
