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
// number of providers and matrix cells, never by the number of results.
//
// Figures that were not measured are never shown as zero: a provider none
// of whose calls streamed has TTFT "n/a", throughput counts only generation
// windows of at least MinGenerationMs after the first token ("—"
// otherwise), and a cost without a price is "unknown" (FormatCost), counted
// in Summary.Unpriced and explained by Summary.Warnings.
package report
