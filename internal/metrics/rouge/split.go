package rouge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations are the words (lowercased, without their final period) after
// which SplitSentences does not end a sentence. The list is deliberately
// small; punkt learns a much larger one from its training corpus.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true,
	"sr": true, "jr": true, "st": true, "vs": true, "etc": true,
	"e.g": true, "i.e": true, "cf": true, "al": true, "inc": true,
	"ltd": true, "co": true, "corp": true,
}

// SplitSentences splits text into sentences for rougeLsum with
// split_summaries, where rouge-score calls nltk.sent_tokenize (the punkt
// model). It is a deterministic approximation of punkt, not a port:
//
//   - A sentence ends after a run of '.', '!' or '?' (so "?!" and "..."
//     count once), optionally followed by closing quotes or brackets
//     (" ' ) ] } ” ’ »), when whitespace or the end of the text follows.
//     "3.14", "e.g.foo" and "a.b" therefore never split.
//   - A lone '.' does not end a sentence after an abbreviation in a small
//     fixed list (Mr, Mrs, Ms, Dr, Prof, Sr, Jr, St, vs, etc, e.g, i.e, cf,
//     al, Inc, Ltd, Co, Corp; any case), after a single capital letter (an
//     initial, as in "J. Smith"), or after dotted single letters such as
//     "U.S." or "a.m.".
//   - Newlines are ordinary whitespace, as in punkt; they do not end
//     sentences by themselves.
//   - Sentences are slices of text with surrounding whitespace trimmed;
//     empty ones are dropped. Nothing but whitespace between sentences is
//     lost.
//
// Where it can differ from punkt: punkt's learned abbreviation list is far
// longer (e.g. "Gen.", "Jan.", "No."), and its orthographic heuristics may
// still split after an abbreviation or initial when the next word is
// capitalised ("... in the U.S. The next ..." splits in punkt, not here),
// or keep an ordinal number with its period ("in 2. place"). Here a
// sentence-final abbreviation or capital letter ("... and so on, etc. It
// ..." or "Plan B. Then") never ends a sentence, and an ellipsis followed
// by whitespace always does.
func SplitSentences(text string) []string {
	var out []string
	start := 0
	add := func(end int) {
		if s := strings.TrimFunc(text[start:end], unicode.IsSpace); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			_, w := utf8.DecodeRuneInString(text[i:])
			i += w
			continue
		}
		j := i
		for j < len(text) && (text[j] == '.' || text[j] == '!' || text[j] == '?') {
			j++
		}
		loneDot := j-i == 1 && c == '.'
		for j < len(text) {
			r, w := utf8.DecodeRuneInString(text[j:])
			if !isClosing(r) {
				break
			}
			j += w
		}
		if j < len(text) {
			if r, _ := utf8.DecodeRuneInString(text[j:]); !unicode.IsSpace(r) {
				i = j
				continue
			}
		}
		if !loneDot || !abbreviationBefore(text[start:i]) {
			add(j)
		}
		i = j
	}
	add(len(text))
	return out
}

func isClosing(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '}', '”', '’', '»':
		return true
	}
	return false
}

func isOpening(r rune) bool {
	switch r {
	case '"', '\'', '(', '[', '{', '“', '‘', '«':
		return true
	}
	return false
}

// abbreviationBefore reports whether the last word of s (the text before a
// lone period) is an abbreviation, an initial or dotted single letters.
func abbreviationBefore(s string) bool {
	word := s
	if k := strings.LastIndexFunc(s, unicode.IsSpace); k >= 0 {
		_, w := utf8.DecodeRuneInString(s[k:])
		word = s[k+w:]
	}
	word = strings.TrimLeftFunc(word, isOpening)
	if word == "" {
		return false
	}
	if abbreviations[strings.ToLower(word)] {
		return true
	}
	// Dotted single letters: "U.S", "a.m", or one capital letter "J".
	parts := strings.Split(word, ".")
	for _, p := range parts {
		r, w := utf8.DecodeRuneInString(p)
		if w != len(p) || !unicode.IsLetter(r) {
			return false
		}
	}
	if len(parts) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r)
	}
	return true
}
