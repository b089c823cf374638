// Package promptsize gives a floor for the number of tokens a prompt takes,
// whatever the model's tokenizer, so a client can tell when a server
// counted far fewer prompt tokens than the prompt holds: the server cut the
// prompt to fit its context without saying so.
//
// The floor must stay below the true count for every tokenizer in use, or
// a good call would be reported as cut. A characters-per-token average
// (about four for English) does not: it is above the true count for code
// indentation, rows of "=====" or long words that one token covers, and
// far below it for Chinese or Japanese text, where a token holds one or two
// characters. The floor instead counts what no common tokenizer can merge:
//
//   - Each run of non-space characters is at least one token: the
//     pre-tokenizers of the BPE vocabularies (GPT, Llama 3, Qwen, gpt-oss)
//     and SentencePiece's whitespace splitting (Llama 2, Mistral, Gemma)
//     never join two words that whitespace separates.
//   - A long run is more than one token: one for every 16 characters, after
//     repeats of one character are folded into one (a single token can
//     cover a long row of one character), and one for every 3 characters of
//     Chinese and Japanese script, which has no spaces and whose tokens
//     hold one or two characters on average even in vocabularies made for
//     Chinese.
//
// Whitespace, role markers and the chat template add tokens the floor does
// not count, which keeps it lower still. The tests check the floor against
// the counts of the cl100k_base and o200k_base vocabularies.
package promptsize

import (
	"unicode"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// A token covers at most unitsPerToken units: 16 characters of most
// scripts, 3 of Chinese and Japanese.
const (
	unitsPerToken = 48
	narrowUnits   = unitsPerToken / 16
	wideUnits     = unitsPerToken / 3
)

// Floor returns the floor of the number of tokens the text of msgs takes.
// Images and audio are not counted.
func Floor(msgs []bench.Message) int {
	n := 0
	for _, m := range msgs {
		n += Text(m.Content)
	}
	return n
}

// Bytes returns the size of the text of msgs in bytes, which Floor never
// exceeds: a caller can skip Floor when a count is above it.
func Bytes(msgs []bench.Message) int {
	n := 0
	for _, m := range msgs {
		n += len(m.Content)
	}
	return n
}

// Text returns the floor of the number of tokens s takes.
func Text(s string) int {
	total, units := 0, 0
	inWord := false
	prev := rune(-1)
	endWord := func() {
		if inWord {
			total += max(1, (units+unitsPerToken-1)/unitsPerToken)
		}
		inWord, units, prev = false, 0, -1
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			endWord()
			continue
		}
		inWord = true
		if r == prev {
			continue
		}
		prev = r
		if isWide(r) {
			units += wideUnits
		} else {
			units += narrowUnits
		}
	}
	endWord()
	return total
}

// isWide reports whether r belongs to a script written without spaces
// whose tokens hold few characters: Chinese characters and Japanese kana.
func isWide(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}
