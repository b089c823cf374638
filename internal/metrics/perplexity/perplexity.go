// Package perplexity computes perplexity from natural-log probabilities as
// lm-evaluation-harness does (perplexity, word and byte perplexity, bits per
// byte), and the 0–1 perplexity score used for gating.
package perplexity

import (
	"errors"
	"math"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

// ErrEmpty is returned when there is nothing to average.
var ErrEmpty = errors.New("perplexity: no log-probabilities")

// ErrInvalid is returned for a NaN or positive log-probability.
var ErrInvalid = errors.New("perplexity: log-probability must be a number <= 0")

func check(lps []float64) error {
	if len(lps) == 0 {
		return ErrEmpty
	}
	for _, lp := range lps {
		if math.IsNaN(lp) || lp > 0 {
			return ErrInvalid
		}
	}
	return nil
}

// Perplexity is lm-eval's perplexity: exp(-mean(logprobs)). Applied to token
// log-probabilities it is the usual token perplexity.
func Perplexity(logprobs []float64) (float64, error) {
	if err := check(logprobs); err != nil {
		return 0, err
	}
	sum := 0.0
	for _, lp := range logprobs {
		sum += lp
	}
	return math.Exp(-(sum / float64(len(logprobs)))), nil
}

// Score maps a perplexity onto (0, 1]: 1/(1+ppl).
func Score(ppl float64) float64 { return 1 / (1 + ppl) }

// Doc is one document's summed log-likelihood and its text.
type Doc struct {
	Text          string  `json:"text"`
	Loglikelihood float64 `json:"loglikelihood"`
}

// CountWords is lm-eval's count_words: len(re.split(r"\s+", doc)), so the
// empty string has one word and leading or trailing whitespace adds one.
func CountWords(doc string) int {
	n := 1
	inSpace := false
	for _, r := range doc {
		sp := pytext.IsSpace(r)
		if sp && !inSpace {
			n++
		}
		inSpace = sp
	}
	return n
}

// CountBytes is lm-eval's count_bytes: the length of the UTF-8 encoding.
func CountBytes(doc string) int {
	if utf8.ValidString(doc) {
		return len(doc)
	}
	// Python would see U+FFFD (3 bytes) for each invalid byte.
	n := 0
	for _, r := range doc {
		n += utf8.RuneLen(r)
	}
	return n
}

func weighted(docs []Doc, count func(string) int) (float64, error) {
	if len(docs) == 0 {
		return 0, ErrEmpty
	}
	ll, n := 0.0, 0
	for _, d := range docs {
		if math.IsNaN(d.Loglikelihood) || d.Loglikelihood > 0 {
			return 0, ErrInvalid
		}
		ll += d.Loglikelihood
		n += count(d.Text)
	}
	if n == 0 {
		return 0, errors.New("perplexity: documents have no bytes")
	}
	return ll / float64(n), nil
}

// WordPerplexity is lm-eval's word_perplexity: exp(-Σll / Σwords).
func WordPerplexity(docs []Doc) (float64, error) {
	m, err := weighted(docs, CountWords)
	return math.Exp(-m), err
}

// BytePerplexity is lm-eval's byte_perplexity: exp(-Σll / Σbytes).
func BytePerplexity(docs []Doc) (float64, error) {
	m, err := weighted(docs, CountBytes)
	return math.Exp(-m), err
}

// BitsPerByte is lm-eval's bits_per_byte: -Σll / Σbytes / ln 2.
func BitsPerByte(docs []Doc) (float64, error) {
	m, err := weighted(docs, CountBytes)
	return -m / math.Ln2, err
}
