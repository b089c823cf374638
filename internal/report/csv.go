package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// csvHeader names the flat columns of the CSV report.
var csvHeader = []string{
	"id", "run_id", "case_id", "prompt_id", "provider", "model", "repetition", "status",
	"passed", "score", "latency_ms", "ttft_ms", "tokens_prompt", "tokens_completion",
	"tokens_cached", "tokens_reasoning", "tokens_total", "cost_input", "cost_output",
	"cost_total", "finish_reason", "cached", "error_kind", "error_message", "response",
	"prompt", "scores", "tags", "created_at", "tool_calls",
}

// csvOutput writes a header and one row per result.
//
// Spreadsheet formula injection is neutralised: a text cell (ids, provider,
// model, response, prompt, reasons, JSON columns) that starts with = + - @,
// a tab or a carriage return gets a leading apostrophe, so Excel, LibreOffice
// and Google Sheets show it as text instead of evaluating it. Numeric columns
// are written by this package and left as they are, with two exceptions
// that keep a missing figure from reading as zero: ttft_ms is empty for a
// call that streamed no first token (made with --no-stream, or empty),
// score is empty for a result none of whose verdicts was scored, and the
// cost columns say "unknown" for a model without a price. The scores
// column keeps each verdict as bench.Score writes it: an unscored one has
// "score": null and "unscored": true. tool_calls is the JSON list of the
// calls the model made ({id, name, arguments}), empty when it made none.
type csvOutput struct {
	cw  *csv.Writer
	row []string
}

var _ Output = (*csvOutput)(nil)

func newCSVOutput(w io.Writer) Output {
	return &csvOutput{cw: csv.NewWriter(w), row: make([]string, len(csvHeader))}
}

// Begin writes the header.
func (o *csvOutput) Begin(bench.Run, *Summary) error { return o.cw.Write(csvHeader) }

// Add writes r's row.
func (o *csvOutput) Add(r *bench.Result) error {
	if err := csvRow(o.row, r); err != nil {
		return err
	}
	return o.cw.Write(o.row)
}

// End flushes the rows the CSV writer holds.
func (o *csvOutput) End() error {
	o.cw.Flush()
	return o.cw.Error()
}

// csvRow fills row with r's columns in csvHeader order.
func csvRow(row []string, r *bench.Result) error {
	scores, err := json.Marshal(r.Scores)
	if err != nil {
		return fmt.Errorf("encode scores of result %s: %w", r.ID, err)
	}
	tags, err := json.Marshal(r.Tags)
	if err != nil {
		return fmt.Errorf("encode tags of result %s: %w", r.ID, err)
	}
	var calls []byte
	if len(r.ToolCalls) > 0 {
		if calls, err = json.Marshal(r.ToolCalls); err != nil {
			return fmt.Errorf("encode tool calls of result %s: %w", r.ID, err)
		}
	}
	var errKind, errMsg string
	if r.Error != nil {
		errKind, errMsg = r.Error.Kind, r.Error.Message
	}
	text := neutralise
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	ttft := ""
	if r.TTFTMs > 0 && finite(r.TTFTMs) {
		ttft = num(r.TTFTMs)
	}
	score := ""
	if caseScored(r) {
		score = num(r.Score)
	}
	costIn, costOut, costTotal := num(r.Cost.Input), num(r.Cost.Output), num(r.Cost.Total)
	if r.Cost.Unknown {
		costIn, costOut, costTotal = "unknown", "unknown", "unknown"
	}
	copy(row, []string{
		text(r.ID), text(r.RunID), text(r.CaseID), text(r.PromptID), text(r.Provider), text(r.Model),
		strconv.Itoa(r.Repetition), text(string(r.Status)), strconv.FormatBool(r.Passed),
		score, num(r.LatencyMs), ttft,
		strconv.Itoa(r.Tokens.Prompt), strconv.Itoa(r.Tokens.Completion), strconv.Itoa(r.Tokens.Cached),
		strconv.Itoa(r.Tokens.Reasoning), strconv.Itoa(r.Tokens.Total),
		costIn, costOut, costTotal,
		text(r.FinishReason), strconv.FormatBool(r.Cached), text(errKind), text(errMsg),
		text(r.Response), text(r.Prompt), text(string(scores)), text(string(tags)),
		r.CreatedAt.UTC().Format(time.RFC3339Nano), text(string(calls)),
	})
	return nil
}

// neutralise prefixes a cell that a spreadsheet would read as a formula
// with an apostrophe.
func neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
