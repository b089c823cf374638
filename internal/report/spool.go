package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
)

// defaultSpoolMemory is how many bytes a spool keeps in memory before it
// moves them to a temporary file.
const defaultSpoolMemory = 64 << 10

// spool collects bytes to be copied out later: in memory while they are
// few, then in a temporary file, so an output that must group rows holds
// at most limit bytes (plus a file buffer) per group whatever the run's
// size.
type spool struct {
	limit int    // bytes kept in memory before spilling; 0 means defaultSpoolMemory
	dir   string // where the file goes; "" means os.TempDir()

	mem  bytes.Buffer
	file *os.File
	bw   *bufio.Writer
}

// Write appends p, moving everything to a file once the memory limit is
// passed.
func (s *spool) Write(p []byte) (int, error) {
	if s.file != nil {
		return s.bw.Write(p)
	}
	limit := s.limit
	if limit <= 0 {
		limit = defaultSpoolMemory
	}
	if s.mem.Len()+len(p) <= limit {
		return s.mem.Write(p)
	}
	f, err := os.CreateTemp(s.dir, "llm-test-bench-spool-*")
	if err != nil {
		return 0, fmt.Errorf("spill report rows to a temporary file: %w", err)
	}
	s.file = f
	s.bw = bufio.NewWriterSize(f, 32<<10)
	if _, err := s.mem.WriteTo(s.bw); err != nil {
		return 0, fmt.Errorf("spill report rows to %s: %w", f.Name(), err)
	}
	s.mem = bytes.Buffer{}
	return s.bw.Write(p)
}

// empty reports whether nothing was written.
func (s *spool) empty() bool { return s.file == nil && s.mem.Len() == 0 }

// spilled reports whether the spool moved to a file.
func (s *spool) spilled() bool { return s.file != nil }

// WriteTo copies everything written so far to w.
func (s *spool) WriteTo(w io.Writer) (int64, error) {
	if s.file == nil {
		return s.mem.WriteTo(w)
	}
	if err := s.bw.Flush(); err != nil {
		return 0, fmt.Errorf("spill report rows to %s: %w", s.file.Name(), err)
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("read back report rows from %s: %w", s.file.Name(), err)
	}
	n, err := io.Copy(w, s.file)
	if err != nil {
		return n, fmt.Errorf("copy report rows from %s: %w", s.file.Name(), err)
	}
	return n, nil
}

// Close removes the file, if any, and drops the memory.
func (s *spool) Close() error {
	s.mem = bytes.Buffer{}
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	err := s.file.Close()
	if rmErr := os.Remove(name); err == nil {
		err = rmErr
	}
	s.file, s.bw = nil, nil
	return err
}
