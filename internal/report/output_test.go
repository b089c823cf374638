package report

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Test formats, registered once for the whole package: one that fails on
// its third result and one that panics when begun.
const (
	failingExt  = ".failtest"
	panickyExt  = ".panictest"
	failOnAddAt = 3
)

func init() {
	Register("failtest", failingExt, func(w io.Writer) Output { return &fakeOutput{w: w, failAt: failOnAddAt} })
	Register("panictest", panickyExt, func(w io.Writer) Output { return &fakeOutput{w: w, panicBegin: true} })
}

// fakeOutput writes one line per result and fails or panics on demand.
type fakeOutput struct {
	w          io.Writer
	failAt     int
	panicBegin bool
	n          int
	aborted    bool
}

func (o *fakeOutput) Begin(bench.Run, *Summary) error {
	if o.panicBegin {
		panic("plugin bug")
	}
	return nil
}

func (o *fakeOutput) Add(r *bench.Result) error {
	if o.n++; o.n == o.failAt {
		return errors.New("exporter refused the record")
	}
	_, err := fmt.Fprintln(o.w, r.ID)
	return err
}

func (o *fakeOutput) End() error { return nil }
func (o *fakeOutput) Abort()     { o.aborted = true }

// countingResults yields rs and counts how often a pass was started and
// how many results were read, so tests can prove a single pass.
type countingResults struct {
	rs            []bench.Result
	passes, reads int
}

func (c *countingResults) seq() iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		c.passes++
		for _, r := range c.rs {
			c.reads++
			if !yield(r, nil) {
				return
			}
		}
	}
}

// builtinFiles are the golden files of the built-in formats that have one.
var builtinFiles = map[string]string{
	FormatMarkdown: "report.md", FormatCSV: "report.csv", FormatJUnit: "report.xml", FormatJSONL: "report.jsonl",
}

// TestOutputsThroughInterface drives every built-in format directly through
// Begin, Add and End, as a plugin host would, and checks the bytes against
// the golden file or, for formats without one, against what must be there.
func TestOutputsThroughInterface(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format string
		want   []string // fragments, for formats without a golden file
	}{
		{FormatMarkdown, nil},
		{FormatCSV, nil},
		{FormatJUnit, nil},
		{FormatJSONL, nil},
		{FormatJSON, []string{`{"run":{"id":"run-0001"`, `,"summary":{"run":{"id":"run-0001"`, `"unpriced":0`, `,"results":[{"id":"res-001"`, "]}\n"}},
		{FormatHTML, []string{"<!DOCTYPE html>", "Failing results (6)", `data-status="timeout"`, "</html>"}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			f, err := formatNamed(tt.format)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			out := f.open(&buf)
			s := fixtureSummary(t)
			if err := out.Begin(fixtureRun(), s); err != nil {
				t.Fatal(err)
			}
			for _, r := range fixtureResults() {
				if err := out.Add(&r); err != nil {
					t.Fatal(err)
				}
			}
			if err := out.End(); err != nil {
				t.Fatal(err)
			}
			if name, ok := builtinFiles[tt.format]; ok {
				golden(t, name, buf.Bytes())
				return
			}
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("%s output lacks %q", tt.format, w)
				}
			}
		})
	}
}

// TestWriteAllReadsOnce writes every built-in format from one counted pass
// and checks each file against the same format rendered alone.
func TestWriteAllReadsOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	formats := []string{FormatJSON, FormatJSONL, FormatCSV, FormatJUnit, FormatHTML, FormatMarkdown}
	exts := map[string]string{FormatJSON: ".json", FormatJSONL: ".jsonl", FormatCSV: ".csv", FormatJUnit: ".xml", FormatHTML: ".html", FormatMarkdown: ".md"}
	var paths []string
	for _, f := range formats {
		paths = append(paths, filepath.Join(dir, "run"+exts[f]))
	}
	src := &countingResults{rs: fixtureResults()}
	if err := WriteAll(context.Background(), paths, fixtureRun(), fixtureSummary(t), src.seq()); err != nil {
		t.Fatal(err)
	}
	if src.passes != 1 || src.reads != len(src.rs) {
		t.Errorf("%d outputs made %d passes reading %d results, want 1 pass reading %d", len(paths), src.passes, src.reads, len(src.rs))
	}
	for i, f := range formats {
		got, err := os.ReadFile(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(render(t, f), string(got)); diff != "" {
			t.Errorf("%s written with others differs from rendered alone (-want +got):\n%s", f, diff)
		}
	}
}

