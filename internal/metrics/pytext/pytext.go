// Package pytext reproduces the Python string operations that the reference
// metric implementations rely on (str.lower, str.split, str.strip, \b, and
// string.punctuation), where Go's standard library behaves differently.
package pytext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Punctuation is Python's string.punctuation.
const Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// IsPunct reports whether r is in Python's string.punctuation.
func IsPunct(r rune) bool {
	return r < utf8.RuneSelf && strings.IndexByte(Punctuation, byte(r)) >= 0
}

// IsSpace reports whether Python's str.isspace would be true for r. It
// differs from unicode.IsSpace by the information separators U+001C..U+001F.
func IsSpace(r rune) bool {
	if r >= 0x1c && r <= 0x1f {
		return true
	}
	return unicode.IsSpace(r)
}

// Split is Python's str.split() without arguments: runs of whitespace
// separate fields and leading or trailing whitespace yields no empty field.
func Split(s string) []string {
	return strings.FieldsFunc(s, IsSpace)
}

// JoinSplit is Python's " ".join(s.split()).
func JoinSplit(s string) string {
	return strings.Join(Split(s), " ")
}

// RStrip is Python's str.rstrip() without arguments.
func RStrip(s string) string {
	return strings.TrimRightFunc(s, IsSpace)
}

// Lower is Python's str.lower(): full Unicode lowercasing, including the
// unconditional special mapping of U+0130 to "i̇" and the final-sigma rule.
func Lower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		switch r {
		case 0x130:
			b.WriteString("i\u0307")
		case 0x3a3:
			if finalSigma(rs, i) {
				b.WriteRune(0x3c2)
			} else {
				b.WriteRune(0x3c3)
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// finalSigma applies Unicode's Final_Sigma condition at position i: a cased
// letter comes before (skipping case-ignorables) and none comes after.
func finalSigma(rs []rune, i int) bool {
	j := i - 1
	for j >= 0 && caseIgnorable(rs[j]) {
		j--
	}
	if j < 0 || !cased(rs[j]) {
		return false
	}
	k := i + 1
	for k < len(rs) && caseIgnorable(rs[k]) {
		k++
	}
	return k == len(rs) || !cased(rs[k])
}

func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '^', '`', 0xb7, 0x2018, 0x2019, 0x2024, 0xfe52, 0xfe55, 0xff07, 0xff0e, 0xff1a:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// IsWord reports whether r is a word character for Python 3's re module
// with str patterns: alphanumeric (str.isalnum) or underscore.
func IsWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.N)
}

// UTF16Len is the number of UTF-16 code units needed to encode s.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
