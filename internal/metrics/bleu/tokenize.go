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

// Tokenize13A is sacreBLEU's default 13a tokenizer (mteval-v13a.pl). The
// four regular-expression substitutions are done by hand-written passes
// with the same leftmost, non-overlapping semantics (tests compare them with
// the regular expressions on fuzzed input).
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
	a := make([]byte, 0, 2*len(line)+8)
	a = append(a, ' ')
	for i := 0; i < len(line); i++ {
		if c := line[i]; is13aSymbol(c) {
			a = append(a, ' ', c, ' ')
		} else {
			a = append(a, c)
		}
	}
	a = append(a, ' ')
	b := make([]byte, 0, len(a)+len(a)/2)
	// ([^0-9])([\.,]) -> "\1 \2 "
	for i := 0; i < len(a); i++ {
		if i+1 < len(a) && !isDigit(a[i]) && isPeriodComma(a[i+1]) {
			b = append(b, a[i], ' ', a[i+1], ' ')
			i++
			continue
		}
		b = append(b, a[i])
	}
	a = a[:0]
	// ([\.,])([^0-9]) -> " \1 \2"
	for i := 0; i < len(b); i++ {
		if i+1 < len(b) && isPeriodComma(b[i]) && !isDigit(b[i+1]) {
			a = append(a, ' ', b[i], ' ', b[i+1])
			i++
			continue
		}
		a = append(a, b[i])
	}
	b = b[:0]
	// ([0-9])(-) -> "\1 \2 "
	for i := 0; i < len(a); i++ {
		if i+1 < len(a) && isDigit(a[i]) && a[i+1] == '-' {
			b = append(b, a[i], ' ', '-', ' ')
			i++
			continue
		}
		b = append(b, a[i])
	}
	return pytext.JoinSplit(string(b))
}

// is13aSymbol reports membership in [\{-\~\[-\` -\&\(-\+\:-\@\/].
func is13aSymbol(c byte) bool {
	return c >= '{' && c <= '~' || c >= '[' && c <= '`' || c >= ' ' && c <= '&' ||
		c >= '(' && c <= '+' || c >= ':' && c <= '@' || c == '/'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isPeriodComma(c byte) bool { return c == '.' || c == ',' }

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
