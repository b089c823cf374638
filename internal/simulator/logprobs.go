package simulator

import (
	"math"
	"strconv"
)

// The logprob model: deterministic token log probabilities, so that tests
// of probability-weighted scoring have known answers.
//
// The tokens that logprobs report are the usage tokens (tokens.go) cut
// further: a run of ASCII digits is a token of its own, and so is the white
// space before or after it; other white space stays with the token it
// belongs to. `{"score": 8}` thus reports `{`, `"`, `score`, `"`, `:`, ` `,
// `8`, `}`. Each reported token has probability 0.9. Its top alternatives
// (k of them when k are asked for) are, in order:
//
//   - the token itself, 0.9;
//   - for a token that is a decimal integer n: n-1 (0.06, left out when n
//     is 0) and n+1 (0.04), written in decimal without leading zeros;
//   - filler tokens "<alt1>", "<alt2>", ..., the j-th with log probability
//     ln(0.01)-j, up to k entries.
//
// A filler never equals a reported token (tokens never mix letters and
// punctuation), none is a number, and each is below 1%.

// Log probabilities of the model.
var (
	logprobChosen = math.Log(0.9)
	logprobBelow  = math.Log(0.06)
	logprobAbove  = math.Log(0.04)
	logprobFiller = math.Log(0.01)
)

// MaxTopLogprobs bounds the alternatives a request may ask for per token.
const MaxTopLogprobs = 20

// nextLogprobToken returns the end of the logprob token that starts at byte
// offset i of s (see the model above). s is cut into usage tokens first by
// the caller, so a logprob token never spans two usage tokens.
func nextLogprobToken(s string, i int) int {
	j := skipSpace(s, i)
	switch {
	case j == len(s):
		return j
	case j > i && isDigit(s[j]):
		return j // white space before a digit run
	}
	digits := isDigit(s[j])
	k := j
	for k < len(s) && skipSpace(s, k) == k && isDigit(s[k]) == digits {
		_, size := decodeRune(s, k)
		k += size
	}
	if !digits && skipSpace(s, k) == len(s) {
		return len(s) // trailing white space stays with its token
	}
	return k
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// forEachLogprobToken calls f with every logprob token of text, in order.
func forEachLogprobToken(text string, f func(tok string)) {
	for i := 0; i < len(text); {
		end := nextToken(text, i)
		for j := i; j < end; {
			k := nextLogprobToken(text[:end], j)
			f(text[j:k])
			j = k
		}
		i = end
	}
}

// alternative is one of a token's top alternatives.
type alternative struct {
	token   string
	logprob float64
}

// topAlternatives appends tok's k most likely alternatives to dst.
func topAlternatives(dst []alternative, tok string, k int) []alternative {
	if k <= 0 {
		return dst
	}
	dst = append(dst, alternative{tok, logprobChosen})
	if n, ok := decimal(tok); ok {
		if n > 0 && len(dst) < k {
			dst = append(dst, alternative{strconv.Itoa(n - 1), logprobBelow})
		}
		if len(dst) < k {
			dst = append(dst, alternative{strconv.Itoa(n + 1), logprobAbove})
		}
	}
	for j := 1; len(dst) < k; j++ {
		dst = append(dst, alternative{"<alt" + strconv.Itoa(j) + ">", logprobFiller - float64(j)})
	}
	return dst
}

// decimal parses a token made only of ASCII digits. Usage tokens are at
// most maxWordRunes long, so the value fits an int.
func decimal(tok string) (int, bool) {
	if tok == "" || len(tok) > maxWordRunes {
		return 0, false
	}
	n := 0
	for i := 0; i < len(tok); i++ {
		if !isDigit(tok[i]) {
			return 0, false
		}
		n = n*10 + int(tok[i]-'0')
	}
	return n, true
}

// appendFloat appends f as encoding/json formats a float64.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	return strconv.AppendFloat(b, f, format, -1, 64)
}

// appendBytes appends the bytes of s as a JSON array of integers.
func appendBytes(b []byte, s string) []byte {
	b = append(b, '[')
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(s[i]), 10)
	}
	return append(b, ']')
}

// appendOpenAILogprobs appends OpenAI's choices[].logprobs object for the
// tokens of text with top alternatives each:
// {"content":[{"token","logprob","bytes","top_logprobs":[...]}],"refusal":null}.
func appendOpenAILogprobs(b []byte, text string, top int) []byte {
	b = append(b, `{"content":[`...)
	first := true
	var alts [MaxTopLogprobs]alternative
	forEachLogprobToken(text, func(tok string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendOpenAIToken(b, tok, logprobChosen)
		b = append(b, `,"top_logprobs":[`...)
		for i, a := range topAlternatives(alts[:0], tok, top) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendOpenAIToken(b, a.token, a.logprob)
			b = append(b, '}')
		}
		b = append(b, "]}"...)
	})
	return append(b, `],"refusal":null}`...)
}

// appendOpenAIToken appends {"token":..,"logprob":..,"bytes":[..] without
// the closing brace.
func appendOpenAIToken(b []byte, tok string, lp float64) []byte {
	b = append(b, `{"token":`...)
	b = appendJSONString(b, tok)
	b = append(b, `,"logprob":`...)
	b = appendFloat(b, lp)
	b = append(b, `,"bytes":`...)
	return appendBytes(b, tok)
}

// geminiTokenID is a stable stand-in for a token's id in Gemini's
// vocabulary.
func geminiTokenID(tok string) uint64 { return fnv1a(fnvOffset64, []byte(tok)) % 256000 }

// appendGeminiLogprobs appends a candidate's "logprobsResult" member for the
// tokens of text: {"topCandidates":[{"candidates":[...]}] (when top > 0),
// "chosenCandidates":[{"token","tokenId","logProbability"}]}.
func appendGeminiLogprobs(b []byte, text string, top int) []byte {
	b = append(b, `"logprobsResult": {`...)
	if text == "" {
		return append(b, '}')
	}
	var alts [MaxTopLogprobs]alternative
	if top > 0 {
		b = append(b, `"topCandidates": [`...)
		first := true
		forEachLogprobToken(text, func(tok string) {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, `{"candidates": [`...)
			for i, a := range topAlternatives(alts[:0], tok, top) {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendGeminiCandidate(b, a.token, a.logprob)
			}
			b = append(b, "]}"...)
		})
		b = append(b, "],"...)
	}
	b = append(b, `"chosenCandidates": [`...)
	first := true
	forEachLogprobToken(text, func(tok string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendGeminiCandidate(b, tok, logprobChosen)
	})
	return append(b, "]}"...)
}

func appendGeminiCandidate(b []byte, tok string, lp float64) []byte {
	b = append(b, `{"token": `...)
	b = appendJSONString(b, tok)
	b = append(b, `,"tokenId": `...)
	b = strconv.AppendUint(b, geminiTokenID(tok), 10)
	b = append(b, `,"logProbability": `...)
	b = appendFloat(b, lp)
	return append(b, '}')
}
