// Package jsonlines is the loop behind the scripting filters (`metrics
// score`, `stats`): read one JSON request per line, write one JSON answer
// per line in input order, keep going past bad lines and count them.
// Memory is bounded by the longest line allowed, never by the input.
package jsonlines

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxLineBytes bounds one input line; longer lines are reported as bad and
// skipped.
const MaxLineBytes = 16 << 20

// ErrorLine is the answer to a line that could not be answered.
type ErrorLine struct {
	ID    string `json:"id,omitempty"`
	Error string `json:"error"`
}

// Answer answers input line n; a non-nil error makes the line bad, and id
// (when the request's could be read) is echoed in its error line.
type Answer func(n int, line []byte) (out any, id string, err error)

// Serve reads r line by line and writes answer's output to w, one JSON
// line each, flushing whenever the input pauses so interactive use sees
// answers. A bad line gets {"error": "line N: ..."}; badLines counts them.
// err is only for reading, writing or cancellation; name prefixes it.
func Serve(ctx context.Context, r io.Reader, w io.Writer, name string, answer Answer) (badLines int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return badLines, fmt.Errorf("%s: %w", name, err)
		}
		line, tooLong, rerr := readLine(br)
		if errors.Is(rerr, io.EOF) && line == nil && !tooLong {
			break
		}
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return badLines, fmt.Errorf("%s: read line %d: %w", name, n, rerr)
		}
		var out any
		if tooLong {
			out = ErrorLine{Error: fmt.Sprintf("line %d: longer than %d bytes", n, MaxLineBytes)}
		} else if resp, id, err := answer(n, line); err != nil {
			out = ErrorLine{ID: id, Error: fmt.Sprintf("line %d: %v", n, err)}
		} else {
			out = resp
		}
		if _, bad := out.(ErrorLine); bad {
			badLines++
		}
		if err := enc.Encode(out); err != nil {
			return badLines, fmt.Errorf("%s: write line %d: %w", name, n, err)
		}
		if br.Buffered() == 0 {
			if err := bw.Flush(); err != nil {
				return badLines, fmt.Errorf("%s: write: %w", name, err)
			}
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
	}
	if err := bw.Flush(); err != nil {
		return badLines, fmt.Errorf("%s: write: %w", name, err)
	}
	return badLines, nil
}

// readLine returns the next line without its newline (and a trailing \r).
// A line over MaxLineBytes is consumed and reported as tooLong.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > MaxLineBytes+2 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) && len(buf) == 0 && !tooLong {
			return nil, false, io.EOF
		}
		buf = bytes.TrimSuffix(buf, []byte("\n"))
		buf = bytes.TrimSuffix(buf, []byte("\r"))
		if tooLong {
			return nil, true, err
		}
		if buf == nil {
			buf = []byte{}
		}
		return buf, false, err
	}
}
