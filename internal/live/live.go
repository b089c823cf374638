// Package live carries what the API server pushes to WebSocket and
// GraphQL subscribers: messages on dotted topics (benchmark.progress,
// metrics.*, alerts.*), each tagged with the user who may see it.
//
// A Hub is the Publisher the runs publish to. Subscribers name topic
// patterns: an exact topic, a prefix with one wildcard segment
// ("metrics.*"), or "*" for every topic. The hub itself lets anyone use
// "*"; deciding who may read which topic (and that "*" is for
// administrators only) is the caller's business, done before Subscribe.
//
// Drop policy. Publish never blocks: each subscription holds at most
// buffer undelivered messages (besides the one being handed to its
// reader), and when it is full the newest message is
// dropped for that subscription alone and counted in Dropped. A
// benchmark's final message (IsFinal: benchmark.finished, or
// benchmark.progress with status completed, failed, cancelled or
// cost_limit) is not dropped for want of room: it evicts the oldest
// queued message of its own benchmark that is not final (progress totals
// are cumulative, so the final one supersedes it), else the oldest
// message that is not final, and that eviction is counted as a drop.
// Only when the queue holds nothing but finals does a final message take
// a reserve slot beyond buffer; a final is lost (and counted) only when
// 2×buffer undelivered final messages are already waiting.
package live

import "time"

// Message is one pushed event.
type Message struct {
	// Topic is dotted: benchmark.progress, benchmark.finished,
	// metrics.<name>, alerts.triggered, alerts.resolved.
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
