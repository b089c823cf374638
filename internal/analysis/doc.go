// Package analysis is the regression gate behind `llm-test-bench analyze`:
// it pairs two sets of results on the same cases and asks whether the
// comparison is worse than the baseline by more than a margin.
//
// # Method
//
// Values. Each result gives one number for the chosen metric: "passed" (1
// or 0), "score" (the case score, a weighted mean on 0–1 for the built-in
// assertions) or an assertion's score, scores[NAME].score. An unscored
// verdict has no number and is left out and counted, never read as 0; so is
// a result without that assertion, and, for "score", a result whose every
// verdict is unscored. A failed call is data: its passed (false) and score
// count as they were stored.
//
// Pairing. Results are paired on (case_id, prompt_id) within one provider
// per side. Repetitions of a case are averaged first, so a case is one
// observation however often it ran: repetitions of a case are correlated,
// and counting them as independent would shrink the error bars (Miller,
// "Adding Error Bars to Evals", 2024: cluster by question, compare paired
// differences). n is the number of cases present on both sides; cases on one
// side only are counted and left out. Memory grows with the number of cases,
// never with the number of results: each side is streamed once into
// per-case sums.
//
// Test. With d_i = comparison − baseline for each paired case, the gate is
// the one-sided paired non-inferiority t-test (inference.NonInferiority,
// the lower test of statsmodels' ttost_paired): the comparison is
// non-inferior when the (1−alpha) lower confidence bound of mean(d) is above
// −margin, and a regression otherwise. The margin is in metric units. Its
// default, 0.02, tolerates a loss of two points of pass rate (or of a 0–1
// score) that the data cannot rule out: a gate with no tolerance
// would have to prove the comparison better, and fails two identical runs.
// That is what --margin 0 asks for: no loss at all, so the lower bound must
// be above 0. A bound that cannot clear −margin on a small suite is a
// regression too: the gate passes only on evidence.
//
// Also reported, not gating: both means over the paired cases; the mean
// difference with its two-sided (1−2·alpha) paired-t interval (its lower
// end is the gate's bound) and the two-sided paired-t p-value; the cases
// worse, better and the same; for "passed" with one result per case on
// both sides, McNemar's exact p-value on the discordant pairs (worse and
// better are its b and c); otherwise the Wilcoxon signed-rank p-value
// (undefined when every difference is 0).
package analysis
