package rouge

import (
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/porter"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

// Tokenize is rouge-score's default tokenizer: Python lowercasing, every
// run of characters other than a-z and 0-9 becomes a separator, and with
// stem set, tokens longer than three characters are Porter-stemmed.
func Tokenize(text string, stem bool) []string {
	text = pytext.Lower(text)
	var toks []string
	start := -1
	for i := 0; i <= len(text); i++ {
		alnum := i < len(text) && (text[i] >= 'a' && text[i] <= 'z' || text[i] >= '0' && text[i] <= '9')
		switch {
		case alnum && start < 0:
			start = i
		case !alnum && start >= 0:
			toks = append(toks, text[start:i])
			start = -1
		}
	}
	if stem {
		for i, t := range toks {
			if len(t) > 3 {
				toks[i] = porter.Stem(t)
			}
		}
	}
	return toks
}

// sentences splits a summary on "\n" and drops empty lines, as rouge-score
// does for rougeLsum without split_summaries.
func sentences(text string) []string {
	parts := strings.Split(text, "\n")
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
