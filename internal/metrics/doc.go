// Package metrics is the home of the reference-accurate text metrics: BLEU
// and chrF as sacreBLEU 2.x computes them, ROUGE as Google's rouge-score,
// SQuAD EM/F1 as the official script, edit distance as nltk, and the
// lm-evaluation-harness metrics. Each family lives in its own sub-package;
// testdata/ holds the reference implementations' own numbers.
package metrics
