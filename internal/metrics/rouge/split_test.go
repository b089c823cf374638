package rouge

import (
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSplitSentences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"only whitespace", " \n\t ", nil},
		{"no punctuation", "a summary without any stops", []string{"a summary without any stops"}},
		{"newlines are whitespace", "one line\nanother line", []string{"one line\nanother line"}},
		{"two sentences", "First sentence. Second Sentence.", []string{"First sentence.", "Second Sentence."}},
		{"question and exclamation", "Really? Yes! Fine.", []string{"Really?", "Yes!", "Fine."}},
		{"punctuation run", "What?! No... Maybe.", []string{"What?!", "No...", "Maybe."}},
		{"no space after stop", "a.b c!d e?f", []string{"a.b c!d e?f"}},
		{"decimal", "Pi is 3.14 roughly. Next.", []string{"Pi is 3.14 roughly.", "Next."}},
		{"sentence ending in a number", "It cost 3. Then 4.5 more.", []string{"It cost 3.", "Then 4.5 more."}},
		{"titles", "Mr. Smith met Mrs. Jones and Dr. Who. They left.", []string{"Mr. Smith met Mrs. Jones and Dr. Who.", "They left."}},
		{"latin", "Fruit, e.g. apples, i.e. food, etc. are fine. Yes.", []string{"Fruit, e.g. apples, i.e. food, etc. are fine.", "Yes."}},
		{"abbreviation any case", "Cats VS. dogs. Done.", []string{"Cats VS. dogs.", "Done."}},
		{"vs", "Red vs. blue. Go.", []string{"Red vs. blue.", "Go."}},
		{"dotted initials", "The U.S. economy grew at 9 a.m. today. Good.", []string{"The U.S. economy grew at 9 a.m. today.", "Good."}},
		{"single initial", "J. R. Smith wrote it. Done.", []string{"J. R. Smith wrote it.", "Done."}},
		{"lower single letter ends", "Pick option a. Then go.", []string{"Pick option a.", "Then go."}},
		{"abbreviation in brackets", "See (cf. the appendix). Ok.", []string{"See (cf. the appendix).", "Ok."}},
		{"abbreviation word only as suffix", "Visit Dr. Amr. He waits.", []string{"Visit Dr. Amr.", "He waits."}},
		{"abbreviation then ? splits", "Is it etc.? Yes.", []string{"Is it etc.?", "Yes."}},
		{"closing quote", `He said "stop." Then left.`, []string{`He said "stop."`, "Then left."}},
		{"closing bracket", "(It rained.) We stayed.", []string{"(It rained.)", "We stayed."}},
		{"curly quotes", "She asked “why?” He shrugged.", []string{"She asked “why?”", "He shrugged."}},
		{"quote then no space", `"Hi."there`, []string{`"Hi."there`}},
		{"stop at end with spaces", "  Done.  ", []string{"Done."}},
		{"newline after stop", "One.\nTwo.\n\nThree", []string{"One.", "Two.", "Three"}},
		{"unicode space after stop", "One.\u00a0Two.", []string{"One.", "Two."}},
		{"lone punctuation", ". ! ?", []string{".", "!", "?"}},
		{"invalid utf-8", "a.\xff b. c", []string{"a.\xff b.", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, SplitSentences(tt.in), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("SplitSentences(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestSplitSummariesScore is rouge-023 and its newline-split counterpart
// rouge-022 side by side: only split_summaries finds both sentences.
func TestSplitSummariesScore(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		split bool
		want  float64
	}{{false, 0.5}, {true, 1}} {
		s, err := New([]string{"rougeLsum"}, true, SplitSummaries(tt.split))
		if err != nil {
			t.Fatal(err)
		}
		got := s.Score("First sentence. Second Sentence.", "Second sentence. First Sentence.")["rougeLsum"]
		if got.FMeasure != tt.want {
			t.Errorf("split_summaries=%v: F = %v, want %v", tt.split, got.FMeasure, tt.want)
		}
	}
}

func dropSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func FuzzSplitSentences(f *testing.F) {
	for _, s := range []string{"", "Mr. Smith. Hi!", "3.14 e.g. U.S. x", `"Stop." (Go.) “Why?”`, "a\n\nb. c", "\xff. \xc2", ". . .", "J.  K!?\u00a0x"} {
		f.Add(s)
	}
	s, _ := New([]string{"rougeLsum"}, false, SplitSummaries(true))
	f.Fuzz(func(t *testing.T, in string) {
		sents := SplitSentences(in)
		for _, sent := range sents {
			if sent == "" || strings.TrimFunc(sent, unicode.IsSpace) != sent {
				t.Errorf("sentence %q is empty or not trimmed", sent)
			}
		}
		if got, want := dropSpace(strings.Join(sents, "\n")), dropSpace(in); got != want {
			t.Errorf("joined sentences lost or gained characters: %q, want %q", got, want)
		}
		if sc := s.Score(in, in)["rougeLsum"]; sc.FMeasure < 0 || sc.FMeasure > 1 {
			t.Errorf("rougeLsum F = %v out of [0,1]", sc.FMeasure)
		}
	})
}
