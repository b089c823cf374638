package report

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// writeJSONL writes one result record per line, exactly the SPEC §4.5 fields.
func writeJSONL(ctx context.Context, w io.Writer, results Results) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := each(ctx, results, func(r *bench.Result) error {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("encode result %s: %w", r.ID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// writeJSON writes {"run":…,"summary":…,"results":[…]}: a first pass
// computes the summary, a second streams the results array.
func writeJSON(ctx context.Context, w io.Writer, run bench.Run, results Results) error {
	sum, err := Summarize(ctx, run, results)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	bw.WriteString(`{"run":`)
	if err := enc.Encode(run); err != nil {
		return fmt.Errorf("encode run: %w", err)
	}
	bw.WriteString(`,"summary":`)
	if err := enc.Encode(sum); err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	bw.WriteString(`,"results":[`)
	first := true
	err = each(ctx, results, func(r *bench.Result) error {
		if !first {
			bw.WriteByte(',')
		}
		first = false
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("encode result %s: %w", r.ID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}
