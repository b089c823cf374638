package lmeval

import (
	"fmt"
	"unicode/utf8"
)

// Choice is the multiple-choice verdict for one document.
type Choice struct {
	Pred          int     `json:"pred"`
	PredNorm      int     `json:"pred_norm"`
	PredBytes     int     `json:"pred_bytes"`
	Acc           float64 `json:"acc"`
	AccNorm       float64 `json:"acc_norm"`
	AccBytes      float64 `json:"acc_bytes"`
	AccMutualInfo float64 `json:"acc_mutual_info,omitempty"`
}

// MultipleChoice scores a document as lm-eval's process_results: acc uses
// argmax of the log-likelihoods, acc_norm divides each by the choice's
// length in code points (without the target delimiter), acc_bytes by its
// UTF-8 length, and, when unconditional log-likelihoods are given,
// acc_mutual_info uses argmax(cond - uncond). Ties go to the lowest index.
func MultipleChoice(lls []float64, choices []string, gold int, uncond []float64) (Choice, error) {
	if len(lls) == 0 {
		return Choice{}, fmt.Errorf("lmeval: no log-likelihoods")
	}
	if choices != nil && len(choices) != len(lls) {
		return Choice{}, fmt.Errorf("lmeval: %d choices but %d log-likelihoods", len(choices), len(lls))
	}
	if uncond != nil && len(uncond) != len(lls) {
		return Choice{}, fmt.Errorf("lmeval: %d unconditional but %d conditional log-likelihoods", len(uncond), len(lls))
	}
	if gold < 0 || gold >= len(lls) {
		return Choice{}, fmt.Errorf("lmeval: gold %d out of range 0..%d", gold, len(lls)-1)
	}
	var c Choice
	c.Pred = argmax(len(lls), func(i int) float64 { return lls[i] })
	c.PredNorm, c.PredBytes = c.Pred, c.Pred
	if choices != nil {
		c.PredNorm = argmax(len(lls), func(i int) float64 { return lls[i] / float64(utf8.RuneCountInString(choices[i])) })
		c.PredBytes = argmax(len(lls), func(i int) float64 { return lls[i] / float64(len(choices[i])) })
	}
	c.Acc, c.AccNorm, c.AccBytes = hit(c.Pred, gold), hit(c.PredNorm, gold), hit(c.PredBytes, gold)
	if uncond != nil {
		c.AccMutualInfo = hit(argmax(len(lls), func(i int) float64 { return lls[i] - uncond[i] }), gold)
	}
	return c, nil
}

// argmax is numpy's argmax: the first index of the maximum; NaN wins, as
// numpy treats it as the maximum.
func argmax(n int, v func(int) float64) int {
	best := 0
	for i := 1; i < n; i++ {
		x, b := v(i), v(best)
		if b != b {
			return best
		}
		if x != x || x > b {
			best = i
		}
	}
	return best
}

func hit(pred, gold int) float64 {
	if pred == gold {
		return 1
	}
	return 0
}
