package javascript

import (
	"regexp"
	"strings"
)

// FunctionBody turns an assertion's source into the body of a function of
// (output, context, process), as promptfoo does: a source of several lines
// is the body as written (it returns its verdict); a single line is an
// expression whose value is returned, or, when it starts with a const, let
// or var declaration, statements whose last one (after the last semicolon
// outside strings, template literals, comments and brackets) is returned.
func FunctionBody(src string) string {
	src = strings.TrimRight(src, jsSpace)
	if strings.Contains(src, "\n") {
		return src
	}
	t := trailingSemis.ReplaceAllString(strings.TrimSpace(src), "")
	if declaration.MatchString(t) {
		if i := lastStatementSemicolon(t); i >= 0 {
			if expr := strings.TrimSpace(t[i+1:]); expr != "" {
				return t[:i+1] + " return " + expr
			}
		}
		return t
	}
	return "return " + t
}

// jsSpace is the white space promptfoo's trimEnd removes that a YAML value
// can end with.
const jsSpace = " \t\r\n\v\f"

var (
	trailingSemis = regexp.MustCompile(`;+\s*$`)
	declaration   = regexp.MustCompile(`^(const|let|var)\s`)
)

// lastStatementSemicolon is the index of the last semicolon of t that
// separates statements: not inside a string, a template literal, a
// comment or brackets; -1 when there is none. A regular-expression literal
// is not recognised (a semicolon inside one at the top level would be taken
// as a separator, and the body then fails to compile, which Validate
// reports).
func lastStatementSemicolon(t string) int {
	last := -1
	depth := 0
	// templates holds, for each template literal being read, the bracket
	// depth at which its current ${ substitution started.
	var templates []int
	inTemplate := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		if inTemplate {
			switch c {
			case '\\':
				i++
			case '`':
				inTemplate = false
			case '$':
				if i+1 < len(t) && t[i+1] == '{' {
					templates = append(templates, depth)
					depth++
					inTemplate = false
					i++
				}
			}
			continue
		}
		switch c {
		case '\'', '"':
			i = skipString(t, i)
		case '`':
			inTemplate = true
		case '/':
			if i+1 < len(t) && t[i+1] == '/' {
				return last // a line comment runs to the end of the line
			}
			if i+1 < len(t) && t[i+1] == '*' {
				end := strings.Index(t[i+2:], "*/")
				if end < 0 {
					return last
				}
				i += end + 3
			}
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if n := len(templates); n > 0 && templates[n-1] == depth {
				templates = templates[:n-1]
				inTemplate = true
			}
		case ';':
			if depth == 0 {
				last = i
			}
		}
	}
	return last
}

// skipString returns the index of the quote closing the string that starts
// at i (or the last index when it is not closed).
func skipString(t string, i int) int {
	q := t[i]
	for i++; i < len(t); i++ {
		switch t[i] {
		case '\\':
			i++
		case q:
			return i
		}
	}
	return len(t) - 1
}
