package simulator

import (
	"unicode"
	"unicode/utf8"
)

// Token counting is an approximation of a BPE tokenizer, cheap enough for the
// hot path and good enough for self-consistent usage numbers:
//
//   - a token is a run of letters and digits of at most maxWordRunes runes
//     (a longer run counts one token per maxWordRunes runes started), or one
//     character that is neither a letter, a digit nor white space
//     (punctuation, symbols, emoji);
//   - white space is free: it is carried by the token that follows it (and
//     trailing white space by the token before it), so the pieces of a text
//     concatenate back to exactly the text;
//   - a text of only white space is one token;
//   - a chat prompt costs its messages' tokens plus messageOverhead per
//     message plus replyOverhead, like OpenAI's own accounting.
//
// For "Say hi in Portuguese" with a system message "You are a helpful
// assistant" this gives 21 prompt tokens where gpt-4o-mini reports 20.
const (
	maxWordRunes    = 6
	messageOverhead = 3
	replyOverhead   = 3
)

// nextToken returns the end of the token that starts at byte offset i of s.
// It returns len(s) when i is at or past the end.
func nextToken(s string, i int) int {
	j := skipSpace(s, i)
	if j == len(s) {
		return j
	}
	r, size := decodeRune(s, j)
	j += size
	if isWord(r) {
		for n := 1; n < maxWordRunes && j < len(s); n++ {
			r, size = decodeRune(s, j)
			if !isWord(r) {
				break
			}
			j += size
		}
	}
	// Trailing white space belongs to the last token.
	if k := skipSpace(s, j); k == len(s) {
		return k
	}
	return j
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\v' && c != '\f' {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return i
}

func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// countTokens returns the number of tokens in s.
func countTokens(s string) int {
	n := 0
	for i := 0; i < len(s); i = nextToken(s, i) {
		n++
	}
	return n
}

// truncateTokens returns the prefix of s made of at most max tokens, and the
// number of tokens in it. max < 0 means no limit.
func truncateTokens(s string, max int) (string, int) {
	n, i := 0, 0
	for i < len(s) {
		if n == max {
			return s[:i], n
		}
		i = nextToken(s, i)
		n++
	}
	return s, n
}
