// Package lmeval reproduces lm-evaluation-harness metrics that need no
// model: exact_match (its port of Hugging Face's exact_match, with
// ignore_case, ignore_punctuation, ignore_numbers and regexes_to_ignore) and
// the multiple-choice accuracies acc, acc_norm, acc_bytes and
// acc_mutual_info computed from log-likelihoods. Perplexities live in
// package perplexity.
package lmeval

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

// MatchOptions are exact_match's options. Regexes use Go's RE2 syntax,
// which agrees with Python's re for everything but backreferences and
// lookaround.
type MatchOptions struct {
	RegexesToIgnore   []string
	IgnoreCase        bool
	IgnorePunctuation bool
	IgnoreNumbers     bool
}

// Matcher normalises and compares strings with fixed options.
type Matcher struct {
	opts MatchOptions
	res  []*regexp.Regexp
}

// NewMatcher compiles the options' regexes.
func NewMatcher(o MatchOptions) (*Matcher, error) {
	m := &Matcher{opts: o}
	for _, s := range o.RegexesToIgnore {
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("lmeval: regexes_to_ignore %q: %w", s, err)
		}
		m.res = append(m.res, re)
	}
	return m, nil
}

// Normalize applies the regexes (before lowercasing, as the reference
// does), then case folding, punctuation and digit removal.
func (m *Matcher) Normalize(s string) string {
	for _, re := range m.res {
		s = re.ReplaceAllLiteralString(s, "")
	}
	if m.opts.IgnoreCase {
		s = pytext.Lower(s)
	}
	if m.opts.IgnorePunctuation || m.opts.IgnoreNumbers {
		s = strings.Map(func(r rune) rune {
			if m.opts.IgnorePunctuation && pytext.IsPunct(r) || m.opts.IgnoreNumbers && r >= '0' && r <= '9' {
				return -1
			}
			return r
		}, s)
	}
	return s
}

// Match reports whether prediction equals any of the references after
// normalisation, as lm-eval scores a document with several targets.
func (m *Matcher) Match(prediction string, references ...string) bool {
	p := m.Normalize(prediction)
	for _, r := range references {
		if m.Normalize(r) == p {
			return true
		}
	}
	return false
}

// ExactMatch is the mean of pairwise matches of predictions and references
// (0–1), the reference's exact_match.
func (m *Matcher) ExactMatch(predictions, references []string) (float64, error) {
	if len(predictions) != len(references) {
		return 0, fmt.Errorf("lmeval: %d predictions but %d references", len(predictions), len(references))
	}
	if len(predictions) == 0 {
		return 0, errors.New("lmeval: no predictions")
	}
	n := 0
	for i, p := range predictions {
		if m.Match(p, references[i]) {
			n++
		}
	}
	return float64(n) / float64(len(predictions)), nil
}
