package dataset

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"unicode/utf8"
)

// Suites and case files must be UTF-8. A byte sequence that is not is
// refused, naming its line and column, rather than replaced by U+FFFD or
// passed on: a prompt that silently differs from its file would be
// benchmarked as written by nobody. A UTF-8 byte order mark at the start
// of a file is skipped.

// utf8BOM is the UTF-8 byte order mark, skipped at the start of a file.
var utf8BOM = []byte("\xef\xbb\xbf")

// invalidUTF8 describes the first invalid byte of text, or returns ok when
// text is valid UTF-8.
// line and col are relative to text: 0-based line, 1-based column in
// characters.
func invalidUTF8(text []byte) (line, col int, b byte, ok bool) {
	if utf8.Valid(text) {
		return 0, 0, 0, true
	}
	off := 0
	for off < len(text) {
		r, size := utf8.DecodeRune(text[off:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		off += size
	}
	before := text[:off]
	line = bytes.Count(before, []byte{'\n'})
	if nl := bytes.LastIndexByte(before, '\n'); nl >= 0 {
		before = before[nl+1:]
	}
	return line, utf8.RuneCount(before) + 1, text[off], false
}

// errInvalidUTF8 is the message of a LoadError for a byte that is not UTF-8.
func errInvalidUTF8(b byte) error {
	return fmt.Errorf("invalid UTF-8 (byte 0x%02x): save the file as UTF-8", b)
}

// checkUTF8 returns a *LoadError for the first byte of data that is not
// UTF-8, or nil. firstLine is the line number of data's first line.
func checkUTF8(file string, data []byte, firstLine int) error {
	line, col, b, ok := invalidUTF8(data)
	if ok {
		return nil
	}
	return &LoadError{File: file, Line: firstLine + line, Col: col, Err: errInvalidUTF8(b)}
}

// checkCSVRecord returns a *LoadError for the first field of rec that is
// not UTF-8, naming its line and its column's header (or number, in the
// header row itself), or nil.
func checkCSVRecord(file string, r *csv.Reader, rec, header []string) error {
	for i, f := range rec {
		if utf8.ValidString(f) {
			continue
		}
		line, _, b, _ := invalidUTF8([]byte(f))
		start, _ := r.FieldPos(i)
		what := fmt.Sprintf("CSV header, column %d", i+1)
		if i < len(header) {
			what = fmt.Sprintf("column %s", header[i])
		}
		return &LoadError{File: file, Line: start + line, Err: fmt.Errorf("%s: %w", what, errInvalidUTF8(b))}
	}
	return nil
}
