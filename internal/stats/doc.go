// Package stats holds the run statistics that are computed while results
// stream past: mergeable latency sketches, whose quantiles, means and maxima
// feed the reports, and which workers on other machines can serialise and
// merge.
package stats
