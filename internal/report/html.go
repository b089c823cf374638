package report

import (
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// HTML report limits: the failing results listed and the response shown per row.
const (
	maxHTMLFailures = 1000
	maxHTMLResponse = 500
)

//go:embed templates/report.html.tmpl templates/style.html.tmpl templates/comparison.html.tmpl
var templateFS embed.FS

// htmlTemplate is parsed once; html/template escapes all user data.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"cellTitle": cellTitle,
	"cellMark":  cellMark,
	"clean":     xmlText,
}).ParseFS(templateFS, "templates/report.html.tmpl", "templates/style.html.tmpl"))

// htmlView is the data behind the page head.
type htmlView struct {
	Title, Started, PassRate, PassRateCI   string
	Total, Passed, Failed, Errored, Tokens string
	Cost                                   string
	S                                      *Summary
	Cards                                  []htmlCard
	Chart                                  *svgChart
	Matrix                                 Matrix
	FailCount                              int
	Warnings, Notes                        []string
	// Judges and Unscored are the summary's lines, "" when there is nothing to say.
	Judges, Unscored string
	Assertions       []htmlAssertion
	AssertionsCut    string
	// Flaky lists the flaky cases of every provider, Repeated is set when
	// any provider repeated cases.
	Flaky    []htmlFlaky
	Repeated bool
}

// htmlAssertion is one row of the per-assertion table, pre-formatted.
type htmlAssertion struct {
	Name, Verdicts, Passed, Failed, Unscored, Mean, Consistency, Note string
}

// htmlCard is one provider's card, pre-formatted.
type htmlCard struct {
	Provider, Model, PassRate, PassPct              string
	Results, Passed, Failed, Errored, Cached        int
	P50, P90, P95, P99, Mean, Max, TTFT             string
	TokensIn, TokensOut, TokPerSec, MeanScore, Cost string
	// ScoreCI is the mean score's interval and how its error was computed.
	ScoreCI string
	Kinds   string
	// Unscored is "" when the provider's results have no unscored verdict,
	// Judges and ModelCost when they called no judge, Repeats when its
	// results do not repeat cases.
	Unscored, Judges, ModelCost, Repeats string
}

// htmlFailure is one row of the failing results table.
type htmlFailure struct {
	Name, Provider, Status, Score, Latency, Reason, Response string
}

// htmlFoot is the data behind the page end.
type htmlFoot struct {
	None        bool
	Shown, More int
}

// htmlOutput writes one self-contained page: inline CSS, an inline SVG
// chart and a little inline script, no external resource of any kind. The
// page head comes from the summary given up front; the failing rows stream.
type htmlOutput struct {
	w      io.Writer
	listed int
}

var _ Output = (*htmlOutput)(nil)

func newHTMLOutput(w io.Writer) Output { return &htmlOutput{w: w} }

// Begin writes the page up to the failing results' table body.
func (o *htmlOutput) Begin(_ bench.Run, s *Summary) error {
	if err := htmlTemplate.ExecuteTemplate(o.w, "head", newHTMLView(s)); err != nil {
		return fmt.Errorf("render page head: %w", err)
	}
	return nil
}

// Add writes r's row if it did not pass and the table is not full.
func (o *htmlOutput) Add(r *bench.Result) error {
	if r.Passed && r.Status == bench.StatusSuccess {
		return nil
	}
	if o.listed++; o.listed > maxHTMLFailures {
		return nil
	}
	if err := htmlTemplate.ExecuteTemplate(o.w, "failure", htmlFailureOf(r)); err != nil {
		return fmt.Errorf("render failing result %s: %w", r.ID, err)
	}
	return nil
}

// End writes the rest of the page.
func (o *htmlOutput) End() error {
	foot := htmlFoot{None: o.listed == 0, Shown: min(o.listed, maxHTMLFailures), More: max(o.listed-maxHTMLFailures, 0)}
	if err := htmlTemplate.ExecuteTemplate(o.w, "foot", foot); err != nil {
		return fmt.Errorf("render page end: %w", err)
	}
	return nil
}

