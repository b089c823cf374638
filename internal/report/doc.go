// Package report renders a run's results: the streaming Aggregator behind
// every summary, the file formats of `bench --output` and `report` (JSON,
// JSONL, CSV, JUnit XML, Markdown and a self-contained HTML page) and the
// terminal summary table.
//
// Every format reads results from a re-iterable stream (Results), so a run
// of any size is rendered in bounded memory: formats that need totals before
// rows make a first pass to count and a second to write.
package report
