// Package record converts the JSON-valued parts of runs and results to and
// from the bytes both store backends keep, with one normalisation:
// nil maps and slices are stored as empty JSON containers and read back as
// empty, non-nil values, and Metadata/Config values come back as
// encoding/json decodes them (numbers as float64).
package record

import (
	"encoding/json"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ResultJSON holds the JSON columns of one result. Error is nil when the
// result has no error (the column is NULL).
type ResultJSON struct {
	Scores   []byte
	Error    []byte
	Tags     []byte
	Metadata []byte
	// ToolCalls is nil (NULL) when the model made no tool calls.
	ToolCalls []byte
}

var (
	emptyObject = []byte("{}")
	emptyArray  = []byte("[]")
)

// EncodeResult marshals r's JSON columns.
func EncodeResult(r *bench.Result) (ResultJSON, error) {
	var out ResultJSON
	var err error
	if out.Scores, err = marshalOr(r.Scores, len(r.Scores) == 0, emptyObject); err != nil {
		return out, fmt.Errorf("encode result %s scores: %w", r.ID, err)
	}
	if r.Error != nil {
		if out.Error, err = json.Marshal(r.Error); err != nil {
			return out, fmt.Errorf("encode result %s error: %w", r.ID, err)
		}
	}
	if out.Tags, err = marshalOr(r.Tags, len(r.Tags) == 0, emptyArray); err != nil {
		return out, fmt.Errorf("encode result %s tags: %w", r.ID, err)
	}
	if out.Metadata, err = marshalOr(r.Metadata, len(r.Metadata) == 0, emptyObject); err != nil {
		return out, fmt.Errorf("encode result %s metadata: %w", r.ID, err)
	}
	if len(r.ToolCalls) > 0 {
		if out.ToolCalls, err = json.Marshal(r.ToolCalls); err != nil {
			return out, fmt.Errorf("encode result %s tool calls: %w", r.ID, err)
		}
	}
	return out, nil
}

// DecodeResult fills r's JSON-valued fields from j.
func DecodeResult(r *bench.Result, j ResultJSON) error {
	r.Scores = map[string]bench.Score{}
	if err := unmarshalNonNull(j.Scores, &r.Scores); err != nil {
		return fmt.Errorf("decode result %s scores: %w", r.ID, err)
	}
	r.Error = nil
	if len(j.Error) > 0 && string(j.Error) != "null" {
		r.Error = new(bench.ErrorInfo)
		if err := json.Unmarshal(j.Error, r.Error); err != nil {
			return fmt.Errorf("decode result %s error: %w", r.ID, err)
		}
	}
	r.Tags = []string{}
	if err := unmarshalNonNull(j.Tags, &r.Tags); err != nil {
		return fmt.Errorf("decode result %s tags: %w", r.ID, err)
	}
	r.Metadata = map[string]any{}
	if err := unmarshalNonNull(j.Metadata, &r.Metadata); err != nil {
		return fmt.Errorf("decode result %s metadata: %w", r.ID, err)
	}
	r.ToolCalls = nil
	if err := unmarshalNonNull(j.ToolCalls, &r.ToolCalls); err != nil {
		return fmt.Errorf("decode result %s tool calls: %w", r.ID, err)
	}
	if len(r.ToolCalls) == 0 {
		r.ToolCalls = nil
	}
	return nil
}

// RunJSON holds the JSON columns of one run.
type RunJSON struct {
	Config []byte
	Tags   []byte
	Totals []byte
}

// EncodeRun marshals run's JSON columns.
func EncodeRun(run *bench.Run) (RunJSON, error) {
	var out RunJSON
	var err error
	if out.Config, err = marshalOr(run.Config, len(run.Config) == 0, emptyObject); err != nil {
		return out, fmt.Errorf("encode run %s config: %w", run.ID, err)
	}
	if out.Tags, err = marshalOr(run.Tags, len(run.Tags) == 0, emptyObject); err != nil {
		return out, fmt.Errorf("encode run %s tags: %w", run.ID, err)
	}
	if out.Totals, err = json.Marshal(run.Totals); err != nil {
		return out, fmt.Errorf("encode run %s totals: %w", run.ID, err)
	}
	return out, nil
}

// DecodeRun fills run's JSON-valued fields from j.
func DecodeRun(run *bench.Run, j RunJSON) error {
	run.Config = map[string]any{}
	if err := unmarshalNonNull(j.Config, &run.Config); err != nil {
		return fmt.Errorf("decode run %s config: %w", run.ID, err)
	}
	run.Tags = map[string]string{}
	if err := unmarshalNonNull(j.Tags, &run.Tags); err != nil {
		return fmt.Errorf("decode run %s tags: %w", run.ID, err)
	}
	run.Totals = bench.Totals{}
	if err := unmarshalNonNull(j.Totals, &run.Totals); err != nil {
		return fmt.Errorf("decode run %s totals: %w", run.ID, err)
	}
	return nil
}

func marshalOr(v any, empty bool, def []byte) ([]byte, error) {
	if empty {
		return def, nil
	}
	return json.Marshal(v)
}

// unmarshalNonNull leaves v as it is for an empty or null document, so the
// caller's empty default survives.
func unmarshalNonNull(b []byte, v any) error {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, v)
}
