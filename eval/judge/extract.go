package judge

import (
	"encoding/json"
	"strings"
)

// JSONObjects returns the JSON objects found in a judge's reply, in order:
// each "{" starts a candidate that ends at its balanced "}" (strings and
// escapes respected) and is kept when it parses. Text around them (a
// preamble, a code fence) is ignored. At most max objects are returned
// (max <= 0: all). At most maxCandidates "{" that start no object are
// tried, so a long malformed reply costs linear time, not quadratic.
func JSONObjects(text string, max int) []json.RawMessage {
	var out []json.RawMessage
	misses := 0
	for i := 0; i < len(text) && misses < maxCandidates; {
		j := strings.IndexByte(text[i:], '{')
		if j < 0 {
			break
		}
		start := i + j
		end := balanced(text, start)
		if end < 0 {
			i = start + 1
			misses++
			continue
		}
		raw := json.RawMessage(text[start : end+1])
		if json.Valid(raw) {
			out = append(out, raw)
			if max > 0 && len(out) == max {
				break
			}
			i = end + 1
			continue
		}
		i = start + 1
		misses++
	}
	return out
}

// maxCandidates bounds the failed starts JSONObjects tries.
const maxCandidates = 64

// balanced returns the index of the "}" closing the "{" at start, or -1.
func balanced(s string, start int) int {
	depth, inStr, esc := 0, false, false
	for k := start; k < len(s); k++ {
		c := s[k]
		switch {
		case inStr && esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case inStr && c == '"':
			inStr = false
		case inStr:
		case c == '"':
			inStr = true
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}
