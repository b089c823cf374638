package dataset

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonParser builds a node tree from JSON text, with the line and column of
// every value and key. It is a small recursive-descent parser over the
// bytes, several times faster than encoding/json's token API, and accepts
// exactly RFC 8259 JSON (the fuzz tests compare it with json.Valid).
type jsonParser struct {
	file      string
	src       []byte
	pos       int
	line      int // line number at pos
	lineStart int // offset where the current line starts
}

// parseJSON parses one JSON value that fills src (apart from white space).
// firstLine is the line number of src's first line in its file.
func parseJSON(file string, src []byte, firstLine int) (*node, error) {
	p := &jsonParser{file: file, src: src, line: firstLine}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.src) {
		return nil, p.errorf("json: unexpected data after the top-level value")
	}
	return n, nil
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return &LoadError{File: p.file, Line: p.line, Col: p.col(), Err: fmt.Errorf(format, args...)}
}

func (p *jsonParser) col() int { return p.pos - p.lineStart + 1 }

// unexpected reports the byte at pos, or the end of input.
func (p *jsonParser) unexpected(context string) error {
	if p.pos >= len(p.src) {
		return p.errorf("json: unexpected end of input %s", context)
	}
	return p.errorf("json: invalid character %q %s", p.src[p.pos], context)
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '\n':
			p.line++
			p.lineStart = p.pos + 1
		case ' ', '\t', '\r':
		default:
			return
		}
		p.pos++
	}
}

func (p *jsonParser) value(depth int) (*node, error) {
	p.skipSpace()
	if depth > maxDepth {
		return nil, p.errorf("json: nested deeper than %d levels", maxDepth)
	}
	if p.pos >= len(p.src) {
		return nil, p.unexpected("looking for a value")
	}
	line, col := p.line, p.col()
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(line, col, depth)
	case c == '[':
		return p.array(line, col, depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return stringNode(line, col, s), nil
	case c == '-' || c >= '0' && c <= '9':
		text, err := p.number()
		if err != nil {
			return nil, err
		}
		return numberNode(line, col, text)
	case p.literal("true"):
		return scalar(line, col, true, "true"), nil
	case p.literal("false"):
		return scalar(line, col, false, "false"), nil
	case p.literal("null"):
		return &node{kind: kindNull, line: line, col: col}, nil
	}
	return nil, p.unexpected("looking for a value")
}

// literal consumes word if the input continues with it.
func (p *jsonParser) literal(word string) bool {
	if len(p.src)-p.pos >= len(word) && string(p.src[p.pos:p.pos+len(word)]) == word {
		p.pos += len(word)
		return true
	}
	return false
}

func (p *jsonParser) object(line, col, depth int) (*node, error) {
	p.pos++ // '{'
	out := &node{kind: kindMap, line: line, col: col}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return out, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return nil, p.unexpected("looking for an object key")
		}
		kline := p.line
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if _, first, dup := out.get(key); dup {
			return nil, &LoadError{File: p.file, Line: kline, Err: fmt.Errorf("duplicate key %q (first at line %d)", key, first)}
		}
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, p.unexpected("after an object key")
		}
		p.pos++
		val, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out.fields = append(out.fields, field{key: key, line: kline, val: val})
		if done, err := p.next('}', "after an object value"); done || err != nil {
			return out, err
		}
	}
}

func (p *jsonParser) array(line, col, depth int) (*node, error) {
	p.pos++ // '['
	out := &node{kind: kindList, line: line, col: col}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return out, nil
	}
	for {
		item, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out.items = append(out.items, item)
		if done, err := p.next(']', "after an array element"); done || err != nil {
			return out, err
		}
	}
}

// next consumes a ',' (more to come) or the closing delimiter (done).
func (p *jsonParser) next(closing byte, context string) (bool, error) {
	p.skipSpace()
	if p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ',':
			p.pos++
			return false, nil
		case closing:
			p.pos++
			return true, nil
		}
	}
	return false, p.unexpected(context)
}

// number consumes a JSON number and returns its text.
func (p *jsonParser) number() (string, error) {
	start := p.pos
	if p.src[p.pos] == '-' {
		p.pos++
	}
	if p.pos < len(p.src) && p.src[p.pos] == '0' {
		p.pos++
	} else if !p.digits() {
		return "", p.unexpected("in a number")
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if !p.digits() {
			return "", p.unexpected("after a decimal point")
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if !p.digits() {
			return "", p.unexpected("in an exponent")
		}
	}
	return string(p.src[start:p.pos]), nil
}

// digits consumes one or more decimal digits.
func (p *jsonParser) digits() bool {
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	return p.pos > start
}

// str consumes a string literal and returns its value. Like encoding/json,
// it turns invalid UTF-8 and unpaired surrogates into U+FFFD.
func (p *jsonParser) str() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			s := p.src[start:p.pos]
			p.pos++
			if utf8.Valid(s) {
				return string(s), nil
			}
			return validUTF8(s), nil
		case c == '\\':
			return p.escapedStr(start)
		case c < 0x20:
			return "", p.errorf("json: control character %q in a string", c)
		}
		p.pos++
	}
	return "", p.unexpected("in a string")
}

// escapedStr finishes a string that contains escapes; pos is at the first
// backslash and start is where the string's content began.
func (p *jsonParser) escapedStr(start int) (string, error) {
	var b strings.Builder
	b.Write(p.src[start:p.pos])
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			if s := b.String(); !utf8.ValidString(s) {
				return validUTF8([]byte(s)), nil
			}
			return b.String(), nil
		case c < 0x20:
			return "", p.errorf("json: control character %q in a string", c)
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		p.pos++ // backslash
		if p.pos >= len(p.src) {
			break
		}
		e := p.src[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, err := p.unicodeEscape()
			if err != nil {
				return "", err
			}
			b.WriteRune(r)
		default:
			p.pos--
			return "", p.errorf("json: invalid escape \\%c in a string", e)
		}
	}
	return "", p.unexpected("in a string")
}

// unicodeEscape reads the XXXX of \uXXXX, and a second escape when the first
// is a high surrogate.
func (p *jsonParser) unicodeEscape() (rune, error) {
	r, ok := p.hex4()
	if !ok {
		return 0, p.errorf("json: invalid \\u escape in a string")
	}
	if !utf16.IsSurrogate(r) {
		return r, nil
	}
	if p.pos+1 < len(p.src) && p.src[p.pos] == '\\' && p.src[p.pos+1] == 'u' {
		save := p.pos
		p.pos += 2
		if r2, ok := p.hex4(); ok {
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				return dec, nil
			}
		}
		p.pos = save // not a valid pair: the second escape stands alone
	}
	return utf8.RuneError, nil
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.pos+4 > len(p.src) {
		return 0, false
	}
	var r rune
	for _, c := range p.src[p.pos : p.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.pos += 4
	return r, true
}

// validUTF8 replaces each byte of invalid UTF-8 with U+FFFD, as
// encoding/json does.
func validUTF8(s []byte) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		b.WriteRune(r) // RuneError for an invalid byte, with size 1
		s = s[size:]
	}
	return b.String()
}
