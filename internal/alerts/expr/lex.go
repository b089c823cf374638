package expr

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokKind int

const (
	tokEOF tokKind = iota
	tokWord
	tokOp
	tokNumber
	tokDuration
)

type token struct {
	kind tokKind
	text string
	num  float64
	col  int // 1-based byte column
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of condition"
	case tokNumber:
		return "number " + t.text
	case tokDuration:
		return "duration " + t.text
	}
	return strconv.Quote(t.text)
}

// numberRE is the form of NUMBER: no hex, no underscores, no Inf or NaN.
var numberRE = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// lex splits text into tokens, ending with tokEOF.
func lex(text string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(text) {
		c := text[i]
		col := i + 1
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '>' || c == '<':
			op := string(c)
			if i+1 < len(text) && text[i+1] == '=' {
				op += "="
			}
			toks = append(toks, token{kind: tokOp, text: op, col: col})
			i += len(op)
		case c >= 'a' && c <= 'z' || c == '_':
			j := i
			for j < len(text) && (text[j] >= 'a' && text[j] <= 'z' || text[j] >= '0' && text[j] <= '9' || text[j] == '_') {
				j++
			}
			toks = append(toks, token{kind: tokWord, text: text[i:j], col: col})
			i = j
		case c >= '0' && c <= '9' || c == '.' || c == '+' || c == '-':
			t, err := lexNumber(text, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += len(t.text)
		default:
			r, _ := utf8.DecodeRuneInString(text[i:])
			msg := fmt.Sprintf("unexpected character %q", r)
			if c >= 'A' && c <= 'Z' {
				msg += "; metrics and keywords are lower case"
			}
			if c == '=' || c == '!' {
				msg += "; want >, >=, < or <="
			}
			return nil, &Error{Col: col, Msg: msg}
		}
	}
	return append(toks, token{kind: tokEOF, col: len(text) + 1}), nil
}

// lexNumber reads a number or a duration (a number followed by units:
// "5m", "1h30m", "250ms") starting at i.
func lexNumber(text string, i int) (token, error) {
	j := i
	for j < len(text) && isNumberByte(text[j]) {
		j++
	}
	s := text[i:j]
	col := i + 1
	if strings.ContainsFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == 'µ' }) &&
		!numberRE.MatchString(s) {
		return token{kind: tokDuration, text: s, col: col}, nil
	}
	if !numberRE.MatchString(s) {
		return token{}, &Error{Col: col, Msg: fmt.Sprintf("malformed number %q", s)}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsInf(f, 0) || math.IsNaN(f) {
		return token{}, &Error{Col: col, Msg: fmt.Sprintf("number %s is out of range", s)}
	}
	return token{kind: tokNumber, text: s, num: f, col: col}, nil
}

// isNumberByte reports whether b may be part of a number or a duration.
func isNumberByte(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '.' || b == '+' || b == '-' ||
		b == 0xc2 || b == 0xb5 // µ in UTF-8
}
