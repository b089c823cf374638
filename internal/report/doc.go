// Package report renders a run's results: the streaming Aggregator behind
// every summary, the report outputs of `bench --output` and `runs export`
// (JSON, JSONL, CSV, JUnit XML, Markdown and a self-contained HTML page) and
// the terminal summary table.
//
// Outputs are sinks in the manner of k6's outputs (see Output): each is
// begun with the run and its summary, which the Aggregator computed while
// the run was live, receives every result once and is ended. WriteAll
// feeds any number of report files from one pass over the store, so three
// outputs read it once; a format registered with Register (a plugin
// exporter) plugs in by its file extension. Formats that need totals before
// their rows take them from the summary; JUnit, which groups rows by
// provider, spools each group to a temporary file. Memory is bounded by the
// number of providers and matrix cells and by the per-case counts behind
// clustered standard errors and flakiness (a few counts and a sum per case,
// at most Aggregator.ScoreCaseLimit of them), never by the number of
// results.
//
// BuildComparison and WriteComparison make the report of several stored
// runs behind `llm-test-bench report` (comparison*.go): each run is read
// once into both its Aggregator and the per-case values of
// analysis.CompareMatrix, and the page shows the matrix, each column's
// cost and latency, the Pareto frontier and each provider's trend.
//
// Every interval is 95%: pass rates carry a Wilson interval, mean scores a
// standard error and a t interval, clustered by case when results repeat
// cases (see ProviderSummary); the formulas are internal/stats/inference's.
// With repetitions (--repeat k) each provider also gets pass^k, the cases
// whose every repetition passed, and its flaky cases, whose repetitions
// disagree (see Flakiness).
//
// Figures that were not measured are never shown as zero: a provider none
// of whose calls streamed has TTFT "n/a", throughput counts only generation
// windows of at least MinGenerationMs after the first token ("—"
// otherwise), and a cost without a price is "unknown" (FormatCost), counted
// in Summary.Unpriced and explained by Summary.Warnings.
//
// Model-graded verdicts are reported apart from the models under test. A
// verdict that could not be reached (bench.Score.Unscored) is shown as
// "unscored: <reason>", never as a 0: it is counted in Grading.Unscored
// and in the per-assertion breakdown (Summary.Assertions, bounded by
// DefaultAssertionLimit names as the matrix is by cases), left out of its
// case's score, and a result that failed for want of one is a JUnit
// failure of type "unscored". The judges' calls, cache hits, tokens and
// cost come from the result metadata the runner writes; the cost is part
// of every result's, and Summary.ModelCostUSD is what remains for the
// models under test (Summary.JudgeLine says both in one line).
package report
