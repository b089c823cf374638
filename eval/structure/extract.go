package structure

import (
	"encoding/json"
	"iter"
)

// scanBudget bounds the bytes ExtractJSON may scan, per byte of text and
// at least minScanBudget, so pathological text ("[[[[...") cannot make it
// quadratic. Ordinary text is scanned about once.
const (
	scanBudget    = 16
	minScanBudget = 1 << 20
)

// ExtractJSON yields, in order, the JSON objects and arrays embedded in
// text: prose around them, Markdown fences and several values in a row are
// all fine. A candidate starts at '{' or '[' and ends at its matching
// bracket (brackets inside JSON strings are skipped); it is yielded when it
// is valid JSON, and the scan resumes after it, so nested values are not
// yielded separately. On pathological input it gives up after a work
// budget proportional to the text's length.
func ExtractJSON(text string) iter.Seq[string] {
	return func(yield func(string) bool) {
		budget := max(minScanBudget, scanBudget*len(text))
		stack := make([]byte, 0, 32)
		for i := 0; i < len(text) && budget > 0; i++ {
			c := text[i]
			if c != '{' && c != '[' {
				continue
			}
			end, scanned := matchBracket(text, i, budget, stack[:0])
			budget -= scanned
			if end > 0 && json.Valid([]byte(text[i:end])) {
				if !yield(text[i:end]) {
					return
				}
				i = end - 1
			}
		}
	}
}

// matchBracket returns the index just past the bracket that closes the one
// at start, or -1 when brackets do not balance before the end of text or
// within budget bytes; it also returns how many bytes it scanned. stack is
// scratch space for the open brackets.
func matchBracket(text string, start, budget int, stack []byte) (end, scanned int) {
	inString, escaped := false, false
	limit := min(len(text), start+budget)
	for i := start; i < limit; i++ {
		c := text[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{':
			stack = append(stack, '}')
		case '[':
			stack = append(stack, ']')
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1] != c {
				return -1, i + 1 - start
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return i + 1, i + 1 - start
			}
		}
	}
	return -1, limit - start
}
