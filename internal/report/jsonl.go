package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// jsonlOutput writes one result record per line, exactly the fields of
// bench.Result.
type jsonlOutput struct {
	enc *json.Encoder
}

var _ Output = (*jsonlOutput)(nil)

func newJSONLOutput(w io.Writer) Output {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonlOutput{enc: enc}
}

// Begin writes nothing: a JSONL file is its records.
func (o *jsonlOutput) Begin(bench.Run, *Summary) error { return nil }

// Add writes r on its own line.
func (o *jsonlOutput) Add(r *bench.Result) error {
	if err := o.enc.Encode(r); err != nil {
		return fmt.Errorf("encode result %s: %w", r.ID, err)
	}
	return nil
}

// End writes nothing.
func (o *jsonlOutput) End() error { return nil }

// jsonOutput writes {"run":…,"summary":…,"results":[…]}: the run and its
// summary, known before the pass, then the results as they stream.
type jsonOutput struct {
	w     io.Writer
	enc   *json.Encoder
	first bool
}

var _ Output = (*jsonOutput)(nil)

func newJSONOutput(w io.Writer) Output {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonOutput{w: w, enc: enc, first: true}
}

// Begin writes the run, the summary and the opening of the results array.
func (o *jsonOutput) Begin(run bench.Run, s *Summary) error {
	if _, err := io.WriteString(o.w, `{"run":`); err != nil {
		return err
	}
	if err := o.enc.Encode(run); err != nil {
		return fmt.Errorf("encode run: %w", err)
	}
	if _, err := io.WriteString(o.w, `,"summary":`); err != nil {
		return err
	}
	if err := o.enc.Encode(s); err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	_, err := io.WriteString(o.w, `,"results":[`)
	return err
}

// Add writes one element of the results array.
func (o *jsonOutput) Add(r *bench.Result) error {
	if !o.first {
		if _, err := io.WriteString(o.w, ","); err != nil {
			return err
		}
	}
	o.first = false
	if err := o.enc.Encode(r); err != nil {
		return fmt.Errorf("encode result %s: %w", r.ID, err)
	}
	return nil
}

// End closes the array and the document.
func (o *jsonOutput) End() error {
	_, err := io.WriteString(o.w, "]}\n")
	return err
}
