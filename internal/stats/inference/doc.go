// Package inference holds the statistics for comparing two systems scored
// on the same items, and the JSON-lines engine behind `llm-test-bench
// stats`. Each function reproduces the reference implementation named in
// its doc (scipy 1.10, statsmodels 0.13) to rounding; testdata holds the
// reference numbers and the test that checks every one of them.
//
// Each input line is {"kind": K, "inputs": {...}} (an optional "id" is
// echoed); each output line is {"kind": K, "result": {...}}, or
// {"error": "..."} naming the bad field. Optional inputs are marked with
// their default. A value that is undefined (0/0) or infinite is written as
// null, since JSON has neither.
//
//   - mcnemar: inputs a, b (0 = fail, 1 = pass, paired by position).
//     Result b (a passes, b fails), c (the reverse), exact_pvalue
//     (two-sided binomial), chi2 {statistic_cc, pvalue_cc, statistic,
//     pvalue} with and without continuity correction, null when b+c = 0.
//     Reference: statsmodels mcnemar([[0,b],[c,0]], exact=True / False,
//     correction=True / False).
//   - wilcoxon: inputs d (paired differences), zero_method (wilcox),
//     correction (false), method (auto). Result statistic = min(W+, W−),
//     pvalue (two-sided). Exact null distribution when method is auto, there
//     are at most 50 differences and none is zero; otherwise the normal
//     approximation with the tie correction. Reference: scipy.stats.wilcoxon.
//   - paired_t: inputs a, b, confidence (0.95). Result t, pvalue
//     (two-sided), df = n−1, mean_diff of a−b, se = sd(ddof=1)/√n, ci_low,
//     ci_high = mean_diff ∓ t_{(1+confidence)/2, df}·se. Reference:
//     scipy.stats.ttest_rel.
//   - non_inferiority: inputs candidate, baseline, margin (≥ 0, score
//     units), alpha (0.05). Result t = (mean_diff + margin)/se, pvalue =
//     P(T_{n−1} > t), lower_bound = mean_diff − t_{1−alpha, n−1}·se,
//     non_inferior = lower_bound > −margin. Reference: the lower test of
//     statsmodels ttost_paired.
//   - multipletests: inputs pvalues, alpha (0.05). Result bonferroni, holm,
//     fdr_bh, fdr_by, each {adjusted, reject} in input order. Reference:
//     statsmodels multipletests.
//   - proportion_ci: inputs successes, n, alpha (0.05). Result wilson, beta
//     (Clopper–Pearson), normal (Wald), agresti_coull, each [low, high].
//     Reference: statsmodels proportion_confint.
//   - clustered_se: inputs values, clusters (one string label per value).
//     Result mean, se_iid, se_clustered (cluster-robust with C/(C−1)), df =
//     C−1. Reference: statsmodels OLS on a constant, cov_type="cluster".
//   - t_quantile: inputs p, df. Result value. Reference: scipy.stats.t.ppf.
//   - z_quantile: inputs p. Result value. Reference: scipy.stats.norm.ppf.
//   - paired_bootstrap (ours, seeded): inputs a, b, resamples (1000), seed
//     (12345), confidence (0.95). Result mean_diff, ci_low, ci_high
//     (percentile interval of resampled mean differences), pvalue
//     (two-sided, centred resamples, (count+1)/(resamples+1)), resamples,
//     seed. See PairedBootstrap.
//   - permutation (ours, seeded): inputs a, b, resamples (10000), seed
//     (12345). Result mean_diff, pvalue ((count+1)/(resamples+1) with
//     count = trials whose |mean| is ≥ the observed one), at_least_as_extreme,
//     resamples, seed. See Permutation.
//
// The seeded kinds draw from math/rand/v2's PCG seeded with (seed, seed):
// the same inputs and seed give the same output on every platform. They do
// not reproduce numpy's random streams, so they have no reference vectors;
// their tests check determinism and known exact answers.
package inference
