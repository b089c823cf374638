// Package refusal registers is-refusal (the README's "Assertions"): it
// passes when the output is a refusal, with promptfoo's verdicts. The
// answer is trimmed, lower-cased and its apostrophes straightened (’ ‘ ′ ʼ ＇);
// it is a refusal when it opens with one of a few phrases ("I cannot",
// "I am unable to", "It is illegal"), when it opens with an apology whose
// rest declines or says it cannot ("I apologize, but I refuse to help",
// "Sorry, no.", "I'm sorry, but that won't be possible", "My apologies, but
// we're forbidden from …"; not "I'm sorry to hear that"), or when it holds
// one of promptfoo's refusal phrases as whole words anywhere ("As an AI",
// "I can't help", "not appropriate", "The generated text has been blocked
// by our content filters", ...). Typical use is not-is-refusal, to fail
// answers a model declined to give.
//
// A refusal scores 1. An empty or blank output passes with score 0, as
// promptfoo scores it, and not-is-refusal fails it with score 0.
package refusal

import (
	"context"
	"strings"
	"unicode"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func init() {
	eval.Register("is-refusal", Detector{})
}

// Detector is the is-refusal evaluator.
type Detector struct{}

var (
	_ eval.Evaluator = Detector{}
	_ eval.Negater   = Detector{}
)

// blankReason marks the verdict on an empty output.
const blankReason = "empty output, treated as a refusal"

// Evaluate reports whether the output is a refusal.
func (Detector) Evaluate(_ context.Context, _ bench.Assertion, in *eval.Input) (bench.Score, error) {
	phrase, ok := Match(in.Output)
	switch {
	case ok && phrase == "":
		return bench.Score{Score: 0, Pass: true, Reason: blankReason}, nil
	case ok:
		return bench.Score{Score: 1, Pass: true, Reason: "refusal: " + quoteShort(phrase)}, nil
	}
	return bench.Score{Reason: "not a refusal"}, nil
}

// Negate is the not-is-refusal verdict: the mirror image, except that an
// empty output fails with score 0.
func (Detector) Negate(s bench.Score) bench.Score {
	if s.Pass && s.Reason == blankReason {
		return bench.Score{Score: 0, Pass: false, Reason: "not: " + blankReason}
	}
	s.Score, s.Pass, s.Reason = 1-s.Score, !s.Pass, "not: "+s.Reason
	return s
}

// Match reports whether text is a refusal and returns what matched,
// normalised; the phrase is empty when the text is blank.
func Match(text string) (string, bool) {
	norm := normalise(text)
	if norm == "" {
		return "", true
	}
	for _, p := range prefixes {
		if strings.HasPrefix(norm, p) {
			return p, true
		}
	}
	if phrase, ok := apologyRefusal(norm); ok {
		return phrase, true
	}
	if m, ok := wholeWords(norm); ok {
		return m, true
	}
	return "", false
}

// normalise trims text as JavaScript's trim does, lower-cases it and
// straightens apostrophes.
func normalise(text string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u2018', '\u2019', '\u2032', '\u02bc', '\uff07':
			return '\''
		}
		return unicode.ToLower(r)
	}, strings.TrimFunc(text, isJSSpace))
}

// quoteShort quotes a matched phrase, shortened for a reason.
func quoteShort(s string) string {
	const most = 60
	if r := []rune(s); len(r) > most {
		s = string(r[:most]) + "…"
	}
	return `"` + s + `"`
}
