// Package score is the JSON-lines engine behind `llm-test-bench metrics
// score`: each input line names a metric, its options and the texts to
// score; each output line carries the reference implementation's headline
// number and details, or an error, in input order.
package score

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/llm-test-bench/llm-test-bench/internal/jsonlines"
)

// MaxLineBytes bounds one input line; longer lines are reported as bad and
// skipped, so memory stays bounded whatever the input.
const MaxLineBytes = jsonlines.MaxLineBytes

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

// Run reads requests from r, one JSON object per line, and writes one line
// per input line to w, in order. A line that cannot be scored gets
// {"error": "..."} and the run goes on; badLines counts them. err is only
// for reading, writing or cancellation.
func Run(ctx context.Context, r io.Reader, w io.Writer) (badLines int, err error) {
	return jsonlines.Serve(ctx, r, w, "metrics score", func(_ int, line []byte) (any, string, error) {
		resp, err := ScoreLine(line)
		return resp, "", err
	})
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
