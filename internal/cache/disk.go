package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/maypok86/otter/v2"
)

var _ Cache = (*Disk)(nil)

// Disk is a cache on disk, one JSON file per entry under
// dir/KEY[:2]/KEY.json, with an in-memory LRU in front.
type Disk struct {
	dir string
	ttl TTLs
	mem *otter.Cache[string, *Entry]
	now func() time.Time
}

// OpenDisk creates (if needed) and opens a cache directory; memEntries
// bounds the LRU (0 means 4096).
func OpenDisk(dir string, ttl TTLs, memEntries int) (*Disk, error) {
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

// Get returns the entry for key, or false when it is absent or expired. A
// corrupt file counts as a miss.
func (d *Disk) Get(_ context.Context, key string) (*Entry, bool) {
	if !validKey(key) {
		return nil, false
	}
	if e, ok := d.mem.GetIfPresent(key); ok {
		if d.ttl.fresh(e, d.now()) {
			return e, true
		}
		d.mem.Invalidate(key)
	}
	b, err := os.ReadFile(d.path(key))
	if err != nil {
		return nil, false
	}
	var e Entry
	if json.Unmarshal(b, &e) != nil || !e.Kind.valid() || !d.ttl.fresh(&e, d.now()) {
		return nil, false
	}
	d.mem.Set(key, &e)
	return &e, true
}

// Put stores an entry. The file is written to a temporary name and renamed,
// so a crash never leaves a half-written entry.
func (d *Disk) Put(_ context.Context, key string, e *Entry) error {
	if err := checkPut(key, e, d.now()); err != nil {
		return err
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

// Close releases nothing: the files stay for the next run.
func (d *Disk) Close() error { return nil }
