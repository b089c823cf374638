package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/jsonlines"
)

// MaxLineBytes bounds one input line; longer lines are reported as bad and
// skipped, so memory stays bounded whatever the input.
const MaxLineBytes = jsonlines.MaxLineBytes

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

// Run reads requests from r, one JSON object per line, and writes one line
// per input line to w, in order. A line that cannot be computed gets
// {"error": "..."} and the run goes on; badLines counts them. err is only
// for reading, writing or cancellation.
func Run(ctx context.Context, r io.Reader, w io.Writer) (badLines int, err error) {
	return jsonlines.Serve(ctx, r, w, "stats", func(_ int, line []byte) (any, string, error) {
		resp, err := ComputeLine(line)
		return resp, resp.ID, err
	})
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
