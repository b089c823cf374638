// Package jsonstr appends Go strings as JSON string literals without
// reflection, for the hand-written encoders on hot paths (the simulator's
// responses, the http provider's request bodies).
package jsonstr

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// Append appends s to dst as a JSON string literal. Quotes, backslashes and
// control characters are escaped; non-ASCII text and <, >, & are kept as
// they are (as OpenAI writes them); each invalid UTF-8 byte becomes U+FFFD.
// With jsSafe, U+2028 and U+2029 (which some JavaScript parsers reject raw)
// and the replacement character are written as \u escapes instead.
func Append(dst []byte, s string, jsSafe bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1 && jsSafe:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
		case jsSafe && (r == '\u2028' || r == '\u2029'):
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