// newHTMLView formats the summary for the page head.
func newHTMLView(s *Summary) htmlView {
	v := htmlView{
		Title:      cmp.Or(s.Run.Name, s.Run.ID, "Benchmark report"),
		Started:    fmtTime(cmp.Or(s.Run.CreatedAt, s.FirstAt)),
		PassRate:   fmtPct(s.PassRate),
		PassRateCI: kpiCI(s),
		Cost:       FormatCost(s.CostUSD, s.Unpriced),
		Total:      fmtInt(s.Total),
		Passed:     fmtInt(s.Passed),
		Failed:     fmtInt(s.Failed - s.Errored),
		Errored:    fmtInt(s.Errored),
		Tokens:     fmtInt(s.Tokens),
		S:          s,
		Matrix:     s.Matrix,
		FailCount:  s.Failed,
		Chart:      newLatencyChart(s.Providers),
		Warnings:   s.Warnings(),
		Notes:      tableNotes(s, true),
		Judges:     capitalize(s.JudgeLine()),
		Unscored:   capitalize(s.UnscoredLine()),
	}
	for _, a := range s.Assertions.Rows {
		row := htmlAssertion{
			Name: a.Name, Verdicts: fmtInt(a.Verdicts), Passed: fmtInt(a.Passed), Failed: fmtInt(a.Failed),
			Unscored: fmtInt(a.Unscored), Mean: fmtMean(a.MeanScore), Consistency: fmtConsistency(a),
		}
		if a.Unscored > 0 {
			row.Note = unscoredText(a.UnscoredReason)
		}
		v.Assertions = append(v.Assertions, row)
	}
	if b := s.Assertions; b.Truncated {
		v.AssertionsCut = fmt.Sprintf("Table truncated to the first %s assertion names; %s verdicts of the others are not shown.",
			fmtInt(len(b.Rows)), fmtInt(b.OmittedVerdicts))
	}
	for _, p := range s.Providers {
		v.Cards = append(v.Cards, htmlCard{
			Provider: p.Provider, Model: p.Model, PassRate: fmtPctCI(p.PassRate, p.PassRateCI),
			PassPct: strconv.FormatFloat(p.PassRate*100, 'f', 1, 64),
			Results: p.Results, Passed: p.Passed, Failed: p.Failed - p.Errored, Errored: p.Errored, Cached: p.Cached,
			P50: fmtMs(p.Latency.P50), P90: fmtMs(p.Latency.P90), P95: fmtMs(p.Latency.P95), P99: fmtMs(p.Latency.P99),
			Mean: fmtMs(p.Latency.Mean), Max: fmtMs(p.Latency.Max),
			TTFT:     ttftRange(p.TTFT),
			TokensIn: fmtInt(p.TokensPrompt), TokensOut: fmtInt(p.TokensCompletion),
			TokPerSec: rateUnit(p.TokensPerSec), MeanScore: fmtScoreSE(p), ScoreCI: fmtScoreCI(p),
			Cost: FormatCost(p.CostUSD, p.Unpriced), Kinds: fmtKinds(p.ErrorsByKind),
		})
		c := &v.Cards[len(v.Cards)-1]
		if p.Unscored > 0 {
			c.Unscored = p.unscoredCounts()
		}
		if p.JudgeCalls > 0 {
			c.Judges = fmt.Sprintf("%s (%s from cache), %s", plural(p.JudgeCalls, "call", "calls"), fmtInt(p.JudgeCached),
				FormatCost(p.JudgeCostUSD, p.JudgeUnpriced))
			c.ModelCost = FormatCost(p.ModelCostUSD, p.Unpriced)
		}
		c.Repeats = repeatsText(p.Flakiness)
		v.Repeated = v.Repeated || p.Flakiness != nil
		v.Flaky = append(v.Flaky, htmlFlakyOf(p)...)
	}
	return v
}

// kpiCI is the run's pass-rate interval under its figure, "" when the run
// has no results.
func kpiCI(s *Summary) string {
	if s.Total == 0 {
		return ""
	}
	return "95% CI " + fmtCI(s.PassRateCI)
}

// ttftRange is a card's "p50 / p95 ms", or "n/a (not streamed)".
func ttftRange(p Percentiles) string {
	if p.Count == 0 {
		return notStreamed + " (not streamed)"
	}
	return fmtMs(p.P50) + " / " + fmtMs(p.P95) + " ms"
}

// rateUnit is a card's throughput with its unit, or noValue.
func rateUnit(tps float64) string {
	if r := fmtRate(tps); r != noValue {
		return r + " tok/s"
	}
	return noValue
}

// htmlFailureOf formats one failing result.
func htmlFailureOf(r *bench.Result) htmlFailure {
	score := "unscored"
	if caseScored(r) {
		score = strconv.FormatFloat(r.Score, 'f', 3, 64)
	}
	return htmlFailure{
		Name:     xmlText(caseName(r)),
		Provider: xmlText(r.Provider),
		Status:   outcome(r),
		Score:    score,
		Latency:  fmtMs(r.LatencyMs),
		Reason:   xmlText(truncate(FailureReason(r), maxReason*2)),
		Response: xmlText(truncate(answerText(r), maxHTMLResponse)),
	}
}

// answerText is the response followed by the tool calls the model made,
// one "name(arguments)" per line, so a failing tool-calling answer shows
// what it did.
func answerText(r *bench.Result) string {
	if len(r.ToolCalls) == 0 {
		return r.Response
	}
	var b strings.Builder
	b.WriteString(r.Response)
	for _, c := range r.ToolCalls {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c.Name + "(" + c.Arguments + ")")
	}
	return b.String()
}

// cellTitle is a matrix cell's tooltip: state, counts, score and reason.
func cellTitle(c Cell) string {
	t := cellTitleText(c)
	return xmlText(t)
}

// cellTitleText builds the tooltip text before cleaning.
func cellTitleText(c Cell) string {
	if c.State == CellNone {
		return c.Provider + ": no result"
	}
	t := fmt.Sprintf("%s: %s, %d/%d passed", c.Provider, c.State, c.Passed, c.Results)
	if c.Errored > 0 {
		t += fmt.Sprintf(", %d errors", c.Errored)
	}
	if c.Unscored > 0 {
		t += fmt.Sprintf(", %d unscored", c.Unscored)
	}
	if c.Scored > 0 {
		t += ", score " + strconv.FormatFloat(c.Score, 'f', 2, 64)
	}
	if c.Reason != "" {
		t += " — " + c.Reason
	}
	return t
}

// cellMark is a matrix cell's visible text.
func cellMark(c Cell) string {
	switch c.State {
	case CellPass:
		return "✓"
	case CellFail:
		return "✗"
	case CellPartial:
		return fmt.Sprintf("◐ %d/%d", c.Passed, c.Results)
	case CellError:
		return "!"
	default:
		return "·"
	}
}
