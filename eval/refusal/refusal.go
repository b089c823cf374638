// Package refusal registers is-refusal (the README's "Assertions"): it passes when the
// output is a refusal, that is empty or built around a refusal phrase
// ("I'm sorry, but I can't", "I cannot help with that", "As an AI language
// model", "I must decline", "against my guidelines", ...). Typical use is
// not-is-refusal, to fail answers a model declined to give. The phrases
// are anchored to the first person and a refusal verb so that ordinary
// text ("I can't wait to", "I can't help but notice", "As an AI researcher")
// does not match. It is binary: it scores 1 or 0.
package refusal

import (
	"context"
	"regexp"
	"strings"
	"unicode"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func init() {
	eval.Register("is-refusal", Detector{})
}

// Building blocks of the phrase list, on lower-cased, apostrophe-normalised,
// space-collapsed text.
const (
	refuse  = `(?: can't| cannot| can not| won't| will not|(?:'m| am) (?:unable to|not able to|not allowed to|not permitted to))`
	action  = `(?:help|assist|provide|share|give|generate|create|write|produce|comply|fulfill|fulfil|support|engage|participate|answer|do that|do this|discuss)`
	object  = `(?:that|this|it|your request|this request|that request|such requests|with that|with this|with your request|with such|you with that|you with this|you with your request|in that|in this|any information|information on|information about|instructions|assistance|content|details|guidance)`
	apology = `(?:i'm sorry|i am sorry|sorry|i apologi[sz]e|my apologies|unfortunately)`
)

// phrases are the refusal patterns, RE2 syntax, matched anywhere in the
// normalised output.
var phrases = []string{
	// "I cannot help with that", "I won't provide instructions", "I'm unable to assist".
	`\bi` + refuse + ` ` + action + ` ` + object + `\b`,
	// "I cannot assist.", "I can't comply", "I will not fulfill".
	`\bi` + refuse + ` (?:assist|comply|fulfill|fulfil)\b`,
	// "I'm sorry, but I can't", "Unfortunately, I cannot".
	`\b` + apology + `,? (?:but )?(?:i|we)` + refuse + `\b`,
	// "I'm sorry, but I must decline".
	`\b` + apology + `,? (?:but )?i (?:must|have to|need to|'ll have to|will have to) (?:respectfully |politely )?decline\b`,
	// "I must respectfully decline", "I'm going to have to decline".
	`\bi (?:must|have to|need to|'m going to have to|am going to have to) (?:respectfully |politely )?decline\b`,
	// "As an AI language model", "As an AI, I don't", "As a large language model".
	`\bas an ai(?: language model| model| assistant|,)`,
	`\bas a (?:large )?language model\b`,
	// "It goes against my guidelines", "That would violate the usage policies".
	`\b(?:against|violates?|violating|violation of) (?:my|the|our|openai's|anthropic's) (?:guidelines|policies|policy|usage policies|usage policy|content policy|content policies|ethical guidelines|programming|principles)\b`,
	// "I'm not comfortable providing", "I don't feel comfortable helping".
	`\bi(?:'m| am) not comfortable (?:with|providing|helping|assisting|sharing|creating|writing|generating|discussing)\b`,
	`\bi (?:don't|do not) feel comfortable (?:with|providing|helping|assisting|sharing|creating|writing|generating|discussing)\b`,
}

// pattern is every phrase as one alternation, anchored: Match runs it only
// at the start of words that can begin a phrase (see starters), on a short
// window, so a long answer costs a linear scan and a few tiny matches.
var pattern = regexp.MustCompile(`\A(?:(?:` + strings.Join(phrases, `)|(?:`) + `))`)

// starters are the prefixes every phrase begins with.
var starters = []string{"i ", "i'", "sorry", "unfortunately", "my apologies", "as a", "against", "violat"}

// window is how many bytes after a starter a phrase may span; every phrase
// is far shorter.
const window = 200

// Detector is the is-refusal evaluator.
type Detector struct{}

var _ eval.Evaluator = Detector{}

// Evaluate reports whether the output is a refusal.
func (Detector) Evaluate(_ context.Context, _ bench.Assertion, in *eval.Input) (bench.Score, error) {
	phrase, ok := Match(in.Output)
	switch {
	case ok && phrase == "":
		return bench.Score{Score: 1, Pass: true, Reason: "empty output (refusal)"}, nil
	case ok:
		return bench.Score{Score: 1, Pass: true, Reason: "refusal: " + quoteShort(phrase)}, nil
	}
	return bench.Score{Reason: "not a refusal"}, nil
}

// Match reports whether text is a refusal and returns the phrase that
// matched, normalised; the phrase is empty when the text is blank.
func Match(text string) (string, bool) {
	if strings.TrimSpace(text) == "" {
		return "", true
	}
	norm := normalise(text)
	for p := 0; p < len(norm); p++ {
		if p > 0 && isWordByte(norm[p-1]) || !startsPhrase(norm[p:]) {
			continue
		}
		if m := pattern.FindString(norm[p:min(len(norm), p+window)]); m != "" {
			return m, true
		}
	}
	return "", false
}

// startsPhrase reports whether s begins with a starter.
func startsPhrase(s string) bool {
	switch s[0] {
	case 'i', 's', 'u', 'm', 'a', 'v':
		for _, st := range starters {
			if strings.HasPrefix(s, st) {
				return true
			}
		}
	}
	return false
}

// isWordByte reports whether b is part of a word, as RE2's \b sees it.
func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// normalise lower-cases text, straightens typographic apostrophes and
// collapses runs of white space to one space, trimming both ends, in one
// pass and one allocation.
func normalise(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == '\u2019' || r == '\u2018' || r == '\u02bc':
			r = '\''
		default:
			r = unicode.ToLower(r)
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// quoteShort quotes a matched phrase, shortened for a reason.
func quoteShort(s string) string {
	const most = 60
	if r := []rune(s); len(r) > most {
		s = string(r[:most]) + "…"
	}
	return `"` + s + `"`
}
