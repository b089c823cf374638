// Package porter is the Porter stemmer exactly as nltk's PorterStemmer in
// its default NLTK_EXTENSIONS mode, which rouge-score and nltk's METEOR use.
// It works on lowercase ASCII words; other bytes are treated as consonants.
package porter

import (
	"strings"
	"unicode/utf8"
)

// irregular maps nltk's irregular forms to their stems.
var irregular = map[string]string{
	"sky": "sky", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
	"news": "news", "innings": "inning", "inning": "inning", "outings": "outing",
	"outing": "outing", "cannings": "canning", "canning": "canning", "howe": "howe",
	"proceed": "proceed", "exceed": "exceed", "succeed": "succeed",
}

// Stem returns the stem of word, which must already be lowercase (nltk
// lowercases first; callers here always pass lowercase text). Non-ASCII
// characters are consonants, one per code point, as in nltk.
func Stem(word string) string {
	if s, ok := irregular[word]; ok {
		return s
	}
	for i := 0; i < len(word); i++ {
		if word[i] >= utf8.RuneSelf {
			return stemNonASCII(word)
		}
	}
	if len(word) <= 2 {
		return word
	}
	return stemASCII(word)
}

// stemNonASCII maps each distinct non-ASCII code point to its own byte in
// 0x80..0xff (a consonant for the algorithm), stems, and maps back.
func stemNonASCII(word string) string {
	if utf8.RuneCountInString(word) <= 2 {
		return word
	}
	toByte := map[rune]byte{}
	var back []rune
	b := make([]byte, 0, len(word))
	for _, r := range word {
		if r < utf8.RuneSelf {
			b = append(b, byte(r))
			continue
		}
		c, ok := toByte[r]
		if !ok {
			if len(back) == 128 {
				return word
			}
			c = byte(0x80 + len(back))
			toByte[r] = c
			back = append(back, r)
		}
		b = append(b, c)
	}
	stem := stemASCII(string(b))
	var out strings.Builder
	for i := 0; i < len(stem); i++ {
		if c := stem[i]; c >= 0x80 {
			out.WriteRune(back[c-0x80])
		} else {
			out.WriteByte(c)
		}
	}
	return out.String()
}

func stemASCII(word string) string {
	w := step1a(word)
	w = step1b(w)
	w = step1c(w)
	w = step2(w)
	w = step3(w)
	w = step4(w)
	w = step5a(w)
	return step5b(w)
}

func isVowelByte(b byte) bool {
	return b == 'a' || b == 'e' || b == 'i' || b == 'o' || b == 'u'
}

func isConsonant(w string, i int) bool {
	if isVowelByte(w[i]) {
		return false
	}
	if w[i] == 'y' {
		if i == 0 {
			return true
		}
		return !isConsonant(w, i-1)
	}
	return true
}

// measure counts the "vc" sequences of a stem.
func measure(stem string) int {
	m := 0
	prevVowel := false
	for i := range len(stem) {
		c := isConsonant(stem, i)
		if c && prevVowel {
			m++
		}
		prevVowel = !c
	}
	return m
}

func positive(stem string) bool { return measure(stem) > 0 }

func containsVowel(stem string) bool {
	for i := range len(stem) {
		if !isConsonant(stem, i) {
			return true
		}
	}
	return false
}

func endsDoubleConsonant(w string) bool {
	n := len(w)
	return n >= 2 && w[n-1] == w[n-2] && isConsonant(w, n-1)
}

func endsCVC(w string) bool {
	n := len(w)
	if n >= 3 && isConsonant(w, n-3) && !isConsonant(w, n-2) && isConsonant(w, n-1) &&
		w[n-1] != 'w' && w[n-1] != 'x' && w[n-1] != 'y' {
		return true
	}
	return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1)
}

// rule replaces suffix by repl when cond holds for the remaining stem; a
// suffix of "*d" means "ends in a double consonant".
type rule struct {
	suffix, repl string
	cond         func(stem string) bool
}

// apply runs the first rule whose suffix matches; if its condition fails the
// word is returned unchanged and no later rule is tried.
func apply(w string, rules []rule) string {
	for _, r := range rules {
		if r.suffix == "*d" {
			if endsDoubleConsonant(w) {
				stem := w[:len(w)-2]
				if r.cond == nil || r.cond(stem) {
					return stem + r.repl
				}
				return w
			}
			continue
		}
		if strings.HasSuffix(w, r.suffix) {
			stem := w[:len(w)-len(r.suffix)]
			if r.cond == nil || r.cond(stem) {
				return stem + r.repl
			}
			return w
		}
	}
	return w
}

