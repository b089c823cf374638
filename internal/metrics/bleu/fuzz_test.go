package bleu

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

func FuzzTokenizers(f *testing.F) {
	for _, s := range []string{"", "It costs $1,000.50.", "a-\nb &amp; &quot;x&quot;", "İstanbul 東京 ‘q’", "\x1c\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, tok := range map[string]Tokenizer{"13a": Tokenize13A, "intl": TokenizeInternational, "char": TokenizeChars} {
			out := tok(s)
			if name != "char" && out != pytext.JoinSplit(out) {
				t.Errorf("%s(%q) = %q: not whitespace-normalised", name, s, out)
			}
			if utf8.ValidString(s) && !utf8.ValidString(out) {
				t.Errorf("%s(%q) produced invalid UTF-8", name, s)
			}
			if strings.Contains(out, "\n") && name != "char" {
				t.Errorf("%s(%q) kept a newline", name, s)
			}
		}
		sc, err := New(SentenceDefaults())
		if err != nil {
			t.Fatal(err)
		}
		got := sc.Sentence(s, []string{s})
		if got.Score < 0 || got.Score > 100.0000001 {
			t.Errorf("score %v out of range", got.Score)
		}
	})
}

func BenchmarkSentenceBLEU(b *testing.B) {
	hyp := "The committee said on Tuesday that it would publish its findings, including the 2,400-page report, before the end of the year."
	refs := []string{
		"On Tuesday the committee said it would release its findings, among them a 2,400-page report, by the end of the year.",
		"The panel announced on Tuesday that its conclusions, including the 2,400 page report, will be published before year's end.",
	}
	sc, err := New(SentenceDefaults())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sc.Sentence(hyp, refs)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "scores/s")
}
