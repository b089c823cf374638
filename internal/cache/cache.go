// Package cache keeps provider responses so re-running a suite does not pay
// twice. Entries are keyed by a hash of the provider, model, base URL, the
// full request and the repetition index, live on disk (one small JSON file
// each, written atomically) behind an in-memory LRU, and expire after a TTL.
package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/maypok86/otter/v2"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Entry is one cached provider answer with the timings measured when it was
// first fetched.
type Entry struct {
	Text            string      `json:"text"`
	Model           string      `json:"model"`
	FinishReason    string      `json:"finish_reason"`
	RawFinishReason string      `json:"raw_finish_reason"`
	Usage           bench.Usage `json:"usage"`
	Logprobs        []float64   `json:"logprobs,omitempty"`
	LatencyMs       float64     `json:"latency_ms"`
	TTFTMs          float64     `json:"ttft_ms"`
	StoredAt        time.Time   `json:"stored_at"`
}

// Response converts the entry back to a provider response.
func (e *Entry) Response() provider.Response {
	return provider.Response{
		Text: e.Text, Model: e.Model, FinishReason: e.FinishReason,
		RawFinishReason: e.RawFinishReason, Usage: e.Usage, Logprobs: e.Logprobs,
	}
}

// Key hashes everything that determines an answer. The API key is not part
// of it: the same request to the same endpoint gives the same answer.
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

// Disk is a response cache on disk with an in-memory LRU in front.
type Disk struct {
	dir string
	ttl time.Duration
	mem *otter.Cache[string, *Entry]
	now func() time.Time
}

// Open creates (if needed) and opens a cache directory. ttl <= 0 means entries never expire.
func Open(dir string, ttl time.Duration, memEntries int) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open cache %s: %w", dir, err)
	}
	if memEntries <= 0 {
		memEntries = 4096
	}
	mem, err := otter.New(&otter.Options[string, *Entry]{MaximumSize: memEntries})
	if err != nil {
		return nil, fmt.Errorf("open cache memory: %w", err)
	}
	return &Disk{dir: dir, ttl: ttl, mem: mem, now: time.Now}, nil
}

func (d *Disk) path(key string) string {
	return filepath.Join(d.dir, key[:2], key+".json")
}

func (d *Disk) fresh(e *Entry) bool {
	return d.ttl <= 0 || d.now().Sub(e.StoredAt) < d.ttl
}

// Get returns the entry for key, or false when it is absent or expired. A
// corrupt file counts as a miss.
func (d *Disk) Get(_ context.Context, key string) (*Entry, bool) {
	if e, ok := d.mem.GetIfPresent(key); ok {
		if d.fresh(e) {
			return e, true
		}
		d.mem.Invalidate(key)
	}
	b, err := os.ReadFile(d.path(key))
	if err != nil {
		return nil, false
	}
	var e Entry
	if json.Unmarshal(b, &e) != nil || !d.fresh(&e) {
		return nil, false
	}
	d.mem.Set(key, &e)
	return &e, true
}

// Put stores an entry. The file is written to a temporary name and renamed,
// so a crash never leaves a half-written entry.
func (d *Disk) Put(_ context.Context, key string, e *Entry) error {
	if e.StoredAt.IsZero() {
		e.StoredAt = d.now().UTC()
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("cache put: %w", err)
	}
	p := d.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("cache put: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("cache put: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("cache put: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cache put: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cache put: %w", err)
	}
	d.mem.Set(key, e)
	return nil
}

// Clear removes every entry.
func (d *Disk) Clear() error {
	d.mem.InvalidateAll()
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("clear cache: %w", err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(d.dir, e.Name())); err != nil {
			return fmt.Errorf("clear cache: %w", err)
		}
	}
	return nil
}