func step1a(w string) string {
	if strings.HasSuffix(w, "ies") && len(w) == 4 {
		return w[:1] + "ie"
	}
	return apply(w, []rule{{"sses", "ss", nil}, {"ies", "i", nil}, {"ss", "ss", nil}, {"s", "", nil}})
}

func step1b(w string) string {
	if strings.HasSuffix(w, "ied") {
		if len(w) == 4 {
			return w[:1] + "ie"
		}
		return w[:len(w)-3] + "i"
	}
	if stem, ok := strings.CutSuffix(w, "eed"); ok {
		if measure(stem) > 0 {
			return stem + "ee"
		}
		return w
	}
	var inter string
	found := false
	for _, suf := range []string{"ed", "ing"} {
		if stem, ok := strings.CutSuffix(w, suf); ok && containsVowel(stem) {
			inter, found = stem, true
			break
		}
	}
	if !found {
		return w
	}
	last := inter[len(inter)-1:]
	return apply(inter, []rule{
		{"at", "ate", nil},
		{"bl", "ble", nil},
		{"iz", "ize", nil},
		{"*d", last, func(string) bool { return last != "l" && last != "s" && last != "z" }},
		{"", "e", func(stem string) bool { return measure(stem) == 1 && endsCVC(stem) }},
	})
}

func step1c(w string) string {
	return apply(w, []rule{{"y", "i", func(stem string) bool {
		return len(stem) > 1 && isConsonant(stem, len(stem)-1)
	}}})
}

func step2(w string) string {
	if stem, ok := strings.CutSuffix(w, "alli"); ok && positive(stem) {
		return step2(stem + "al")
	}
	return apply(w, []rule{
		{"ational", "ate", positive}, {"tional", "tion", positive},
		{"enci", "ence", positive}, {"anci", "ance", positive},
		{"izer", "ize", positive}, {"bli", "ble", positive},
		{"alli", "al", positive}, {"entli", "ent", positive},
		{"eli", "e", positive}, {"ousli", "ous", positive},
		{"ization", "ize", positive}, {"ation", "ate", positive},
		{"ator", "ate", positive}, {"alism", "al", positive},
		{"iveness", "ive", positive}, {"fulness", "ful", positive},
		{"ousness", "ous", positive}, {"aliti", "al", positive},
		{"iviti", "ive", positive}, {"biliti", "ble", positive},
		{"fulli", "ful", positive},
		{"logi", "log", func(string) bool { return positive(w[:len(w)-3]) }},
	})
}

func step3(w string) string {
	return apply(w, []rule{
		{"icate", "ic", positive}, {"ative", "", positive}, {"alize", "al", positive},
		{"iciti", "ic", positive}, {"ical", "ic", positive}, {"ful", "", positive},
		{"ness", "", positive},
	})
}

func gt1(stem string) bool { return measure(stem) > 1 }

func step4(w string) string {
	return apply(w, []rule{
		{"al", "", gt1}, {"ance", "", gt1}, {"ence", "", gt1}, {"er", "", gt1},
		{"ic", "", gt1}, {"able", "", gt1}, {"ible", "", gt1}, {"ant", "", gt1},
		{"ement", "", gt1}, {"ment", "", gt1}, {"ent", "", gt1},
		{"ion", "", func(stem string) bool {
			return measure(stem) > 1 && (stem[len(stem)-1] == 's' || stem[len(stem)-1] == 't')
		}},
		{"ou", "", gt1}, {"ism", "", gt1}, {"ate", "", gt1}, {"iti", "", gt1},
		{"ous", "", gt1}, {"ive", "", gt1}, {"ize", "", gt1},
	})
}

func step5a(w string) string {
	if stem, ok := strings.CutSuffix(w, "e"); ok {
		m := measure(stem)
		if m > 1 || (m == 1 && !endsCVC(stem)) {
			return stem
		}
	}
	return w
}

func step5b(w string) string {
	return apply(w, []rule{{"ll", "l", func(string) bool { return measure(w[:len(w)-1]) > 1 }}})
}
