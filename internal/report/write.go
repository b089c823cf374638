package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Output formats accepted by Write.
const (
	FormatJSON     = "json"
	FormatJSONL    = "jsonl"
	FormatCSV      = "csv"
	FormatJUnit    = "junit"
	FormatHTML     = "html"
	FormatMarkdown = "md"
)

// ctxCheckEvery is how many results pass between context checks.
const ctxCheckEvery = 256

// Results is a re-iterable source of a run's results: each call returns a
// fresh stream (the store re-queries), so formats that need totals before
// rows make two passes without holding the run in memory.
type Results func() iter.Seq2[bench.Result, error]

// SliceResults adapts an in-memory slice to Results, for tests and small runs.
func SliceResults(rs []bench.Result) Results {
	return func() iter.Seq2[bench.Result, error] {
		return func(yield func(bench.Result, error) bool) {
			for _, r := range rs {
				if !yield(r, nil) {
					return
				}
			}
		}
	}
}

// extensions maps file extensions to formats.
var extensions = map[string]string{
	".json":  FormatJSON,
	".jsonl": FormatJSONL,
	".csv":   FormatCSV,
	".xml":   FormatJUnit,
	".html":  FormatHTML,
	".md":    FormatMarkdown,
}

// FormatFromPath returns the format for a report file from its extension
// (case-insensitive): .json .jsonl .csv .xml (JUnit) .html .md.
func FormatFromPath(path string) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if f, ok := extensions[ext]; ok {
		return f, nil
	}
	return "", fmt.Errorf("report file %q: unknown extension %q; use .json, .jsonl, .csv, .xml (JUnit), .html or .md", path, ext)
}

// Write renders results in format to w. format is one of "json", "jsonl",
// "csv", "junit", "html" or "md".
func Write(ctx context.Context, w io.Writer, format string, run bench.Run, results Results) error {
	var err error
	switch format {
	case FormatJSONL:
		err = writeJSONL(ctx, w, results)
	case FormatJSON:
		err = writeJSON(ctx, w, run, results)
	case FormatCSV:
		err = writeCSV(ctx, w, results)
	case FormatJUnit:
		err = writeJUnit(ctx, w, run, results)
	case FormatMarkdown:
		err = writeMarkdown(ctx, w, run, results)
	case FormatHTML:
		err = writeHTML(ctx, w, run, results)
	default:
		return fmt.Errorf("write report: unknown format %q; use json, jsonl, csv, junit, html or md", format)
	}
	if err != nil {
		return fmt.Errorf("write %s report: %w", format, err)
	}
	return nil
}

// WriteFile renders results to path in the format its extension names. It
// writes a temporary file in the same directory and renames it into place,
// so a crash never leaves half a report.
func WriteFile(ctx context.Context, path string, run bench.Run, results Results) (err error) {
	format, err := FormatFromPath(path)
	if err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write report %q: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err = Write(ctx, bw, format, run, results); err != nil {
		return fmt.Errorf("write report %q: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write report %q: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("write report %q: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write report %q: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write report %q: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write report %q: %w", path, err)
	}
	return nil
}

// each calls fn for every result of one pass, stopping at the first error
// and checking ctx every ctxCheckEvery results.
func each(ctx context.Context, results Results, fn func(*bench.Result) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n := 0
	for r, err := range results() {
		if err != nil {
			return fmt.Errorf("read results: %w", err)
		}
		if n++; n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return nil
}
