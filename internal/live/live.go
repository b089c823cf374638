// Package live carries what the API server pushes to WebSocket and
// GraphQL subscribers: messages on dotted topics (benchmark.progress,
// metrics.*, alerts.*), each tagged with the user who may see it.
package live

import "time"

// Message is one pushed event.
type Message struct {
	// Topic is dotted: benchmark.progress, benchmark.finished,
	// metrics.<name>, alerts.<severity>.
	Topic string `json:"topic"`
	// Owner is the user id whose object this is about; "" means anyone
	// allowed to read the topic may see it.
	Owner string `json:"-"`
	// RunID is the benchmark the message is about, if any.
	RunID   string    `json:"-"`
	Time    time.Time `json:"-"`
	Payload any       `json:"payload"`
}

// Publisher accepts messages without blocking.
type Publisher interface {
	Publish(m Message)
}

// Progress is the payload of benchmark.progress and benchmark.finished.
type Progress struct {
	BenchmarkID string  `json:"benchmark_id"`
	Status      string  `json:"status"`
	Done        int     `json:"done"`
	Total       int     `json:"total"`
	Passed      int     `json:"passed"`
	Failed      int     `json:"failed"`
	Errors      int     `json:"errors"`
	CostUSD     float64 `json:"cost_usd"`
}
