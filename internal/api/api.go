// Package api is the server's one service layer: REST handlers and
// GraphQL resolvers both call it, and it checks permissions and object
// ownership for the principal in ctx (auth.FromContext), so a transport
// can never skip a check. Errors are *problem.Details (status, detail,
// field), which each transport renders its own way.
package api

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Service is what the transports call. Every method reads the principal
// from ctx and refuses (403, or 404 for another user's object) what it
// may not do.
type Service interface {
	CreateBenchmark(ctx context.Context, req CreateBenchmark) (*Benchmark, error)
	GetBenchmark(ctx context.Context, id string) (*Benchmark, error)
	ListBenchmarks(ctx context.Context, f BenchmarkFilter) (*Page[Benchmark], error)
	CancelBenchmark(ctx context.Context, id string) (*Benchmark, error)

	// QueryResults pages results; q.UserID is set by the service from the
	// principal (a caller's value is ignored).
	QueryResults(ctx context.Context, q store.ResultQuery) (*Page[bench.Result], error)
	GetResult(ctx context.Context, id string) (*bench.Result, error)
	// ExportResults streams a benchmark's results to w as csv, json or
	// jsonl; it checks everything before writing the first byte.
	ExportResults(ctx context.Context, benchmarkID, format string, w io.Writer) error

	Providers(ctx context.Context) ([]ProviderInfo, error)
	Provider(ctx context.Context, name string) (*ProviderInfo, error)
	ProviderModels(ctx context.Context, name string) ([]string, error)
	ProviderHealth(ctx context.Context, name string) (*Health, error)

	Evaluate(ctx context.Context, req EvaluateRequest) (*EvaluateResult, error)
	Compare(ctx context.Context, req CompareRequest) (*Benchmark, error)

	Settings(ctx context.Context) (*Settings, error)
	UpdateSettings(ctx context.Context, in SettingsInput) (*Settings, error)

	// Distributed tells a worker where this server's distributed runs
	// are queued (404 when it runs none).
	Distributed(ctx context.Context) (*Distributed, error)
}

// CreateBenchmark is POST /benchmarks and createBenchmark. Unknown members
// are refused (400), so owner_id or status cannot be assigned.
type CreateBenchmark struct {
	Name string `json:"name,omitempty"`
	// Datasets are built-ins ("builtin:reasoning") or paths under the
	// server's datasets directory; Suite is an inline suite in the file
	// format. Exactly one of them.
	Datasets    []string          `json:"datasets,omitempty"`
	Suite       json.RawMessage   `json:"suite,omitempty"`
	Providers   []string          `json:"providers"`
	Concurrency int               `json:"concurrency,omitempty"`
	Repeat      int               `json:"repeat,omitempty"`
	MaxCost     float64           `json:"max_cost,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	// Distributed runs the calls on the server's worker processes.
	Distributed bool `json:"distributed,omitempty"`
}

// Benchmark is a run as the API shows it.
type Benchmark struct {
	ID         string            `json:"id"`
	Seq        int64             `json:"seq"`
	Name       string            `json:"name"`
	Status     string            `json:"status"`
	Owner      string            `json:"owner_id,omitempty"`
	Providers  []string          `json:"providers"`
	Tags       map[string]string `json:"tags"`
	Progress   Progress          `json:"progress"`
	Totals     bench.Totals      `json:"totals"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
	FinishedAt *time.Time        `json:"finished_at"`
}

// Progress is how far a benchmark is.
type Progress struct {
	Done   int `json:"done"`
	Total  int `json:"total"`
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	Errors int `json:"errors"`
}

// BenchmarkFilter narrows ListBenchmarks.
type BenchmarkFilter struct {
	Status string
	Tag    string
	Name   string
	Cursor string
	Limit  int
}

// Page is one page of a list: {"items": [...], "next_cursor": "..." | null}.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// ProviderInfo describes a vendor the server can call.
type ProviderInfo struct {
	Name string `json:"name"`
	// Configured says whether [providers.NAME] defines it in the server's
	// configuration (API suites may use only those).
	Configured bool `json:"configured"`
	// KeySet says whether its key is available (never the key itself).
	KeySet       bool     `json:"key_set"`
	KeyEnv       []string `json:"key_env,omitempty"`
	Models       []string `json:"models,omitempty"`
	DefaultModel string   `json:"default_model,omitempty"`
}

// Health is a provider health check's outcome.
type Health struct {
	Name      string  `json:"name"`
	Healthy   bool    `json:"healthy"`
	LatencyMs float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
}

// EvaluateRequest is POST /evaluate: score one response, no model call
// except judges the assertions name.
type EvaluateRequest struct {
	Prompt     string            `json:"prompt,omitempty"`
	Response   string            `json:"response"`
	Vars       map[string]any    `json:"vars,omitempty"`
	Assertions []bench.Assertion `json:"assertions"`
}

// EvaluateResult is the verdict on one response.
type EvaluateResult struct {
	Passed bool                   `json:"passed"`
	Score  float64                `json:"score"`
	Scores map[string]bench.Score `json:"scores"`
}

// CompareRequest is POST /compare: one prompt, or datasets, or a suite,
// run on several providers as one benchmark.
type CompareRequest struct {
	Providers []string        `json:"providers"`
	Prompt    string          `json:"prompt,omitempty"`
	Datasets  []string        `json:"datasets,omitempty"`
	Suite     json.RawMessage `json:"suite,omitempty"`
	Name      string          `json:"name,omitempty"`
}

// Settings are the server settings an admin may change at run time.
type Settings struct {
	// MaxRunning is how many benchmarks execute at once.
	MaxRunning int `json:"max_running"`
	// QueueSize is how many benchmarks may wait.
	QueueSize int `json:"queue_size"`
}

// Distributed is GET /distributed: what a worker started with only the
// server's address needs to join it.
type Distributed struct {
	// NATSURL is the NATS server (JetStream) the server publishes its
	// distributed runs' jobs to.
	NATSURL string `json:"nats_url"`
}

// SettingsInput changes settings; nil members are left alone.
type SettingsInput struct {
	MaxRunning *int `json:"max_running,omitempty"`
	QueueSize  *int `json:"queue_size,omitempty"`
}
