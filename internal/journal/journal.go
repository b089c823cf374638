// Package journal is a run's append-only file of finished results. The
// run's writer appends each group of results as soon as the previous append
// ends (group commit), one write call per group, before the database sees
// them in large batches. A process that is killed loses nothing it had
// appended: the next --resume replays the journal into the store, so only
// the calls in flight at the kill are made again. The file is removed once
// everything in it is stored.
//
// Appends are not synced to disk: like SQLite's WAL at synchronous=normal,
// the journal survives the death of the process, not of the machine.
package journal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	json "github.com/goccy/go-json"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Journal appends one run's results to its file.
type Journal struct {
	f    *os.File
	path string
	buf  bytes.Buffer
	enc  *json.Encoder
}

// Path is where run runID's journal lives in dir.
func Path(dir, runID string) string { return filepath.Join(dir, runID+".jsonl") }

// Open opens (creating dir and the file as needed) run runID's journal for
// appending.
func Open(dir, runID string) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	p := Path(dir, runID)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	j := &Journal{f: f, path: p}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false)
	return j, nil
}

// Append writes rs, one JSON line each, in a single write call.
func (j *Journal) Append(rs []bench.Result) error {
	j.buf.Reset()
	for i := range rs {
		if err := j.enc.Encode(&rs[i]); err != nil {
			return fmt.Errorf("journal %s: encode result %s: %w", j.path, rs[i].ID, err)
		}
	}
	if _, err := j.f.Write(j.buf.Bytes()); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return nil
}

// Close closes the file and keeps it (its results may not all be stored).
func (j *Journal) Close() error { return j.f.Close() }

// Remove closes and deletes the journal: everything in it is stored.
func (j *Journal) Remove() error {
	err := j.f.Close()
	if rerr := os.Remove(j.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	return err
}

// maxLine bounds one journaled result (a response of several megabytes is
// still far below it).
const maxLine = 64 << 20

// Replay reads run runID's journal in dir, if there is one, and hands its
// results to store in batches of size. A last line cut short by a crash is
// ignored: its call is repeated. Once every batch is stored, the journal is
// removed. It returns how many results it replayed.
func Replay(dir, runID string, size int, store func([]bench.Result) error) (int, error) {
	p := Path(dir, runID)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("replay journal: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	batch := make([]bench.Result, 0, size)
	n, line := 0, 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := store(batch); err != nil {
			return fmt.Errorf("replay journal %s: %w", p, err)
		}
		n += len(batch)
		batch = batch[:0]
		return nil
	}
	for sc.Scan() {
		line++
		var r bench.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			// Only the last line can be cut short by a crash.
			if !sc.Scan() {
				break
			}
			return n, fmt.Errorf("replay journal %s:%d: %w", p, line, err)
		}
		if batch = append(batch, r); len(batch) >= size {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("replay journal %s: %w", p, err)
	}
	if err := flush(); err != nil {
		return n, err
	}
	if err := os.Remove(p); err != nil {
		return n, fmt.Errorf("replay journal: %w", err)
	}
	return n, nil
}