// TestWriteAllIsolatesFailures shows that one output failing (on a
// result, by panicking, by its directory or its extension) leaves the
// others written, names only the failed path and leaves no temporary file.
func TestWriteAllIsolatesFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		bad     string // relative to the test directory
		wantErr string
	}{
		{"output fails on a result", "export" + failingExt, "exporter refused the record"},
		{"output panics", "plugin" + panickyExt, "output panicked: plugin bug"},
		{"directory missing", "missing/run.md", "create a file in directory"},
		{"unknown extension", "run.pdf", `unknown extension ".pdf"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			bad := filepath.Join(dir, tt.bad)
			good := []string{filepath.Join(dir, "run.md"), filepath.Join(dir, "run.xml"), filepath.Join(dir, "run.jsonl")}
			paths := slices.Insert(slices.Clone(good), 1, bad)
			src := &countingResults{rs: fixtureResults()}
			err := WriteAll(context.Background(), paths, fixtureRun(), fixtureSummary(t), src.seq())
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("write report %q", bad)) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("WriteAll = %v, want an error naming %s and saying %q", err, bad, tt.wantErr)
			}
			for _, p := range good {
				if strings.Contains(err.Error(), p) {
					t.Errorf("error names %s, which was written", p)
				}
			}
			if src.passes != 1 || src.reads != len(src.rs) {
				t.Errorf("passes = %d, reads = %d; want one full pass for the outputs still working", src.passes, src.reads)
			}
			for i, f := range []string{FormatMarkdown, FormatJUnit, FormatJSONL} {
				got, rerr := os.ReadFile(good[i])
				if rerr != nil {
					t.Fatalf("good output not written: %v", rerr)
				}
				if string(got) != render(t, f) {
					t.Errorf("%s differs from the format rendered alone", good[i])
				}
			}
			if _, serr := os.Stat(bad); !errors.Is(serr, os.ErrNotExist) {
				t.Errorf("failed output %s exists (%v), want no file", bad, serr)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("temporary file %s left behind", e.Name())
				}
			}
		})
	}
}

func TestWriteAllStopsWhenEveryOutputFailed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rs := make([]bench.Result, 100)
	for i := range rs {
		rs[i] = benchResult(i)
	}
	src := &countingResults{rs: rs}
	err := WriteAll(context.Background(), []string{filepath.Join(dir, "a"+failingExt), filepath.Join(dir, "b"+failingExt)},
		bench.Run{}, &Summary{}, src.seq())
	if err == nil || strings.Count(err.Error(), "exporter refused") != 2 {
		t.Fatalf("WriteAll = %v, want both outputs' errors", err)
	}
	if src.reads != failOnAddAt {
		t.Errorf("read %d results, want %d: reading must stop once no output is left", src.reads, failOnAddAt)
	}
}

func TestWriteAllAbortsFailedOutput(t *testing.T) {
	t.Parallel()
	var made []*fakeOutput
	f := &format{name: "x", ext: ".x", open: func(w io.Writer) Output {
		o := &fakeOutput{w: w, failAt: 2}
		made = append(made, o)
		return o
	}}
	sw := &stickyWriter{w: io.Discard}
	sk := &sink{name: "x", sw: sw, bw: bufio.NewWriter(sw)}
	sk.out = f.open(sk.bw)
	err := fanOut(context.Background(), bench.Run{}, &Summary{}, Slice(fixtureResults()), []*sink{sk})
	if err == nil || !made[0].aborted {
		t.Errorf("fanOut = %v, aborted = %v; want the error and Abort called", err, made[0].aborted)
	}
}

// failingWriter accepts n bytes, then fails like a full disk.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("no space left on device")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestRenderReportsWriteErrors(t *testing.T) {
	t.Parallel()
	rs := make([]bench.Result, 2000)
	for i := range rs {
		rs[i] = benchResult(i)
	}
	for _, f := range []string{FormatJSON, FormatJSONL, FormatCSV, FormatJUnit, FormatHTML, FormatMarkdown} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			src := &countingResults{rs: rs}
			err := Render(context.Background(), &failingWriter{n: 100}, f, bench.Run{}, &Summary{}, src.seq())
			if err == nil || !strings.Contains(err.Error(), "no space left") {
				t.Errorf("Render = %v, want the write error", err)
			}
		})
	}
}

func TestRegister(t *testing.T) {
	t.Parallel()
	open := func(w io.Writer) Output { return newJSONLOutput(w) }
	tests := []struct {
		name, fname, ext string
	}{
		{"extension taken", "other", ".MD"},
		{"name taken", FormatJUnit, ".junit2"},
		{"no dot", "x2", "x2"},
		{"no name", "", ".x3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q, %q) did not panic", tt.fname, tt.ext)
				}
			}()
			Register(tt.fname, tt.ext, open)
		})
	}
	if got, err := FormatFromPath("dir/EXPORT" + strings.ToUpper(failingExt)); err != nil || got != "failtest" {
		t.Errorf("FormatFromPath of a registered extension = %q, %v", got, err)
	}
	if _, err := FormatFromPath("r.pdf"); err == nil || !strings.Contains(err.Error(), failingExt+" or ") {
		t.Errorf("unknown extension error = %v, want it to list registered formats", err)
	}
}

func TestWriteAllWithoutSummary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "run.md")
	err := WriteAll(context.Background(), []string{path}, bench.Run{}, nil, Slice(fixtureResults()))
	if err == nil || !strings.Contains(err.Error(), "no summary") || !strings.Contains(err.Error(), path) {
		t.Errorf("WriteAll without a summary = %v, want an error naming %s", err, path)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files left behind", len(entries))
	}
}

// TestFailedNamesOnlyTheFailedOutputs: a path that is part of another
// path's name is not taken for a failed one.
func TestFailedNamesOnlyTheFailedOutputs(t *testing.T) {
	t.Parallel()
	err := errors.Join(&OutputError{Path: "xa.md", Err: errors.New("disk full")}, &OutputError{Path: "b.csv", Err: errors.New("no")})
	got := Failed(fmt.Errorf("outputs: %w", err))
	if !got["xa.md"] || !got["b.csv"] || got["a.md"] || len(got) != 2 {
		t.Errorf("Failed = %v", got)
	}
	if len(Failed(nil)) != 0 {
		t.Error("no error names a failed output")
	}
}
