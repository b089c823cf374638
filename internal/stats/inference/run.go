package inference

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxLineBytes bounds one input line; longer lines are reported as bad and
// skipped, so memory stays bounded whatever the input.
const MaxLineBytes = 16 << 20

// Request is one input line.
type Request struct {
	// ID is optional and echoed, so that answers can be matched to questions.
	ID     string          `json:"id,omitempty"`
	Kind   string          `json:"kind"`
	Inputs json.RawMessage `json:"inputs"`
}

// Response is one output line for a good input line.
type Response struct {
	ID     string `json:"id,omitempty"`
	Kind   string `json:"kind"`
	Result any    `json:"result"`
}

type errorLine struct {
	ID    string `json:"id,omitempty"`
	Error string `json:"error"`
}

// Run reads requests from r, one JSON object per line, and writes one line
// per input line to w, in order. A line that cannot be computed gets
// {"error": "..."} and the run goes on; badLines counts them. err is only
// for reading, writing or cancellation.
func Run(ctx context.Context, r io.Reader, w io.Writer) (badLines int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return badLines, fmt.Errorf("stats: %w", err)
		}
		line, tooLong, rerr := readLine(br)
		if errors.Is(rerr, io.EOF) && line == nil && !tooLong {
			break
		}
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return badLines, fmt.Errorf("stats: read line %d: %w", n, rerr)
		}
		var out any
		if tooLong {
			out = errorLine{Error: fmt.Sprintf("line %d: longer than %d bytes", n, MaxLineBytes)}
		} else if resp, err := ComputeLine(line); err != nil {
			out = errorLine{ID: resp.ID, Error: fmt.Sprintf("line %d: %v", n, err)}
		} else {
			out = resp
		}
		if _, bad := out.(errorLine); bad {
			badLines++
		}
		if err := enc.Encode(out); err != nil {
			return badLines, fmt.Errorf("stats: write line %d: %w", n, err)
		}
		if br.Buffered() == 0 {
			// Flush when the input pauses, so interactive use sees answers.
			if err := bw.Flush(); err != nil {
				return badLines, fmt.Errorf("stats: write: %w", err)
			}
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
	}
	if err := bw.Flush(); err != nil {
		return badLines, fmt.Errorf("stats: write: %w", err)
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

// ComputeLine decodes one JSON request and computes it. On error the
// returned Response still carries the request's ID when it could be read.
func ComputeLine(line []byte) (Response, error) {
	if len(bytes.TrimSpace(line)) == 0 {
		return Response{}, errors.New("empty line (want a JSON object)")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var req Request
	if err := dec.Decode(&req); err != nil {
		return Response{}, fmt.Errorf("bad request: %w", err)
	}
	if dec.More() {
		return Response{ID: req.ID}, errors.New("bad request: more than one JSON value on the line")
	}
	resp, err := Compute(req)
	if err != nil {
		return Response{ID: req.ID}, err
	}
	if _, err := json.Marshal(resp.Result); err != nil {
		return Response{ID: req.ID}, fmt.Errorf("%s: result cannot be written: %w", req.Kind, err)
	}
	return resp, nil
}

// Compute runs one request.
func Compute(req Request) (Response, error) {
	f, ok := kinds[req.Kind]
	if !ok {
		return Response{ID: req.ID}, fmt.Errorf("kind: unknown %q (want %s)", req.Kind, strings.Join(Kinds(), ", "))
	}
	res, err := f(req.Inputs)
	if err != nil {
		return Response{ID: req.ID}, fmt.Errorf("%s: %w", req.Kind, err)
	}
	return Response{ID: req.ID, Kind: req.Kind, Result: res}, nil
}
