// Package squad computes SQuAD exact match and token F1 exactly as the
// official evaluation scripts for v1.1 and v2.0, including Python's Unicode
// lowercasing, whitespace and \b semantics.
package squad

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

// Versions of the official script.
const (
	V1 = "v1.1"
	V2 = "v2.0"
)

// Score is one question's exact match (0 or 1) and F1 (0–1).
type Score struct {
	ExactMatch float64 `json:"exact_match"`
	F1         float64 `json:"f1"`
}

// ErrNoReference is returned by v1.1 scoring without gold answers, where the
// official script fails too.
var ErrNoReference = errors.New("squad: no gold answer")

// Normalize is the official normalize_answer: lowercase, drop ASCII
// punctuation, replace the articles a, an, the by a space, and collapse
// whitespace.
func Normalize(s string) string {
	s = pytext.Lower(s)
	s = strings.Map(func(r rune) rune {
		if pytext.IsPunct(r) {
			return -1
		}
		return r
	}, s)
	return pytext.JoinSplit(removeArticles(s))
}

// removeArticles is re.sub(r"\b(a|an|the)\b", " ", s) with Python 3's
// Unicode word boundaries.
func removeArticles(s string) string {
	var b strings.Builder
	last := 0
	prevWord := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !prevWord && (r == 'a' || r == 't') {
			if n := articleAt(s[i:]); n > 0 {
				b.WriteString(s[last:i])
				b.WriteByte(' ')
				i += n
				last = i
				prevWord = true
				continue
			}
		}
		prevWord = pytext.IsWord(r)
		i += size
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// articleAt returns the length of the article at the start of s when a word
// boundary follows it, trying a, an, the in the regex's order.
func articleAt(s string) int {
	for _, a := range []string{"a", "an", "the"} {
		if !strings.HasPrefix(s, a) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[len(a):])
		if len(s) == len(a) || !pytext.IsWord(r) {
			return len(a)
		}
	}
	return 0
}

// Compute scores a prediction against gold answers with the given version's
// semantics, taking the maximum over the gold answers.
func Compute(prediction string, golds []string, version string) (Score, error) {
	switch version {
	case V1, "", "1.1", "v1":
		return computeV1(prediction, golds)
	case V2, "2.0", "v2":
		return computeV2(prediction, golds), nil
	}
	return Score{}, fmt.Errorf("squad: unknown version %q (want v1.1 or v2.0)", version)
}

func computeV1(prediction string, golds []string) (Score, error) {
	if len(golds) == 0 {
		return Score{}, ErrNoReference
	}
	np := Normalize(prediction)
	pt := pytext.Split(np)
	var best Score
	for _, g := range golds {
		ng := Normalize(g)
		if np == ng {
			best.ExactMatch = 1
		}
		best.F1 = max(best.F1, tokenF1(pt, pytext.Split(ng)))
	}
	return best, nil
}

func computeV2(prediction string, golds []string) Score {
	var used []string
	for _, g := range golds {
		if Normalize(g) != "" {
			used = append(used, g)
		}
	}
	if len(used) == 0 {
		used = []string{""}
	}
	np := Normalize(prediction)
	pt := tokens(prediction)
	var best Score
	for _, g := range used {
		if Normalize(g) == np {
			best.ExactMatch = 1
		}
		gt := tokens(g)
		var f float64
		if len(gt) == 0 || len(pt) == 0 {
			if len(gt) == len(pt) {
				f = 1
			}
		} else {
			f = tokenF1(pt, gt)
		}
		best.F1 = max(best.F1, f)
	}
	return best
}

// tokens is the v2.0 script's get_tokens.
func tokens(s string) []string {
	if s == "" {
		return nil
	}
	return pytext.Split(Normalize(s))
}

// tokenF1 is the bag-of-tokens F1 of both scripts (0 when nothing overlaps).
func tokenF1(pred, gold []string) float64 {
	counts := make(map[string]int, len(gold))
	for _, t := range gold {
		counts[t]++
	}
	same := 0
	for _, t := range pred {
		if counts[t] > 0 {
			counts[t]--
			same++
		}
	}
	if same == 0 {
		return 0
	}
	p := float64(same) / float64(len(pred))
	r := float64(same) / float64(len(gold))
	return 2 * p * r / (p + r)
}
