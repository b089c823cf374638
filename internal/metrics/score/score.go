// Package score is the JSON-lines engine behind `llm-test-bench metrics
// score`: each input line names a metric, its options and the texts to
// score; each output line carries the reference implementation's headline
// number and details, or an error, in input order.
package score

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
)

// MaxLineBytes bounds one input line; longer lines are reported as bad and
// skipped, so memory stays bounded whatever the input.
const MaxLineBytes = 16 << 20

// Request is one input line.
type Request struct {
	Metric      string                     `json:"metric"`
	Options     map[string]json.RawMessage `json:"options,omitempty"`
	Prediction  *string                    `json:"prediction,omitempty"`
	Predictions []string                   `json:"predictions,omitempty"`
	// References is a list of strings, or for corpus-level BLEU and chrF a
	// list of reference streams (lists aligned with Predictions).
	References json.RawMessage `json:"references,omitempty"`
	Logprobs   []float64       `json:"logprobs,omitempty"`
}

// Response is one output line for a good input line.
type Response struct {
	Metric  string         `json:"metric"`
	Score   float64        `json:"score"`
	Details map[string]any `json:"details"`
}

type errorLine struct {
	Error string `json:"error"`
}

// Run reads requests from r, one JSON object per line, and writes one line
// per input line to w, in order. A line that cannot be scored gets
// {"error": "..."} and the run goes on; badLines counts them. err is only
// for reading, writing or cancellation.
func Run(ctx context.Context, r io.Reader, w io.Writer) (badLines int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return badLines, fmt.Errorf("metrics score: %w", err)
		}
		line, tooLong, rerr := readLine(br)
		if errors.Is(rerr, io.EOF) && line == nil && !tooLong {
			break
		}
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return badLines, fmt.Errorf("metrics score: read line %d: %w", n, rerr)
		}
		var out any
		if tooLong {
			out = errorLine{fmt.Sprintf("line %d: longer than %d bytes", n, MaxLineBytes)}
		} else if resp, err := ScoreLine(line); err != nil {
			out = errorLine{fmt.Sprintf("line %d: %v", n, err)}
		} else {
			out = resp
		}
		if _, bad := out.(errorLine); bad {
			badLines++
		}
		if err := enc.Encode(out); err != nil {
			return badLines, fmt.Errorf("metrics score: write line %d: %w", n, err)
		}
		if br.Buffered() == 0 {
			// Flush when the input pauses, so interactive use sees answers.
			if err := bw.Flush(); err != nil {
				return badLines, fmt.Errorf("metrics score: write: %w", err)
			}
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
	}
	if err := bw.Flush(); err != nil {
		return badLines, fmt.Errorf("metrics score: write: %w", err)
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

// ScoreLine scores one JSON request.
func ScoreLine(line []byte) (Response, error) {
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
		return Response{}, errors.New("bad request: more than one JSON value on the line")
	}
	resp, err := Score(req)
	if err != nil {
		return Response{}, err
	}
	if !finite(resp.Score) {
		return Response{}, fmt.Errorf("%s: score is not a finite number", req.Metric)
	}
	if _, err := json.Marshal(resp.Details); err != nil {
		return Response{}, fmt.Errorf("%s: details cannot be written: %w", req.Metric, err)
	}
	return resp, nil
}

// Score computes one request.
func Score(req Request) (Response, error) {
	h, ok := handlers[req.Metric]
	if !ok {
		return Response{}, fmt.Errorf("unknown metric %q (want %s)", req.Metric, metricNames())
	}
	score, details, err := h(req)
	if err != nil {
		return Response{}, fmt.Errorf("%s: %w", req.Metric, err)
	}
	if details == nil {
		details = map[string]any{}
	}
	return Response{Metric: req.Metric, Score: score, Details: details}, nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
