package analysis

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// LineError is a line of a results file that is not a result record.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ReadResults streams the result records of a JSONL file (as `runs export`
// and `bench --output x.jsonl` write them), one line at a time. Blank lines
// are skipped; a line that is not a JSON object with a case_id and a
// provider yields a *LineError naming file:line and ends the stream.
func ReadResults(r io.Reader, name string) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		br := bufio.NewReader(r)
		for line := 1; ; line++ {
			b, err := br.ReadBytes('\n')
			if len(bytes.TrimSpace(b)) > 0 {
				res, perr := parseResult(b)
				if perr != nil {
					yield(bench.Result{}, &LineError{File: name, Line: line, Err: perr})
					return
				}
				if !yield(res, nil) {
					return
				}
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(bench.Result{}, fmt.Errorf("read %s: %w", name, err))
				return
			}
		}
	}
}

// parseResult decodes one line and checks that it is a result record.
func parseResult(b []byte) (bench.Result, error) {
	var r bench.Result
	if err := json.Unmarshal(b, &r); err != nil {
		return bench.Result{}, fmt.Errorf("not a result record: %w", err)
	}
	switch {
	case r.CaseID == "":
		return bench.Result{}, errors.New("not a result record: no case_id")
	case r.Provider == "":
		return bench.Result{}, errors.New("not a result record: no provider")
	}
	return r, nil
}
