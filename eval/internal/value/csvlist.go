package value

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Errors of ParseList, for callers that name the assertion.
var (
	ErrUnterminatedQuote = errors.New("unterminated quoted field")
	ErrAfterQuote        = errors.New("expected a comma after a quoted field")
)

// ParseList reads the string form of a contains-any / contains-all value as
// promptfoo does: items are separated by commas; an unquoted item is trimmed
// of white space and dropped when empty (so ",a,,b," is [a b]); an item that
// starts with a double quote runs to the closing quote and keeps everything
// inside it, commas and spaces included, even when empty. Inside quotes `""`
// and `\"` stand for a quote and `\\` for a backslash; any other backslash is
// kept as it is. After a closing quote only white space may come before the
// next comma. A quote that is never closed, or text after a closing quote,
// is an error that says where. White space is JavaScript's \s.
func ParseList(s string) ([]string, error) {
	var out []string
	i := 0
	for {
		i = skipSeparators(s, i)
		if i >= len(s) {
			return out, nil
		}
		if s[i] != '"' {
			end := strings.IndexByte(s[i:], ',')
			if end < 0 {
				end = len(s) - i
			}
			out = append(out, trimJSSpace(s[i:i+end]))
			i += end
			continue
		}
		item, next, err := quotedItem(s, i)
		if err != nil {
			return nil, err
		}
		out = append(out, item)
		i = skipJSSpace(s, next)
		if i < len(s) && s[i] != ',' {
			return nil, fmt.Errorf("%w (at byte %d of %q)", ErrAfterQuote, i, s)
		}
	}
}

// quotedItem reads the quoted item that opens at s[start] and returns it and
// the index just past its closing quote.
func quotedItem(s string, start int) (string, int, error) {
	var b strings.Builder
	for i := start + 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case c == '"' && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case c == '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("%w (the quote at byte %d of %q)", ErrUnterminatedQuote, start, s)
}

// skipSeparators moves past white space and commas.
func skipSeparators(s string, i int) int {
	for {
		i = skipJSSpace(s, i)
		if i >= len(s) || s[i] != ',' {
			return i
		}
		i++
	}
}

// skipJSSpace moves past white space as JavaScript's \s defines it.
func skipJSSpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isJSSpace(r) {
			break
		}
		i += n
	}
	return i
}

// trimJSSpace is JavaScript's String.prototype.trim.
func trimJSSpace(s string) string {
	return strings.TrimFunc(s, isJSSpace)
}

// isJSSpace reports whether r is white space or a line terminator in
// ECMAScript: Go's unicode.IsSpace without U+0085 and with U+FEFF.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2028', '\u2029',
		'\u202f', '\u205f', '\u3000', '\ufeff':
		return true
	}
	return r >= '\u2000' && r <= '\u200a'
}
