package report

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ctxCheckEvery is how many results pass between context checks.
const ctxCheckEvery = 256

// writeBuffer is the buffer between an output and its file.
const writeBuffer = 64 << 10

// WriteAll writes one report file per path, each in the format its
// extension names, from a single pass over results: three outputs read the
// store once. s is the run's summary, already aggregated while the run was
// live; it must describe exactly the results the pass yields.
//
// Each file is written to a temporary file in its directory and renamed
// into place, so a failure never leaves half a report or replaces an older
// one. A failure of one output (its extension, its directory, a full disk,
// a faulty plugin) does not stop the others: they are still written, and
// the returned error joins one error per failed path, each naming it. An
// error reading results, or ctx ending, abandons every file.
func WriteAll(ctx context.Context, paths []string, run bench.Run, s *Summary, results iter.Seq2[bench.Result, error]) error {
	sinks := make([]*sink, len(paths))
	for i, path := range paths {
		sinks[i] = openFileSink(path)
	}
	return fanOut(ctx, run, s, results, sinks)
}

// Render writes one report in the named format (see Register) to w, from a
// single pass over results. s is the run's summary, as for WriteAll.
func Render(ctx context.Context, w io.Writer, format string, run bench.Run, s *Summary, results iter.Seq2[bench.Result, error]) error {
	f, err := formatNamed(format)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	sw := &stickyWriter{w: w}
	bw := bufio.NewWriterSize(sw, writeBuffer)
	sk := &sink{name: format, sw: sw, bw: bw, out: f.open(bw)}
	return fanOut(ctx, run, s, results, []*sink{sk})
}

// sink is one output being written, with the buffer and file behind it.
type sink struct {
	name    string // the path, or the format name for Render
	out     Output
	sw      *stickyWriter
	bw      *bufio.Writer
	commit  func() error // after End and the last flush: make the file visible
	discard func()       // after a failure: remove what was written
	err     error
}

// openFileSink creates the temporary file behind path; a failure is kept in
// the sink, so the other paths are still written.
func openFileSink(spec string) *sink {
	sk := &sink{name: spec}
	open, path, err := resolve(spec)
	if err != nil {
		sk.err = err
		return sk
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		sk.err = fmt.Errorf("create a file in directory %q: %w", dir, err)
		return sk
	}
	sk.sw = &stickyWriter{w: tmp}
	sk.bw = bufio.NewWriterSize(sk.sw, writeBuffer)
	sk.out = open(sk.bw)
	sk.discard = func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}
	sk.commit = func() error {
		if err := tmp.Chmod(0o644); err != nil {
			return err
		}
		if err := tmp.Sync(); err != nil {
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		return os.Rename(tmp.Name(), path)
	}
	return sk
}

// fanOut begins every live sink, feeds each result of one pass to each of
// them, ends them and commits their files. A sink that fails is abandoned
// alone; an error from the results abandons them all.
func fanOut(ctx context.Context, run bench.Run, s *Summary, results iter.Seq2[bench.Result, error], sinks []*sink) error {
	srcErr := errors.New("no summary of the run was given")
	if s != nil {
		sum := *s
		sum.Run = run
		for _, sk := range sinks {
			sk.do(func() error { return sk.out.Begin(run, &sum) })
		}
		srcErr = ctx.Err()
		if srcErr == nil && live(sinks) > 0 {
			srcErr = feed(ctx, results, sinks)
		}
	}
	var errs []error
	for _, sk := range sinks {
		if srcErr != nil {
			sk.fail(srcErr)
		}
		sk.do(func() error { return sk.out.End() })
		sk.do(func() error { return sk.bw.Flush() })
		if sk.commit != nil {
			sk.do(sk.commit)
		}
		if sk.err != nil {
			errs = append(errs, &OutputError{Path: sk.name, Err: sk.err})
		}
	}
	return errors.Join(errs...)
}

// feed gives every result of one pass to each live sink. It stops early
// when every sink has failed, and returns the error that must abandon all
// of them: the results could not be read, or ctx ended.
func feed(ctx context.Context, results iter.Seq2[bench.Result, error], sinks []*sink) error {
	n := 0
	for r, err := range results {
		if err != nil {
			return fmt.Errorf("read results: %w", err)
		}
		if n++; n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for _, sk := range sinks {
			sk.do(func() error { return sk.out.Add(&r) })
		}
		if live(sinks) == 0 {
			return nil
		}
	}
	return nil
}

// do runs one step of a live sink, turning a panic (a faulty plugin) into
// the sink's error; a failed write to its buffer fails it too.
func (sk *sink) do(step func() error) {
	if sk.err != nil {
		return
	}
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("output panicked: %v", p)
			}
		}()
		return step()
	}()
	if err == nil {
		err = sk.sw.err
	}
	if err != nil {
		sk.fail(err)
	}
}

// fail abandons a sink: its output releases what it holds and its file is
// removed.
func (sk *sink) fail(err error) {
	if sk.err != nil {
		return
	}
	sk.err = err
	if a, ok := sk.out.(Aborter); ok {
		a.Abort()
	}
	if sk.discard != nil {
		sk.discard()
	}
}

// live counts the sinks still being written.
func live(sinks []*sink) int {
	n := 0
	for _, sk := range sinks {
		if sk.err == nil {
			n++
		}
	}
	return n
}

// stickyWriter remembers the first write error, so the driver notices a
// full disk after the Add that hit it, not only at the end.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = err
	}
	return n, err
}

// OutputError is one output WriteAll could not write.
type OutputError struct {
	Path string
	Err  error
}

func (e *OutputError) Error() string { return fmt.Sprintf("write report %q: %v", e.Path, e.Err) }
func (e *OutputError) Unwrap() error { return e.Err }

// Failed lists the paths of the outputs err (from WriteAll) says failed.
func Failed(err error) map[string]bool {
	out := map[string]bool{}
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) { //nolint:errorlint // it walks the wrap chain itself, to reach every joined error
		case nil:
		case *OutputError:
			out[e.Path] = true
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}
