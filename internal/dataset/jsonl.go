package dataset

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// maxLine bounds one JSONL record, so a file without newlines cannot make
// the reader buffer all of it.
const maxLine = 64 << 20

// jsonlSource reads one case object per line; blank lines are skipped. Only
// the current line is held in memory.
type jsonlSource struct {
	fsys files
	name string
}

func (s *jsonlSource) each(yield func(bench.Case, error) bool) {
	disp := s.fsys.display(s.name)
	f, err := s.fsys.open(s.name)
	if err != nil {
		yield(bench.Case{}, &LoadError{File: disp, Err: pathErr(err)})
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	base := baseName(s.name)
	lineNo, n := 0, 0
	for sc.Scan() {
		lineNo++
		line := sc.Bytes()
		if lineNo == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if err := checkUTF8(disp, line, lineNo); err != nil {
			n++
			if !yield(bench.Case{}, err) {
				return
			}
			continue
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		n++
		c, err := decodeJSONLine(disp, line, lineNo)
		if err != nil {
			if !yield(bench.Case{}, err) {
				return
			}
			continue
		}
		finishCase(&c, base, n)
		if !yield(c, nil) {
			return
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("line longer than %d bytes", maxLine)
		}
		yield(bench.Case{}, &LoadError{File: disp, Line: lineNo + 1, Err: fmt.Errorf("read: %w", pathErr(err))})
	}
}

// decodeJSONLine decodes one JSONL record.
func decodeJSONLine(file string, line []byte, lineNo int) (bench.Case, error) {
	root, err := parseJSON(file, line, lineNo)
	if err != nil {
		return bench.Case{}, err
	}
	if root.kind != kindMap {
		return bench.Case{}, &LoadError{File: file, Line: lineNo, Err: fmt.Errorf("a JSONL line must be a test case object, not %s", root.kind)}
	}
	d := &decoder{file: file}
	return d.decodeCase(root)
}
