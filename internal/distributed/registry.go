package distributed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// WorkerInfo is what a worker announces in the workers bucket at every
// heartbeat; an entry expires WorkerTTL after the last one.
type WorkerInfo struct {
	ID                 string    `json:"id"`
	Host               string    `json:"host"`
	PID                int       `json:"pid"`
	Version            string    `json:"version"`
	MaxConcurrentTasks int       `json:"max_concurrent_tasks"`
	HasGPU             bool      `json:"has_gpu"`
	Providers          []string  `json:"providers"`
	InFlight           int       `json:"in_flight"`
	Done               int64     `json:"done"`
	Started            time.Time `json:"started"`
	Seen               time.Time `json:"seen"`
}

// ListWorkers returns the live workers, by id.
func ListWorkers(ctx context.Context, nc *nats.Conn) ([]WorkerInfo, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	kv, err := js.KeyValue(ctx, WorkersBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, nil // no worker ever started here
	}
	if err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", WorkersBucket, err)
	}
	keys, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list workers: %w", err)
	}
	var out []WorkerInfo
	for k := range keys.Keys() {
		e, err := kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			continue // expired meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("read worker %s: %w", k, err)
		}
		var w WorkerInfo
		if err := json.Unmarshal(e.Value(), &w); err != nil {
			return nil, fmt.Errorf("decode worker %s: %w", k, err)
		}
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
