// Package ndjson decodes newline-delimited JSON streams (one JSON value a
// line, as Ollama streams its answers) with a bounded line length. It
// tolerates what real servers and proxies send: "\r\n" line ends, blank
// keep-alive lines, blanks around a value, a byte-order mark before the
// first line and a last line without its newline.
package ndjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxLine is the longest line NewDecoder accepts, in bytes.
const DefaultMaxLine = 4 << 20

// ErrLineTooLong is returned when a line exceeds the decoder's limit.
var ErrLineTooLong = errors.New("ndjson: line too long")

// bom is the UTF-8 byte-order mark, skipped before the first line.
var bom = []byte{0xEF, 0xBB, 0xBF}

// Decoder reads the lines of an NDJSON stream. It is not safe for
// concurrent use.
type Decoder struct {
	r       io.Reader
	buf     []byte
	start   int
	end     int
	maxLine int
	err     error // sticky read error
	line    int   // number of the last line read, from 1, blank lines included
	first   bool  // the first line is still to come (a BOM may precede it)
}

// NewDecoder returns a decoder reading r with lines of at most DefaultMaxLine bytes.
func NewDecoder(r io.Reader) *Decoder {
	return NewDecoderSize(r, DefaultMaxLine)
}

// NewDecoderSize returns a decoder reading r that fails with ErrLineTooLong
// on a line longer than maxLine bytes (not counting its "\n" or "\r\n").
// maxLine <= 0 means DefaultMaxLine.
func NewDecoderSize(r io.Reader, maxLine int) *Decoder {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	return &Decoder{r: r, buf: make([]byte, min(4096, maxLine+2)), maxLine: maxLine, first: true}
}

// Next returns the next non-blank line, without its line end and with the
// blanks around it removed. The slice is only valid until the next call;
// copy it to keep it. Next returns io.EOF when the stream ends cleanly. A
// last line without its "\n" is returned when the stream ends with io.EOF
// (whether its value is complete is for the JSON decoder to say); any other
// read error is returned as it comes, and the partial line is dropped.
func (d *Decoder) Next() ([]byte, error) {
	for {
		line, err := d.readLine()
		if err != nil {
			return nil, err
		}
		if d.first {
			d.first = false
			line = bytes.TrimPrefix(line, bom)
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return line, nil
		}
	}
}

// Decode reads the next non-blank line into v with encoding/json. A line
// that is not one JSON value fails with an error naming the line number.
func (d *Decoder) Decode(v any) error {
	line, err := d.Next()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(line, v); err != nil {
		return fmt.Errorf("ndjson: line %d: %w", d.line, err)
	}
	return nil
}

// Line is the number of the line Next last returned, counting from 1 and
// including blank lines; 0 before the first.
func (d *Decoder) Line() int { return d.line }

// readLine returns the next line without its "\n" and any "\r" before it.
func (d *Decoder) readLine() ([]byte, error) {
	for {
		seg := d.buf[d.start:d.end]
		if i := bytes.IndexByte(seg, '\n'); i >= 0 {
			line := seg[:i]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			if len(line) > d.maxLine {
				return nil, d.tooLong()
			}
			d.start += i + 1
			d.line++
			return line, nil
		}
		// Without a "\n" yet, the segment may still end in the "\r" of a
		// "\r\n", which is not part of the line.
		if n := len(seg); n > d.maxLine+1 || (n == d.maxLine+1 && seg[n-1] != '\r') {
			return nil, d.tooLong()
		}
		if d.err != nil {
			d.start = d.end
			if errors.Is(d.err, io.EOF) && len(bytes.TrimSpace(seg)) > 0 {
				d.line++
				return bytes.TrimSuffix(seg, []byte{'\r'}), nil
			}
			return nil, d.err
		}
		d.fill()
	}
}

func (d *Decoder) tooLong() error {
	d.start = d.end
	d.err = fmt.Errorf("%w: line %d is more than %d bytes", ErrLineTooLong, d.line+1, d.maxLine)
	return d.err
}

// fill reads more input, compacting or growing the buffer first.
func (d *Decoder) fill() {
	if d.start > 0 {
		n := copy(d.buf, d.buf[d.start:d.end])
		d.start, d.end = 0, n
	}
	if d.end == len(d.buf) {
		grown := make([]byte, max(min(2*len(d.buf), d.maxLine+2), len(d.buf)+1))
		copy(grown, d.buf[:d.end])
		d.buf = grown
	}
	for range 100 {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	d.err = io.ErrNoProgress
}
