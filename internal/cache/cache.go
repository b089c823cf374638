// Package cache keeps provider answers so that re-running a suite does not
// pay twice. Entries are keyed by a hash (Key) of the provider, model, base
// URL, the full request and the repetition index, and expire after a TTL
// chosen by their kind (responses, embeddings, judge verdicts).
//
// Two backends implement Cache and pass one conformance suite (cachetest):
// Disk, one small JSON file per entry behind an in-memory LRU, for one
// machine; Redis, for workers on several machines that share answers.
// A key computed once by Key names the same entry in both. Open builds the
// one that [cache] in the configuration asks for.
package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Cache is the seam the call policy uses: read before a call, write after
// a successful one. Every backend passes cachetest.
type Cache interface {
	// Get returns the fresh entry stored under key, or false: absent,
	// expired, unreadable and unreachable all count as a miss, since a
	// miss only costs a call.
	Get(ctx context.Context, key string) (*Entry, bool)
	// Put stores e under key for the TTL of e.Kind, stamping a zero
	// StoredAt with the current time. key must come from Key.
	Put(ctx context.Context, key string, e *Entry) error
	// Close releases the backend's resources.
	Close() error
}

// Kind is the kind of answer an entry holds; each kind has its own TTL.
type Kind string

// Kinds of entries. An entry without a kind is a response.
const (
	KindResponse  Kind = "response"
	KindEmbedding Kind = "embedding"
	KindJudge     Kind = "judge"
)

// Kinds lists every kind, for validation and help text.
var Kinds = []Kind{KindResponse, KindEmbedding, KindJudge}

func (k Kind) valid() bool {
	switch k {
	case "", KindResponse, KindEmbedding, KindJudge:
		return true
	}
	return false
}

// norm returns the kind an entry is stored as.
func (k Kind) norm() Kind {
	if k == "" {
		return KindResponse
	}
	return k
}

// TTLs says how long entries live. A duration <= 0 keeps entries for good.
type TTLs struct {
	// Default applies to every kind without an override.
	Default time.Duration
	// Kinds overrides Default per kind.
	Kinds map[Kind]time.Duration
}

// For returns the TTL of entries of kind k.
func (t TTLs) For(k Kind) time.Duration {
	if d, ok := t.Kinds[k.norm()]; ok {
		return d
	}
	return t.Default
}

// fresh reports whether e, stored at e.StoredAt, is still alive at now.
func (t TTLs) fresh(e *Entry, now time.Time) bool {
	ttl := t.For(e.Kind)
	return ttl <= 0 || now.Sub(e.StoredAt) < ttl
}

// Entry is one cached provider answer with the timings measured when it was
// first fetched.
type Entry struct {
	Kind            Kind        `json:"kind,omitempty"`
	Text            string      `json:"text"`
	Model           string      `json:"model"`
	FinishReason    string      `json:"finish_reason"`
	RawFinishReason string      `json:"raw_finish_reason"`
	Usage           bench.Usage `json:"usage"`
	Logprobs        []float64   `json:"logprobs,omitempty"`
	// ToolCalls are the calls the answer made, when it made any.
	ToolCalls []bench.ToolCall `json:"tool_calls,omitempty"`
	// TopLogprobs are the answer's per-token alternatives, when asked for.
	TopLogprobs []provider.TokenLogprobs `json:"top_logprobs,omitempty"`
	// Vectors are an embedding entry's vectors, one per input.
	Vectors   [][]float64 `json:"vectors,omitempty"`
	LatencyMs float64     `json:"latency_ms"`
	TTFTMs    float64     `json:"ttft_ms"`
	StoredAt  time.Time   `json:"stored_at"`
}

// Response converts the entry back to a provider response.
func (e *Entry) Response() provider.Response {
	return provider.Response{
		Text: e.Text, Model: e.Model, FinishReason: e.FinishReason,
		RawFinishReason: e.RawFinishReason, Usage: e.Usage, Logprobs: e.Logprobs,
		TopLogprobs: e.TopLogprobs, ToolCalls: e.ToolCalls,
	}
}

// Embeddings converts an embedding entry back to the provider's answer.
func (e *Entry) Embeddings() provider.Embeddings {
	return provider.Embeddings{Vectors: e.Vectors, Model: e.Model, Usage: e.Usage}
}

// Key hashes everything that determines an answer into the lowercase hex
// string every backend stores it under. The API key is not part of it: the
// same request to the same endpoint gives the same answer.
func Key(providerID, baseURL string, req *provider.Request, repetition int) (string, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return "", fmt.Errorf("cache key: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "v1\x00%s\x00%s\x00%d\x00", providerID, baseURL, repetition)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// EmbedKey hashes an embedding request (the provider, its endpoint, the
// model and the inputs, in order) into a key of the same form as Key's.
func EmbedKey(providerID, baseURL, model string, inputs []string) (string, error) {
	body, err := json.Marshal(inputs)
	if err != nil {
		return "", fmt.Errorf("cache key: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "v1-embed\x00%s\x00%s\x00%s\x00", providerID, baseURL, model)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// validKey accepts what Key makes (and shorter hex strings, for tests): a
// key becomes a file name and a Redis key, so nothing else may pass.
func validKey(key string) bool {
	if len(key) < 2 || len(key) > 128 {
		return false
	}
	for i := range len(key) {
		if c := key[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// checkPut validates a Put and stamps a zero StoredAt.
func checkPut(key string, e *Entry, now time.Time) error {
	if !validKey(key) {
		return fmt.Errorf("cache put: %q is not a cache key (want the hex digest from cache.Key)", key)
	}
	if !e.Kind.valid() {
		return fmt.Errorf("cache put: unknown kind %q", e.Kind)
	}
	if e.StoredAt.IsZero() {
		e.StoredAt = now.UTC()
	}
	return nil
}
