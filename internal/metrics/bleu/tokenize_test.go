package bleu

import (
	"regexp"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

// regex13a is sacreBLEU's 13a tokenizer written with its own regular
// expressions; Tokenize13A must agree with it on every input.
func regex13a(line string) string {
	line = strings.ReplaceAll(line, "<skipped>", "")
	line = strings.ReplaceAll(line, "-\n", "")
	line = strings.ReplaceAll(line, "\n", " ")
	if strings.Contains(line, "&") {
		line = strings.ReplaceAll(line, "&quot;", `"`)
		line = strings.ReplaceAll(line, "&amp;", "&")
		line = strings.ReplaceAll(line, "&lt;", "<")
		line = strings.ReplaceAll(line, "&gt;", ">")
	}
	line = " " + line + " "
	for _, r := range []struct{ re, repl string }{
		{"([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])", " $1 "},
		{`([^0-9])([\.,])`, "$1 $2 "},
		{`([\.,])([^0-9])`, " $1 $2"},
		{`([0-9])(-)`, "$1 $2 "},
	} {
		line = regexp.MustCompile(r.re).ReplaceAllString(line, r.repl)
	}
	return pytext.JoinSplit(line)
}

func TestTokenize13AMatchesRegexes(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "a..b", "1..2", "a.,1", "..a", "3-4-5", "x-\ny", "é.,ü", "$1,000.50.", "(a)[b]{c}", "1.-2", "&amp;quot;"} {
		if got, want := Tokenize13A(in), regex13a(in); got != want {
			t.Errorf("Tokenize13A(%q) = %q, regexes give %q", in, got, want)
		}
	}
}

func FuzzTokenize13AMatchesRegexes(f *testing.F) {
	for _, s := range []string{"a..b", "1,2.3-4", "é.,ü\xff.", "&lt;x&gt;-\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if got, want := Tokenize13A(in), regex13a(in); got != want {
			t.Errorf("Tokenize13A(%q) = %q, regexes give %q", in, got, want)
		}
	})
}
