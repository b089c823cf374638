// Package calibrate measures an LLM judge against human labels and
// corrects judge-scored pass rates for the judge's measured error
// (`llm-test-bench judge calibrate`).
//
// A labelled set is graded (an answer with a human pass/fail or a human
// score) or pairwise (two answers with the human's preference). The judge
// grades every item through the eval registry, exactly as it would in a
// run; unscored verdicts are counted apart and never read as agreement or
// disagreement. The statistics are pure functions of counts: accuracy,
// sensitivity and specificity with Wilson intervals, Cohen's kappa with
// its large-sample interval, Spearman's rho with average ranks, and for
// pairwise sets agreement with and without ties (the MT-Bench convention)
// and position consistency.
//
// Correct turns a run's judge-scored pass rate q into an estimate of the
// true pass rate with the Rogan–Gladen estimator
// p = (q + Sp − 1) / (Se + Sp − 1), clipped to [0, 1]. Its interval
// carries the uncertainty of q, Se and Sp alike: it is the percentile
// interval of the estimator over seeded Monte Carlo draws of the three
// rates from their Jeffreys Beta(x + ½, n − x + ½) distributions.
package calibrate
