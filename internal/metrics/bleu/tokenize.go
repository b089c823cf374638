package bleu

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

// Tokenizer names accepted by Options.Tokenize.
const (
	Tokenize13a  = "13a"
	TokenizeIntl = "intl"
	TokenizeChar = "char"
	TokenizeNone = "none"
)

var (
	re13aSym      = regexp.MustCompile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])")
	re13aPeriod1  = regexp.MustCompile(`([^0-9])([\.,])`)
	re13aPeriod2  = regexp.MustCompile(`([\.,])([^0-9])`)
	re13aDash     = regexp.MustCompile(`([0-9])(-)`)
	reIntlPunct1  = regexp.MustCompile(`(\P{N})(\p{P})`)
	reIntlPunct2  = regexp.MustCompile(`(\p{P})(\P{N})`)
	reIntlSymbols = regexp.MustCompile(`(\p{S})`)
)

// Tokenizer turns a segment into a space-separated token string.
type Tokenizer func(string) string

// NewTokenizer returns the sacreBLEU tokenizer called name.
func NewTokenizer(name string) (Tokenizer, error) {
	switch name {
	case "", Tokenize13a:
		return Tokenize13A, nil
	case TokenizeIntl:
		return TokenizeInternational, nil
	case TokenizeChar:
		return TokenizeChars, nil
	case TokenizeNone:
		return func(s string) string { return s }, nil
	}
	return nil, fmt.Errorf("unknown tokenizer %q (want 13a, intl, char or none)", name)
}

// Tokenize13A is sacreBLEU's default 13a tokenizer (mteval-v13a.pl).
func Tokenize13A(line string) string {
	line = strings.ReplaceAll(line, "<skipped>", "")
	line = strings.ReplaceAll(line, "-\n", "")
	line = strings.ReplaceAll(line, "\n", " ")
	if strings.Contains(line, "&") {
		// Python applies the four replacements one after the other.
		line = strings.ReplaceAll(line, "&quot;", `"`)
		line = strings.ReplaceAll(line, "&amp;", "&")
		line = strings.ReplaceAll(line, "&lt;", "<")
		line = strings.ReplaceAll(line, "&gt;", ">")
	}
	line = " " + line + " "
	line = re13aSym.ReplaceAllString(line, " $1 ")
	line = re13aPeriod1.ReplaceAllString(line, "$1 $2 ")
	line = re13aPeriod2.ReplaceAllString(line, " $1 $2")
	line = re13aDash.ReplaceAllString(line, "$1 $2 ")
	return pytext.JoinSplit(line)
}

// TokenizeInternational is sacreBLEU's intl tokenizer (mteval-v14
// international): Unicode punctuation next to non-digits and all symbols
// become tokens.
func TokenizeInternational(line string) string {
	line = reIntlPunct1.ReplaceAllString(line, "$1 $2 ")
	line = reIntlPunct2.ReplaceAllString(line, " $1 $2")
	line = reIntlSymbols.ReplaceAllString(line, " $1 ")
	return pytext.JoinSplit(line)
}

// TokenizeChars is sacreBLEU's char tokenizer: every code point is a token.
func TokenizeChars(line string) string {
	var b strings.Builder
	b.Grow(2 * len(line))
	for i, r := range line {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
