package sqlite

import (
	"strings"
	"unicode"
)

// matchQuery turns a user's search text into an FTS5 query that every
// word of it must match, taken literally: each whitespace-separated term
// becomes a quoted string (a double quote in it doubled), so that FTS5's
// syntax (AND, OR, NOT, NEAR, *, ^, -, column filters, parentheses) is
// never interpreted. FTS5 tokenizes inside the quotes, so a term such as
// "don't" becomes the phrase "don t". Terms without a letter or a digit
// would be empty phrases and are left out; ok is false when no term is
// left, and the search then matches nothing. A NUL separates terms too
// (FTS5 reads the query as a C string).
func matchQuery(text string) (q string, ok bool) {
	var b strings.Builder
	for _, term := range strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || r == 0 }) {
		if strings.IndexFunc(term, isWordRune) < 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(term, `"`, `""`))
		b.WriteByte('"')
	}
	return b.String(), b.Len() > 0
}

// isWordRune reports what FTS5's unicode61 tokenizer keeps in a token.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r)
}
