package porter

import (
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// The examples of Porter's paper, with nltk's NLTK_EXTENSIONS results where
// they differ (dying, sky, agreed, conformabli, radicalli).
//
//nolint:misspell // stems are not words.
func TestStem(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"caresses": "caress", "ponies": "poni", "ties": "tie", "caress": "caress", "cats": "cat",
		"feed": "feed", "agreed": "agre", "plastered": "plaster", "bled": "bled", "motoring": "motor",
		"sing": "sing", "conflated": "conflat", "troubled": "troubl", "sized": "size", "hopping": "hop",
		"tanned": "tan", "falling": "fall", "hissing": "hiss", "fizzed": "fizz", "failing": "fail",
		"filing": "file", "happy": "happi", "sky": "sky", "relational": "relat", "conditional": "condit",
		"rational": "ration", "valenci": "valenc", "hesitanci": "hesit", "digitizer": "digit",
		"conformabli": "conform", "radicalli": "radic", "differentli": "differ", "vileli": "vile",
		"analogousli": "analog", "vietnamization": "vietnam", "predication": "predic", "operator": "oper",
		"feudalism": "feudal", "decisiveness": "decis", "hopefulness": "hope", "callousness": "callous",
		"formaliti": "formal", "sensitiviti": "sensit", "sensibiliti": "sensibl", "triplicate": "triplic",
		"formative": "form", "formalize": "formal", "electriciti": "electr", "electrical": "electr",
		"hopeful": "hope", "goodness": "good", "revival": "reviv", "allowance": "allow", "inference": "infer",
		"airliner": "airlin", "gyroscopic": "gyroscop", "adjustable": "adjust", "defensible": "defens",
		"irritant": "irrit", "replacement": "replac", "adjustment": "adjust", "dependent": "depend",
		"adoption": "adopt", "homologou": "homolog", "communism": "commun", "activate": "activ",
		"angulariti": "angular", "homologous": "homolog", "effective": "effect", "bowdlerize": "bowdler",
		"probate": "probat", "rate": "rate", "cease": "ceas", "controll": "control", "roll": "roll",
		"dying": "die", "spied": "spi", "died": "die", "flies": "fli", "enjoy": "enjoy", "running": "run",
		"a": "a", "is": "is", "és": "és", "cafés": "café", "naïvely": "naïv",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(want, Stem(in)); diff != "" {
				t.Errorf("Stem(%q) (-want +got):\n%s", in, diff)
			}
		})
	}
}

func FuzzStem(f *testing.F) {
	for _, s := range []string{"", "y", "yy", "ied", "alli", "logi", "\xff\x00ing"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := Stem(s); utf8.RuneCountInString(got) > utf8.RuneCountInString(s)+1 {
			t.Errorf("Stem(%q) = %q grew by more than one character", s, got)
		}
	})
}
