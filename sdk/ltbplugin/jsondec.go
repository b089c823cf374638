package ltbplugin

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is the SDK's JSON decoder: a small hand-written scanner for
// the envelope, with no reflection. encoding/json's reflective decoding
// was most of a Go guest's time per call (Go's WebAssembly code runs it
// several times slower than native code); this decoder gives the same
// values encoding/json would (FuzzDecodeEnvelope compares them), with
// exact key matching: the host always spells its keys exactly.

// maxDepth bounds nesting, as encoding/json does (10000).
const maxDepth = 10000

// decoder reads one JSON text from b.
type decoder struct {
	b     []byte
	i     int
	depth int
}

// syntaxError says what was wrong where.
func (d *decoder) syntaxError(what string) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", d.i, what)
}

func (d *decoder) skipSpace() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (d *decoder) peek() byte {
	d.skipSpace()
	if d.i >= len(d.b) {
		return 0
	}
	return d.b[d.i]
}

// literal consumes the word w (true, false, null).
func (d *decoder) literal(w string) error {
	if len(d.b)-d.i < len(w) || string(d.b[d.i:d.i+len(w)]) != w {
		return d.syntaxError("invalid literal")
	}
	d.i += len(w)
	return nil
}

// end checks nothing but white space follows the value.
func (d *decoder) end() error {
	if d.skipSpace(); d.i < len(d.b) {
		return d.syntaxError("data after the top-level value")
	}
	return nil
}

// openObject consumes the '{' of an object; a null instead is consumed
// and reported as false. Read its keys with key.
func (d *decoder) openObject() (bool, error) {
	switch d.peek() {
	case 'n':
		return false, d.literal("null")
	case '{':
	default:
		return false, errType("object")
	}
	if d.depth++; d.depth > maxDepth {
		return false, d.syntaxError("nested too deeply")
	}
	d.i++
	return true, nil
}

// key reads the next key of an open object and its ':', after n keys;
// false at the object's '}'. The key may alias the input.
func (d *decoder) key(n int) ([]byte, bool, error) {
	c := d.peek()
	if n > 0 {
		switch c {
		case '}':
		case ',':
			d.i++
			c = d.peek()
			if c != '"' {
				return nil, false, d.syntaxError("want a key string after ','")
			}
		default:
			return nil, false, d.syntaxError("want ',' or '}' in an object")
		}
	}
	if c == '}' {
		d.i++
		d.depth--
		return nil, false, nil
	}
	if c != '"' {
		return nil, false, d.syntaxError("want a key string")
	}
	k, err := d.strBytes()
	if err != nil {
		return nil, false, err
	}
	if d.peek() != ':' {
		return nil, false, d.syntaxError("want ':' after a key")
	}
	d.i++
	return k, true, nil
}

// openArray consumes the '[' of an array; a null instead is consumed and
// reported as false. Step through its elements with more.
func (d *decoder) openArray() (bool, error) {
	switch d.peek() {
	case 'n':
		return false, d.literal("null")
	case '[':
	default:
		return false, errType("array")
	}
	if d.depth++; d.depth > maxDepth {
		return false, d.syntaxError("nested too deeply")
	}
	d.i++
	return true, nil
}

// more reports whether an element follows in an open array after n
// elements, consuming the ',' before it, or the array's ']'.
func (d *decoder) more(n int) (bool, error) {
	c := d.peek()
	switch {
	case c == ']':
		d.i++
		d.depth--
		return false, nil
	case n == 0:
		return true, nil
	case c == ',':
		d.i++
		if d.peek() == ']' {
			return false, d.syntaxError("want a value after ','")
		}
		return true, nil
	}
	return false, d.syntaxError("want ',' or ']' in an array")
}

// errWrongType is a well-formed value of another type than the field's.
var errWrongType = errors.New("wrong type")

func errType(want string) error { return fmt.Errorf("%w: want %s", errWrongType, want) }

// value decodes any value as encoding/json decodes into an interface:
// map[string]any, []any, string, float64, bool or nil.
func (d *decoder) value() (any, error) {
	switch c := d.peek(); {
	case c == '{':
		return d.mapInto(nil)
	case c == '[':
		a := []any{}
		if _, err := d.openArray(); err != nil {
			return nil, err
		}
		for n := 0; ; n++ {
			ok, err := d.more(n)
			if err != nil || !ok {
				return a, err
			}
			v, err := d.value()
			if err != nil {
				return a, err
			}
			a = append(a, v)
		}
	case c == '"':
		return d.str()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		lit, err := d.number()
		if err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			return nil, fmt.Errorf("number %s: %w", lit, err)
		}
		return f, nil
	case c == 0:
		return nil, d.syntaxError("unexpected end of input")
	}
	return nil, d.syntaxError("invalid character")
}

// mapInto decodes an object into m (made when nil), as encoding/json
// does with a map: a repeated key merges, null clears.
func (d *decoder) mapInto(m map[string]any) (map[string]any, error) {
	ok, err := d.openObject()
	if err != nil {
		if errors.Is(err, errWrongType) {
			if _, serr := d.skip(); serr != nil {
				err = serr
			}
		}
		return m, err
	}
	if !ok {
		return nil, nil
	}
	if m == nil {
		m = map[string]any{}
	}
	for n := 0; ; n++ {
		k, more, err := d.key(n)
		if err != nil || !more {
			return m, err
		}
		ks := string(k)
		v, err := d.value()
		m[ks] = v
		if err != nil {
			return m, err
		}
	}
}

// skip consumes one value of any type and returns its bytes.
func (d *decoder) skip() ([]byte, error) {
	d.skipSpace()
	start := d.i
	var err error
	switch c := d.peek(); {
	case c == '{':
		_, err = d.openObject()
		for n := 0; err == nil; n++ {
			var more bool
			if _, more, err = d.key(n); err == nil && more {
				_, err = d.skip()
			} else if !more {
				break
			}
		}
	case c == '[':
		_, err = d.openArray()
		for n := 0; err == nil; n++ {
			var more bool
			if more, err = d.more(n); err == nil && more {
				_, err = d.skip()
			} else if !more {
				break
			}
		}
	case c == '"':
		_, err = d.strBytes()
	case c == 't':
		err = d.literal("true")
	case c == 'f':
		err = d.literal("false")
	case c == 'n':
		err = d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, err = d.number()
	case c == 0:
		err = d.syntaxError("unexpected end of input")
	default:
		err = d.syntaxError("invalid character")
	}
	return d.b[start:d.i], err
}

// number consumes a number literal and checks its grammar.
func (d *decoder) number() (string, error) {
	start := d.i
	b := d.b
	digits := func() int {
		n := 0
		for d.i < len(b) && b[d.i] >= '0' && b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(b) && b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(b) && b[d.i] == '0':
		d.i++
	case digits() == 0:
		return "", d.syntaxError("invalid number")
	}
	if d.i < len(b) && b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return "", d.syntaxError("want a digit after '.'")
		}
	}
	if d.i < len(b) && (b[d.i] == 'e' || b[d.i] == 'E') {
		d.i++
		if d.i < len(b) && (b[d.i] == '+' || b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return "", d.syntaxError("want a digit in the exponent")
		}
	}
	return string(b[start:d.i]), nil
}

// int decodes a number into an int as encoding/json does: an integer
// literal only. A null leaves def.
func (d *decoder) int(def int) (int, error) {
	switch c := d.peek(); {
	case c == 'n':
		return def, d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
	default:
		if _, err := d.skip(); err != nil {
			return def, err
		}
		return def, errType("number")
	}
	lit, err := d.number()
	if err != nil {
		return def, err
	}
	n, err := strconv.ParseInt(lit, 10, 0)
	if err != nil {
		return def, fmt.Errorf("%w: number %s is not an int", errWrongType, lit)
	}
	return int(n), nil
}

// string decodes a string field; a null leaves def.
func (d *decoder) string(def string) (string, error) {
	switch d.peek() {
	case 'n':
		return def, d.literal("null")
	case '"':
		return d.str()
	}
	if _, err := d.skip(); err != nil {
		return def, err
	}
	return def, errType("string")
}

// str decodes a string at the cursor, as encoding/json does: escapes
// resolved, invalid UTF-8 and lone surrogates become U+FFFD.
func (d *decoder) str() (string, error) {
	b, err := d.strBytes()
	return string(b), err
}

// strBytes is str without the copy: the bytes alias the input when the
// string holds no escape.
func (d *decoder) strBytes() ([]byte, error) {
	b := d.b
	d.i++ // the opening quote
	start := d.i
	// Fast path: no escapes, no control characters, valid UTF-8.
	for d.i < len(b) {
		c := b[d.i]
		if c == '"' {
			s := b[start:d.i]
			d.i++
			if utf8.Valid(s) {
				return s, nil
			}
			d.i = start
			return d.slowStr()
		}
		if c == '\\' || c < 0x20 {
			d.i = start
			return d.slowStr()
		}
		d.i++
	}
	return nil, d.syntaxError("unterminated string")
}

// slowStr decodes a string with escapes or invalid UTF-8 from the cursor
// (just after the opening quote).
func (d *decoder) slowStr() ([]byte, error) {
	b := d.b
	out := make([]byte, 0, 64)
	for d.i < len(b) {
		c := b[d.i]
		switch {
		case c == '"':
			d.i++
			return out, nil
		case c < 0x20:
			return nil, d.syntaxError("control character in a string")
		case c == '\\':
			d.i++
			if d.i >= len(b) {
				return nil, d.syntaxError("unterminated string")
			}
			e := b[d.i]
			d.i++
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return nil, d.syntaxError("bad \\u escape")
				}
				if utf16.IsSurrogate(r) {
					if dec, ok := d.pair(r); ok {
						out = utf8.AppendRune(out, dec)
						continue
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
			default:
				return nil, d.syntaxError("bad escape")
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			d.i++
		default:
			r, size := utf8.DecodeRune(b[d.i:])
			d.i += size
			out = utf8.AppendRune(out, r) // RuneError for invalid bytes, as encoding/json
		}
	}
	return nil, d.syntaxError("unterminated string")
}

// hex4 reads the four hex digits of a \u escape.
func (d *decoder) hex4() (rune, bool) {
	if len(d.b)-d.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}

// pair reads a following \uXXXX that completes the surrogate pair
// starting with r; otherwise it leaves the cursor where it was.
func (d *decoder) pair(r rune) (rune, bool) {
	if len(d.b)-d.i < 6 || d.b[d.i] != '\\' || d.b[d.i+1] != 'u' {
		return 0, false
	}
	save := d.i
	d.i += 2
	r2, ok := d.hex4()
	if !ok {
		d.i = save
		return 0, false
	}
	dec := utf16.DecodeRune(r, r2)
	if dec == utf8.RuneError {
		d.i = save
		return 0, false
	}
	return dec, true
}
